"""ADM-1…4, ONB-3, GRD-4, BLK-6 on the in-memory store: applications, the department's review and decision."""

import threading
from datetime import timedelta

import pytest

from portal.adapters import records
from portal.adapters.repos.customers import Applications, Documents
from portal.adapters.repos.dynamics import BlacklistEntries
from portal.adapters.repos.grading import Counters, Standings
from portal.domain.timeutil import shanghai_day
from portal.services import applications, grading
from portal.services.applications import ConditionRecord
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.factories import (
    admitted,
    all_required_documents,
    applied,
    register,
    review_to_admission,
    signed_contract,
    upload,
)

LEADER, CLERK, REP = "ortho.leader@demo.local", "ortho.clerk@demo.local", "ortho.rep@demo.local"


def list_on_blacklist(fake, customer_id, scope, active=True, entry_id=None):
    """A blacklist entry as the blacklist service writes it (listing itself is BLK-*'s, tested there)."""
    with fake.uow() as uow:
        uow.repo(BlacklistEntries).put(records.BlacklistEntry(
            entry_id=entry_id or f"e-{scope}-{customer_id}", customer_id=customer_id, scope=scope,
            listed_at=fake.now, active=active))
        uow.commit()


def standing(fake, dept, customer_id):
    return fake.repo(Standings).get(dept, customer_id)


def total(fake, dept):
    return fake.repo(Counters).department(dept).total


# --- submission (ADM-4, ADM-3, ADM-1) ------------------------------------------------------------

def test_ADM_4_applying_without_required_documents_is_refused(fake):
    _customer, ctx = register(fake)
    upload(ctx, "business-licence", fake=fake)
    with pytest.raises(Invalid) as exc:
        applications.submit(ctx, "ortho", ["bone-plate"])
    assert "税务登记证" in str(exc.value.fields["documents"][0])  # named, not by its id (issue 17 item 2)
    assert fake.repo(Applications).of_customer(ctx.actor.customer_id) == []


def test_ADM_4_products_must_be_the_departments(fake):
    _customer, ctx = register(fake)
    all_required_documents(ctx, fake)
    with pytest.raises(Invalid) as exc:
        applications.submit(ctx, "ortho", ["wheelchair"])
    assert "products" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        applications.submit(ctx, "md", ["bone-plate"])
    assert "dept_id" in exc.value.fields
    with pytest.raises(Invalid):
        applications.submit(ctx, "ortho", [])


def test_ADM_4_an_application_names_its_department_and_products_and_waits_in_its_queue(fake):
    customer, _ctx, app_ = applied("ortho", ("bone-plate", "im-nail"), fake=fake)
    assert (app_.dept_id, app_.products, app_.status, app_.version) == (
        "ortho", {"bone-plate", "im-nail"}, "submitted", 1)
    stored = fake.repo(Applications).find(app_.app_id)
    assert stored.customer_name == customer.name and stored.queue_dept == "ortho" and not stored.confirm_only
    assert applications.queue(fake.ctx("rehab.leader@demo.local"), "rehab").items == []


def test_ADM_4_staff_cannot_apply(fake):
    with pytest.raises(Forbidden):
        applications.submit(fake.ctx(CLERK), "ortho", ["bone-plate"])


def test_ADM_4_a_second_open_application_to_the_same_department_is_a_conflict(fake):
    _c, ctx, _app = applied(fake=fake)
    with pytest.raises(Conflict):
        applications.submit(ctx, "ortho", ["bone-plate"])
    assert applications.submit(ctx, "rehab", ["walker"]).status == "submitted"  # another department is free


def test_ADM_4_an_admitted_customer_cannot_apply_again_there(fake):
    customer, ctx, app_ = applied("rehab", ("wheelchair",), fake=fake, kind="retail")
    applications.confirm(fake.ctx("rehab.rep@demo.local"), app_.app_id, app_.version)
    with pytest.raises(Conflict) as exc:
        applications.submit(ctx, "rehab", ["walker"])
    assert "admitted" in str(exc.value.message)


