"""BLK-1…7 and QTA-5 on moto: listing, scopes, terms, expiry by the Shanghai day, lifting, re-entry."""

from datetime import date

import pytest
import time_machine

from portal.adapters.clock import utc_now
from portal.adapters.tables import BlacklistEntry, Counter, GradeChange, Standing
from portal.services import applications, blacklist, grading
from portal.services.context import system_ctx
from portal.services.errors import Conflict, Forbidden, Invalid
from tests.conftest import staff_ctx as staff
from tests.factories import admitted, all_required_documents, register
from tests.integration.test_admission import review_to_admission


def counts(dept):
    c = Counter.get(dept, "all")
    return int(c.total), int(c.vip), int(c.preferred)


def test_BLK_1_only_md_lists_on_the_company_blacklist(app):
    [customer] = admitted("ortho", 1)
    with pytest.raises(Forbidden):
        blacklist.list_customer(staff("ortho.leader@demo.local"), customer, "company", "重大损失")
    with pytest.raises(Forbidden):
        blacklist.list_customer(staff("rehab.leader@demo.local"), customer, "ortho", "越权")
    with pytest.raises(Forbidden):
        blacklist.list_customer(staff("ortho.rep@demo.local"), customer, "ortho", "业务员无权")
    entry = blacklist.list_customer(staff("md.admin@demo.local"), customer, "company", "经核实造成重大损失")
    assert entry.active and entry.expires_on is None


def test_BLK_4_department_entry_of_seven_months_is_refused(app):
    [customer] = admitted("ortho", 1)
    with time_machine.travel("2027-01-15 03:00:00+00:00", tick=False):
        with pytest.raises(Invalid) as exc:
            blacklist.list_customer(staff("ortho.leader@demo.local"), customer, "ortho", "x", date(2027, 8, 15))
        assert "expires_on" in exc.value.fields
        entry = blacklist.list_customer(staff("ortho.leader@demo.local"), customer, "ortho", "多次违约")
    assert entry.expires_on == "2027-07-15"


def test_BLK_4_a_department_listing_of_exactly_six_months_is_allowed_a_day_more_refused(app):
    first, second = admitted("ortho", 2)
    leader = "ortho.leader@demo.local"
    with time_machine.travel("2027-01-15 03:00:00+00:00", tick=False):  # 11:00 on 15 January in Shanghai
        with pytest.raises(Invalid) as exc:
            blacklist.list_customer(staff(leader), first, "ortho", "违约", date(2027, 7, 16))
        assert "at most 6 months" in str(exc.value.fields["expires_on"][0])
        entry = blacklist.list_customer(staff(leader), first, "ortho", "违约", date(2027, 7, 15))
        shorter = blacklist.list_customer(staff(leader), second, "ortho", "违约", date(2027, 1, 16))
    assert (entry.expires_on, shorter.expires_on) == ("2027-07-15", "2027-01-16")


def test_listing_twice_in_the_same_scope_is_409(app):
    [customer] = admitted("ortho", 1)
    blacklist.list_customer(staff("ortho.leader@demo.local"), customer, "ortho", "违约")
    with pytest.raises(Conflict):
        blacklist.list_customer(staff("ortho.leader@demo.local"), customer, "ortho", "再次")
    assert len(list(BlacklistEntry.by_customer.query(customer))) == 1


def test_QTA_5_listing_ends_the_standing_and_updates_the_counts(app):
    customers = admitted("ortho", 20)
    leader = staff("ortho.leader@demo.local")
    grading.change(leader, "ortho", customers[0], "VIP", "优秀")
    blacklist.list_customer(leader, customers[0], "ortho", "严重违约")
    assert Standing.count("ortho", Standing.customer_id == customers[0]) == 0
    assert counts("ortho") == (19, 0, 0)
    left = [c for c in GradeChange.query(customers[0]) if c.kind == "left"]
    assert left and left[0].from_grade == "VIP"


def test_BLK_3_company_listing_clears_every_department_and_mails_them(app):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    [customer] = admitted("ortho", 1)
    Standing(dept_id="rehab", customer_id=customer, customer_name="客户000", grade="QUALIFIED",
             dept_grade="rehab#QUALIFIED", products={"walker"}, admitted_at=utc_now()).save()
    Counter("rehab", "all", total=1, vip=0, preferred=0).save()
    blacklist.list_customer(staff("md.admin@demo.local"), customer, "company", "欺诈")
    assert list(Standing.by_customer.query(customer)) == []
    assert counts("ortho")[0] == 0 and counts("rehab")[0] == 0
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    notified = {a for m in sent if "公司黑名单" in m.subject for a in m.destinations["ToAddresses"]}
    assert {"ortho.leader@demo.local", "rehab.leader@demo.local", "md.admin@demo.local"} <= notified
    page = blacklist.entries(staff("rehab.rep@demo.local"), "company")
    assert [e.customer_id for e in page] == [customer]


def test_BLK_2_listed_customer_cannot_apply_in_scope_but_can_elsewhere(app):
    customer, ctx = register()
    all_required_documents(ctx)
    blacklist.list_customer(staff("ortho.leader@demo.local"), customer.customer_id, "ortho", "违约")
    with pytest.raises(Forbidden):
        applications.submit(ctx, "ortho", ["bone-plate"])
    assert applications.submit(ctx, "rehab", ["walker"]).status == "submitted"