def test_ADM_3_blacklisted_customer_cannot_apply_in_scope(fake):
    customer, ctx = register(fake)
    all_required_documents(ctx, fake)
    list_on_blacklist(fake, customer.customer_id, "ortho")
    with pytest.raises(Forbidden):
        applications.submit(ctx, "ortho", ["bone-plate"])
    assert applications.submit(ctx, "rehab", ["walker"]).status == "submitted"
    list_on_blacklist(fake, customer.customer_id, "company")
    with pytest.raises(Forbidden):
        applications.submit(ctx, "rehab", ["wheelchair"])


@pytest.mark.parametrize("kind", ["retail", "internal"])
def test_ADM_1_review_free_customers_still_need_their_documents(fake, kind):
    _customer, ctx = register(fake, kind=kind)
    with pytest.raises(Invalid) as exc:
        applications.submit(ctx, "rehab", ["wheelchair"])
    assert "营业执照" in str(exc.value.fields["documents"][0])
    assert fake.repo(Applications).of_customer(ctx.actor.customer_id) == []


@pytest.mark.parametrize("kind", ["retail", "internal"])
def test_ADM_1_review_free_customer_waits_for_a_department_member_to_confirm_it(fake, kind):
    customer, _ctx, app_ = applied("rehab", ("wheelchair",), fake=fake, kind=kind)
    assert app_.status == "submitted" and app_.confirm_only and app_.queue_dept == "rehab"
    rep = fake.ctx("rehab.rep@demo.local")
    assert [a.app_id for a in applications.queue(rep, "rehab").items] == [app_.app_id]
    assert standing(fake, "rehab", customer.customer_id) is None
    assert grading.quota(fake.ctx("rehab.leader@demo.local"), "rehab").counts.total == 0
    with pytest.raises(Forbidden):  # another department's member cannot confirm it
        applications.confirm(fake.ctx(REP), app_.app_id, app_.version)
    done = applications.confirm(rep, app_.app_id, app_.version)
    assert done.status == "admitted" and done.queue_dept is None and done.decided_by == "rehab.rep@demo.local"
    assert done.conditions is None and done.background_check is None  # no six-condition review (ADM-1)
    assert "confirmed by the department" in done.decision_reason
    assert standing(fake, "rehab", customer.customer_id).grade == "QUALIFIED"
    assert grading.quota(fake.ctx("rehab.leader@demo.local"), "rehab").counts.total == 1
    assert applications.queue(rep, "rehab").items == []
    with pytest.raises(Conflict):  # a second click changes nothing
        applications.confirm(rep, app_.app_id, done.version)


def test_ADM_1_five_anonymous_retail_sign_ups_change_no_quota(fake):
    leader = fake.ctx(LEADER)
    before = grading.quota(leader, "ortho").as_json()
    for _ in range(5):
        applied("ortho", ("bone-plate",), fake=fake, kind="retail")
    assert grading.quota(leader, "ortho").as_json() == before
    assert len(applications.queue(leader, "ortho").items) == 5


def test_ADM_1_confirmation_is_refused_for_a_reviewed_type_and_when_documents_lapsed(fake):
    _c, _ctx, reviewed = applied(fake=fake)
    with pytest.raises(Conflict):
        applications.confirm(fake.ctx(REP), reviewed.app_id, reviewed.version)
    customer, ctx = register(fake, kind="retail")
    upload(ctx, "business-licence", fake=fake, expiry_date=shanghai_day(ctx.now) + timedelta(days=3))
    app_ = applications.submit(ctx, "ortho", ["bone-plate"])
    later = fake.later(fake.ctx(REP), days=4)
    with pytest.raises(Invalid) as exc:
        applications.confirm(later, app_.app_id, app_.version)
    assert "营业执照" in str(exc.value.fields["decision"][0])
    assert standing(fake, "ortho", customer.customer_id) is None