def test_BLK_2_company_listed_customer_cannot_apply_anywhere(app):
    customer, ctx = register()
    all_required_documents(ctx)
    blacklist.list_customer(staff("md.admin@demo.local"), customer.customer_id, "company", "欺诈")
    for dept, product in (("ortho", "bone-plate"), ("rehab", "walker")):
        with pytest.raises(Forbidden):
            applications.submit(ctx, dept, [product])


def test_lifting_another_departments_entry_is_refused(app):
    [customer] = admitted("ortho", 1)
    entry = blacklist.list_customer(staff("ortho.leader@demo.local"), customer, "ortho", "违约")
    with pytest.raises(Forbidden):
        blacklist.lift(staff("rehab.leader@demo.local"), entry.entry_id, "越权解除")
    lifted = blacklist.lift(staff("ortho.leader@demo.local"), entry.entry_id, "已整改")
    assert lifted.ended_how == "lifted"
    assert Standing.count("ortho", Standing.customer_id == customer) == 0  # lifting does not re-admit


def test_BLK_5_expiry_exact_to_the_shanghai_day_and_idempotent(app):
    [customer] = admitted("ortho", 1)
    with time_machine.travel("2027-01-15 03:00:00+00:00", tick=False):
        entry = blacklist.list_customer(staff("ortho.leader@demo.local"), customer, "ortho", "违约")
    one_day_early = blacklist.expire_due(system_ctx(utc_now().replace(year=2027, month=7, day=14, hour=15)))
    assert one_day_early.expired == [] and BlacklistEntry.get(entry.entry_id).active
    # 16:00 UTC on 14 July is 00:00 on 15 July in Shanghai: the expiry day has come
    from datetime import UTC, datetime

    run = blacklist.expire_due(system_ctx(datetime(2027, 7, 14, 16, 0, tzinfo=UTC)))
    assert run.day == "2027-07-15" and run.expired == [entry.entry_id]
    again = blacklist.expire_due(system_ctx(datetime(2027, 7, 14, 16, 5, tzinfo=UTC)))
    assert again.expired == [] and again.already_ended == 0
    ended = BlacklistEntry.get(entry.entry_id)
    assert (ended.active, ended.ended_how, ended.due_bucket) == (False, "expired", None)
    assert Standing.count("ortho", Standing.customer_id == customer) == 0  # expiry does not re-admit


def test_BLK_6_reentry_needs_both_approvals_and_enters_as_qualified(app):
    customer, ctx = register()
    all_required_documents(ctx)
    app_ = applications.submit(ctx, "ortho", ["bone-plate"])
    app_ = review_to_admission(app_)
    applications.decide(staff("ortho.leader@demo.local"), app_.app_id, True, "同意", app_.version)
    admitted("ortho", 19)
    grading.change(staff("ortho.leader@demo.local"), "ortho", customer.customer_id, "VIP", "优秀")
    entry = blacklist.list_customer(staff("ortho.leader@demo.local"), customer.customer_id, "ortho", "严重违约")
    blacklist.lift(staff("ortho.leader@demo.local"), entry.entry_id, "情况发生重大变化")
    again = applications.submit(ctx, "ortho", ["bone-plate"], requested_grade="VIP")
    assert again.reentry and again.requested_grade == "VIP"
    again = review_to_admission(again)
    pending = applications.decide(staff("ortho.leader@demo.local"), again.app_id, True, "部门同意", again.version)
    assert pending.status == "submitted" and pending.dm_approval  # still pending: one approver only
    with pytest.raises(Forbidden):
        applications.approve_reentry(staff("md.admin@demo.local"), again.app_id, "x", pending.version)
    done = applications.approve_reentry(staff("leader@demo.local"), again.app_id, "公司领导同意", pending.version)
    assert done.status == "admitted"
    assert Standing.get("ortho", customer.customer_id).grade == "QUALIFIED"  # whatever it had or asked


def test_BLK_6_leadership_may_approve_first(app):
    customer, ctx = register()
    all_required_documents(ctx)
    entry = blacklist.list_customer(staff("md.admin@demo.local"), customer.customer_id, "company", "核实")
    blacklist.lift(staff("md.admin@demo.local"), entry.entry_id, "已整改")
    app_ = applications.submit(ctx, "rehab", ["walker"])
    app_ = review_to_admission(app_, leader="rehab.leader@demo.local", rep="rehab.rep@demo.local")
    first = applications.approve_reentry(staff("leader@demo.local"), app_.app_id, "同意", app_.version)
    assert first.status == "submitted"
    done = applications.decide(staff("rehab.leader@demo.local"), app_.app_id, True, "同意", first.version)
    assert done.status == "admitted"


def test_BLK_6_retail_reentry_is_reviewed_too(app):
    customer, ctx = register(kind="retail")
    all_required_documents(ctx)
    entry = blacklist.list_customer(staff("md.admin@demo.local"), customer.customer_id, "company", "欺诈")
    blacklist.lift(staff("md.admin@demo.local"), entry.entry_id, "整改")
    app_ = applications.submit(ctx, "rehab", ["walker"])
    assert app_.status == "submitted" and app_.reentry and not app_.confirm_only
    with pytest.raises(Conflict):  # no one-click confirmation after a blacklisting: the full review (BLK-6)
        applications.confirm(staff("rehab.rep@demo.local"), app_.app_id, app_.version)
    with pytest.raises(Invalid):
        applications.decide(staff("rehab.leader@demo.local"), app_.app_id, True, "同意", app_.version)