def test_ADM_1_the_leader_may_reject_a_review_free_customer_or_confirm_it(fake):
    _c, _ctx, app_ = applied("rehab", ("walker",), fake=fake, kind="internal")
    leader = fake.ctx("rehab.leader@demo.local")
    done = applications.decide(leader, app_.app_id, False, "非本集团关联方", app_.version)
    assert done.status == "rejected" and done.queue_dept is None
    other, _ctx2, app2 = applied("rehab", ("walker",), fake=fake, kind="retail")
    assert applications.decide(leader, app2.app_id, True, "同意", app2.version).status == "admitted"
    assert standing(fake, "rehab", other.customer_id).grade == "QUALIFIED"


def test_ADM_1_a_customer_listed_before_its_confirmation_is_not_confirmed(fake):
    customer, _ctx, app_ = applied("rehab", ("walker",), fake=fake, kind="retail")
    list_on_blacklist(fake, customer.customer_id, "rehab")
    with pytest.raises(Invalid) as exc:
        applications.confirm(fake.ctx("rehab.rep@demo.local"), app_.app_id, app_.version)
    assert "blacklisted" in str(exc.value.fields["decision"][0])
    assert standing(fake, "rehab", customer.customer_id) is None


# --- review (ONB-3, ADM-2) ------------------------------------------------------------------------

def test_ONB_3_the_leader_designates_an_active_member_and_only_that_person_records_the_check(fake):
    _c, _ctx, app_ = applied(fake=fake)
    leader = fake.ctx(LEADER)
    for wrong in ("", "nobody", fake.user("rehab.rep@demo.local").user_id):
        with pytest.raises(Invalid) as exc:
            applications.assign(leader, app_.app_id, wrong, app_.version)
        assert "assignee_id" in exc.value.fields
    with pytest.raises(Forbidden):  # only the leader designates
        applications.assign(fake.ctx(CLERK), app_.app_id, fake.user(REP).user_id, app_.version)
    app_ = applications.assign(leader, app_.app_id, fake.user(REP).user_id, app_.version)
    assert app_.assignee_id == fake.user(REP).user_id and app_.version == 2
    with pytest.raises(Forbidden):
        applications.record_background_check(fake.ctx(CLERK), app_.app_id, "x", app_.version)
    with pytest.raises(Invalid):
        applications.record_background_check(fake.ctx(REP), app_.app_id, "  ", app_.version)
    app_ = applications.record_background_check(fake.ctx(REP), app_.app_id, "已核查", app_.version)
    assert applications.background_of(app_)["by"] == REP
    assert applications.background_of(fake.repo(Applications).find(app_.app_id))["note"] == "已核查"
    assert [p.email for p in applications.department_staff("ortho", fake.uow())] == [CLERK, LEADER, REP]


def test_ONB_3_a_stale_form_is_a_conflict(fake):
    _c, _ctx, app_ = applied(fake=fake)
    leader = fake.ctx(LEADER)
    applications.assign(leader, app_.app_id, fake.user(REP).user_id, app_.version)
    with pytest.raises(Conflict):
        applications.assign(leader, app_.app_id, fake.user(CLERK).user_id, app_.version)
    with pytest.raises(Conflict):
        applications.assign(leader, app_.app_id, fake.user(CLERK).user_id, None)


def test_ADM_2_admission_needs_all_six_conditions(fake):
    _c, _ctx, app_ = applied(fake=fake)
    app_ = review_to_admission(app_, fake=fake)
    app_ = applications.record_condition(fake.ctx(REP), app_.app_id, ConditionRecord(
        code="d", met=False, note="发现违规经营记录"), app_.version)  # the reviewer finds (d) not met after all
    with pytest.raises(Invalid) as exc:
        applications.decide(fake.ctx(LEADER), app_.app_id, True, "同意准入", app_.version)
    assert "still open or not met: (d)" in str(exc.value.fields["decision"][0])
    assert fake.repo(Applications).find(app_.app_id).status == "submitted"


def test_ADM_2_a_condition_never_recorded_blocks_admission_five_of_six_is_not_enough(fake):
    customer, _ctx, app_ = applied(fake=fake)
    app_ = review_to_admission(app_, codes="abcde", fake=fake)  # (f) brand protection never recorded
    leader = fake.ctx(LEADER)
    with pytest.raises(Invalid) as exc:
        applications.decide(leader, app_.app_id, True, "同意准入", app_.version)
    assert "still open or not met: (f)" in str(exc.value.fields["decision"][0])
    assert standing(fake, "ortho", customer.customer_id) is None
    app_ = applications.record_condition(fake.ctx(REP), app_.app_id, ConditionRecord(
        code="f", met=True, note="已签署品牌保护承诺书"), app_.version)
    assert applications.decide(leader, app_.app_id, True, "六项条件均满足", app_.version).status == "admitted"


def test_ADM_2_without_the_background_check_there_is_no_admission(fake):
    _c, _ctx, app_ = applied(fake=fake)
    doc = fake.repo(Documents).verified_of(app_.customer_id)[0]
    contract_id = signed_contract(app_.customer_id, "ortho", fake=fake)
    for code in "abcdef":
        app_ = applications.record_condition(fake.ctx(REP), app_.app_id, ConditionRecord(
            code=code, met=True, evidence_doc=doc.doc_id, contract_id=contract_id, note="已核实"), app_.version)
    with pytest.raises(Invalid) as exc:
        applications.decide(fake.ctx(LEADER), app_.app_id, True, "同意", app_.version)
    assert "background check" in str(exc.value.fields["decision"][0])


def test_ADM_2_condition_evidence_is_required(fake):
    _c, _ctx, app_ = applied(fake=fake)
    other, _ctx2, _app2 = applied(fake=fake)
    rep = fake.ctx(REP)
    with pytest.raises(Invalid) as exc:
        applications.record_condition(rep, app_.app_id, ConditionRecord(code="c", met=True), app_.version)
    assert "contract_id" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        applications.record_condition(rep, app_.app_id, ConditionRecord(code="a", met=True, evidence_doc="nope"),
                                      app_.version)
    assert "evidence_doc" in exc.value.fields
    theirs = fake.repo(Documents).verified_of(other.customer_id)[0]
    with pytest.raises(Invalid) as exc:  # another customer's document proves nothing here
        applications.record_condition(rep, app_.app_id, ConditionRecord(code="e", met=True,
                                                                        evidence_doc=theirs.doc_id), app_.version)
    assert "evidence_doc" in exc.value.fields
    for code, field in (("b", "note"), ("f", "note")):
        with pytest.raises(Invalid) as exc:
            applications.record_condition(rep, app_.app_id, ConditionRecord(code=code, met=True), app_.version)
        assert field in exc.value.fields
    with pytest.raises(Invalid) as exc:
        applications.record_condition(rep, app_.app_id, ConditionRecord(code="b", met=False), app_.version)
    assert "note" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        applications.record_condition(rep, app_.app_id, ConditionRecord(code="g", met=True, note="x"), app_.version)
    assert "code" in exc.value.fields


def test_ADM_3_a_customer_listed_after_applying_cannot_be_admitted_at_decision_time(fake):
    customer, _ctx, app_ = applied(fake=fake)
    app_ = review_to_admission(app_, fake=fake)  # all six met, background checked: admissible until the listing
    leader = fake.ctx(LEADER)
    list_on_blacklist(fake, customer.customer_id, "ortho")
    with pytest.raises(Invalid) as exc:
        applications.decide(leader, app_.app_id, True, "同意准入", app_.version)
    assert "blacklisted" in str(exc.value.fields["decision"][0])
    assert standing(fake, "ortho", customer.customer_id) is None
    assert fake.repo(Applications).find(app_.app_id).status == "submitted"
    assert applications.decide(leader, app_.app_id, False, "已列入黑名单", app_.version).status == "rejected"


def test_ADM_3_a_company_listing_after_applying_blocks_admission_in_every_department(fake):
    customer, _ctx, app_ = applied("rehab", ("walker",), fake=fake)
    app_ = review_to_admission(app_, leader="rehab.leader@demo.local", rep="rehab.rep@demo.local", fake=fake)
    list_on_blacklist(fake, customer.customer_id, "company")
    with pytest.raises(Invalid) as exc:
        applications.decide(fake.ctx("rehab.leader@demo.local"), app_.app_id, True, "同意准入", app_.version)
    assert "blacklisted" in str(exc.value.fields["decision"][0])
    assert standing(fake, "rehab", customer.customer_id) is None


# --- decision (GRD-4) -----------------------------------------------------------------------------

def test_GRD_4_admission_creates_the_standing_as_qualified_counts_it_and_mails_the_customer(fake):
    admitted("ortho", 3, products=("bone-plate", "im-nail"), store=fake.store)
    customer, _ctx, app_ = applied("ortho", ("bone-plate", "spinal-screw"), fake=fake)
    app_ = review_to_admission(app_, fake=fake)
    decided = applications.decide(fake.ctx(LEADER), app_.app_id, True, "六项条件均满足", app_.version)
    assert decided.status == "admitted" and decided.decided_by == LEADER and decided.queue_dept is None
    held = standing(fake, "ortho", customer.customer_id)
    assert held.grade == "QUALIFIED" and held.products == {"bone-plate", "spinal-screw"}
    assert held.designated_staff == fake.user(REP).user_id and held.app_id == app_.app_id
    counts = {k: fake.repo(Counters).products("ortho", {k})[k].total for k in ("bone-plate", "spinal-screw")}
    assert total(fake, "ortho") == 4 and counts == {"bone-plate": 4, "spinal-screw": 1}
    assert [m[0] for m in fake.mails("准入通过")] == [customer.email]
    assert applications.queue(fake.ctx(CLERK), "ortho").items == []


def test_GRD_4_the_wish_for_a_grade_changes_nothing_admission_is_qualified(fake):
    customer, ctx = register(fake)
    all_required_documents(ctx, fake)
    app_ = applications.submit(ctx, "ortho", ["bone-plate"], requested_grade="VIP")
    app_ = review_to_admission(app_, fake=fake)
    applications.decide(fake.ctx(LEADER), app_.app_id, True, "同意", app_.version)
    assert standing(fake, "ortho", customer.customer_id).grade == "QUALIFIED"
    assert [s.customer_id for s in fake.repo(Standings).everyone("ortho", "QUALIFIED")] == [customer.customer_id]


def test_rejected_customer_sees_the_reason_and_may_apply_again(fake):
    _c, ctx, app_ = applied(fake=fake)
    leader = fake.ctx(LEADER)
    with pytest.raises(Invalid):
        applications.decide(leader, app_.app_id, False, "", app_.version)
    rejected = applications.decide(leader, app_.app_id, False, "缺少购销合同", app_.version)
    assert applications.get_application(ctx, rejected.app_id).decision_reason == "缺少购销合同"
    assert len(fake.mails("准入未通过")) == 1
    again = applications.submit(ctx, "ortho", ["bone-plate", "im-nail"])
    assert again.status == "submitted"
    with pytest.raises(Conflict):  # a decided application stays decided
        applications.decide(leader, rejected.app_id, True, "x", rejected.version)


def test_SEC_1_other_departments_and_other_customers_cannot_see_or_decide_an_application(fake):
    _c, _ctx, app_ = applied(fake=fake)
    _b, ctx_b = register(fake)
    with pytest.raises(Forbidden):
        applications.decide(fake.ctx("rehab.leader@demo.local"), app_.app_id, False, "x", app_.version)
    with pytest.raises(Forbidden):
        applications.decide(fake.ctx(CLERK), app_.app_id, False, "x", app_.version)
    with pytest.raises(Forbidden):
        applications.get_application(fake.ctx("rehab.rep@demo.local"), app_.app_id)
    with pytest.raises(Forbidden):
        applications.queue(fake.ctx("rehab.rep@demo.local"), "ortho")
    with pytest.raises(NotFound):
        applications.get_application(ctx_b, app_.app_id)
    with pytest.raises(NotFound):
        applications.get_application(ctx_b, "no-such-application")
    assert applications.get_application(fake.ctx("md.admin@demo.local"), app_.app_id).app_id == app_.app_id


def test_deciding_twice_at_once_one_wins_the_other_gets_409(fake, monkeypatch):
    _c, _ctx, app_ = applied(fake=fake)
    leader = fake.ctx(LEADER)
    outcomes, barrier = [], threading.Barrier(2)
    stage = Applications.decide

    def after_both_have_read(self, app):  # both decisions pass their checks before either is written
        barrier.wait(timeout=10)
        stage(self, app)

    monkeypatch.setattr(Applications, "decide", after_both_have_read)

    def decide(reason):
        try:
            applications.decide(leader, app_.app_id, False, reason, app_.version)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(r,)) for r in ("理由一", "理由二")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    decided = fake.repo(Applications).find(app_.app_id)
    assert decided.status == "rejected" and decided.version == 2
    assert len(fake.mails("准入未通过")) == 1  # the loser told no one


def test_two_admissions_of_one_customer_at_once_count_it_once(fake):
    customer, ctx, first = applied("rehab", ("walker",), fake=fake, kind="retail")
    rep = fake.ctx("rehab.rep@demo.local")
    applications.confirm(rep, first.app_id, first.version)
    # a second application slipped in before the standing existed (the check is repeated by the write)
    second = records.Application(app_id="01JSECOND000000000000000000", customer_id=customer.customer_id,
                                 customer_name=customer.name, dept_id="rehab", products={"walker"},
                                 submitted_at=fake.now, confirm_only=True)
    with fake.uow() as uow:
        uow.repo(Applications).submit(second)
        uow.commit()
    with pytest.raises(Conflict):
        applications.confirm(rep, second.app_id, 1)
    assert total(fake, "rehab") == 1 and fake.repo(Applications).find(second.app_id).status == "submitted"


def test_queue_is_the_departments_only_oldest_first_a_page_at_a_time(fake):
    _a, _ca, first = applied("ortho", fake=fake)
    _b, _cb, second = applied("ortho", fake=fake)
    _c, _cc, third = applied("ortho", fake=fake)
    _r, _cr, other = applied("rehab", products=("walker",), fake=fake)
    clerk = fake.ctx(CLERK)
    assert [a.app_id for a in applications.queue(clerk, "ortho").items] == [first.app_id, second.app_id,
                                                                             third.app_id]
    page = applications.queue(clerk, "ortho", limit=2)
    rest = applications.queue(clerk, "ortho", page.cursor, limit=2)
    assert [a.app_id for a in page.items + rest.items] == [first.app_id, second.app_id, third.app_id]
    assert other.app_id not in [a.app_id for a in page.items + rest.items]
    with pytest.raises(Invalid):
        applications.queue(clerk, "ortho", "{forged")


# --- re-entry after a blacklisting (BLK-6) ------------------------------------------------------------

def test_BLK_6_reentry_needs_both_approvals_and_enters_as_qualified(fake):
    customer, ctx = register(fake)
    all_required_documents(ctx, fake)
    list_on_blacklist(fake, customer.customer_id, "ortho", active=False)  # listed once, lifted since
    again = applications.submit(ctx, "ortho", ["bone-plate"], requested_grade="VIP")
    assert again.reentry and again.requested_grade == "VIP" and not again.confirm_only
    again = review_to_admission(again, fake=fake)
    pending = applications.decide(fake.ctx(LEADER), again.app_id, True, "部门同意", again.version)
    assert pending.status == "submitted" and pending.dm_approval  # still pending: one approver only
    assert standing(fake, "ortho", again.customer_id) is None
    with pytest.raises(Forbidden):
        applications.approve_reentry(fake.ctx("md.admin@demo.local"), again.app_id, "x", pending.version)
    with pytest.raises(Forbidden):
        applications.approve_reentry(fake.ctx(LEADER), again.app_id, "x", pending.version)
    with pytest.raises(Invalid):
        applications.approve_reentry(fake.ctx("leader@demo.local"), again.app_id, " ", pending.version)
    with pytest.raises(Conflict):
        applications.approve_reentry(fake.ctx("leader@demo.local"), again.app_id, "同意", again.version)
    done = applications.approve_reentry(fake.ctx("leader@demo.local"), again.app_id, "公司领导同意", pending.version)
    assert done.status == "admitted" and done.decision_reason == "部门同意"
    assert standing(fake, "ortho", customer.customer_id).grade == "QUALIFIED"  # whatever it had or asked
    assert total(fake, "ortho") == 1


def test_BLK_6_leadership_may_approve_first(fake):
    customer, ctx = register(fake)
    all_required_documents(ctx, fake)
    list_on_blacklist(fake, customer.customer_id, "company", active=False)
    app_ = applications.submit(ctx, "rehab", ["walker"])
    app_ = review_to_admission(app_, leader="rehab.leader@demo.local", rep="rehab.rep@demo.local", fake=fake)
    first = applications.approve_reentry(fake.ctx("leader@demo.local"), app_.app_id, "同意", app_.version)
    assert first.status == "submitted" and first.lead_approval
    done = applications.decide(fake.ctx("rehab.leader@demo.local"), app_.app_id, True, "同意", first.version)
    assert done.status == "admitted"
    assert standing(fake, "rehab", customer.customer_id).grade == "QUALIFIED"


def test_BLK_6_retail_reentry_is_reviewed_too_and_a_first_application_awaits_no_leadership(fake):
    customer, ctx = register(fake, kind="retail")
    all_required_documents(ctx, fake)
    list_on_blacklist(fake, customer.customer_id, "company", active=False)
    app_ = applications.submit(ctx, "rehab", ["walker"])
    assert app_.status == "submitted" and app_.reentry and not app_.confirm_only
    with pytest.raises(Conflict):  # no one-click confirmation after a blacklisting: the full review (BLK-6)
        applications.confirm(fake.ctx("rehab.rep@demo.local"), app_.app_id, app_.version)
    with pytest.raises(Invalid):
        applications.decide(fake.ctx("rehab.leader@demo.local"), app_.app_id, True, "同意", app_.version)
    _c, _ctx, plain = applied(fake=fake)
    with pytest.raises(Conflict):
        applications.approve_reentry(fake.ctx("leader@demo.local"), plain.app_id, "同意", plain.version)


def test_BLK_6_a_listing_in_another_department_is_no_reentry_here(fake):
    customer, ctx = register(fake, kind="retail")
    all_required_documents(ctx, fake)
    list_on_blacklist(fake, customer.customer_id, "ortho", active=False)
    app_ = applications.submit(ctx, "rehab", ["walker"])
    assert not app_.reentry and app_.confirm_only


def test_ONB_3_the_review_page_offers_a_hundred_staff_and_always_the_designated_one(fake):
    from portal.adapters.repos.identity import Users
    from portal.services.pages import staff as staff_pages

    for n in range(120):  # 120 reps whose e-mails sort before the demo staff's
        with fake.uow() as uow:
            uow.repo(Users).put(records.User(user_id=f"u{n:03d}", email=f"a{n:03d}@demo.local", name=f"员工{n}",
                                             kind="staff", role="rep", dept_id="ortho", password_hash="x",
                                             created_at=fake.now, active=True))
            uow.commit()
    _c, _ctx, app_ = applied(fake=fake)
    page = staff_pages.review_page(fake.ctx(LEADER), app_.app_id)
    assert len(page.staff) == staff_pages.STAFF_CHOICES and REP not in {u.email for u in page.staff}
    applications.assign(fake.ctx(LEADER), app_.app_id, fake.user(REP).user_id, app_.version)
    page = staff_pages.review_page(fake.ctx(LEADER), app_.app_id)
    assert REP in {u.email for u in page.staff} and len(page.staff) == staff_pages.STAFF_CHOICES + 1
