"""BLK-1…7 and QTA-5 on the in-memory store: listing, scopes, terms, expiry by the Shanghai day, lifting."""

import json
from datetime import UTC, date, datetime

import pytest

from portal.adapters import records
from portal.adapters.repos.dynamics import BlacklistEntries
from portal.adapters.repos.grading import GradeChanges, Standings
from portal.adapters.repos.visits import Visits
from portal.services import blacklist, grading
from portal.services.context import system_ctx
from portal.services.eligibility import blocked_scope, was_listed
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.unit.services.dynamics_world import (
    LEADER,
    MD,
    admitted,
    audit_of,
    counts,
    put,
    stand_counted,
    standing,
    writes_during,
)
from tests.unit.services.dynamics_world import customer as new_customer

JAN_15 = datetime(2027, 1, 15, 3, tzinfo=UTC)  # 11:00 on 15 January in Shanghai


def entries_of(world, customer_id):
    return world.repo(BlacklistEntries).of_customer(customer_id)


def test_BLK_1_only_md_lists_on_the_company_blacklist(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    with pytest.raises(Forbidden):
        blacklist.list_customer(fake.ctx(LEADER), customer, "company", "重大损失")
    with pytest.raises(Forbidden):
        blacklist.list_customer(fake.ctx("rehab.leader@demo.local"), customer, "ortho", "越权")
    with pytest.raises(Forbidden):
        blacklist.list_customer(fake.ctx("ortho.rep@demo.local"), customer, "ortho", "业务员无权")
    assert entries_of(fake, customer) == []
    entry = blacklist.list_customer(fake.ctx(MD), customer, "company", "经核实造成重大损失")
    assert entry.active and entry.expires_on is None
    assert [e.entry_id for e in entries_of(fake, customer)] == [entry.entry_id]


def test_BLK_1_a_department_listing_is_filed_with_md(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    blacklist.list_customer(fake.ctx(LEADER), customer, "ortho", "违约")
    # filed with MD; (issue 16 item 4) every member of the department hears of it too, in the inbox and by mail
    mails = fake.mails("已列入黑名单（骨科产品销售部）")
    assert sorted(m[0] for m in mails) == [MD, "ortho.clerk@demo.local", LEADER, "ortho.rep@demo.local"]
    with pytest.raises(Forbidden):  # another department's list stays out of sight
        blacklist.entries(fake.ctx("rehab.rep@demo.local"), "ortho")
    assert [e.customer_id for e in blacklist.entries(fake.ctx(MD), "ortho")] == [customer]


def test_BLK_1_listing_an_unknown_customer_is_404_and_needs_a_reason(fake):
    with pytest.raises(NotFound):
        blacklist.list_customer(fake.ctx(LEADER), "no-such-customer", "ortho", "违约")
    [customer] = admitted("ortho", 1, store=fake.store)
    with pytest.raises(Invalid) as exc:
        blacklist.list_customer(fake.ctx(LEADER), customer, "ortho", "  ")
    assert set(exc.value.fields) == {"reason"}


def test_BLK_4_department_entry_of_seven_months_is_refused(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    leader = fake.ctx(LEADER, now=JAN_15)
    with pytest.raises(Invalid) as exc:
        blacklist.list_customer(leader, customer, "ortho", "x", date(2027, 8, 15))
    assert "expires_on" in exc.value.fields
    assert standing(fake, "ortho", customer) is not None and entries_of(fake, customer) == []
    entry = blacklist.list_customer(leader, customer, "ortho", "多次违约")
    assert entry.expires_on == "2027-07-15"


def test_BLK_4_a_department_listing_of_exactly_six_months_is_allowed_a_day_more_refused(fake):
    first, second = admitted("ortho", 2, store=fake.store)
    leader = fake.ctx(LEADER, now=JAN_15)
    with pytest.raises(Invalid) as exc:
        blacklist.list_customer(leader, first, "ortho", "违约", date(2027, 7, 16))
    assert "at most 6 months" in str(exc.value.fields["expires_on"][0])
    entry = blacklist.list_customer(leader, first, "ortho", "违约", date(2027, 7, 15))
    shorter = blacklist.list_customer(leader, second, "ortho", "违约", date(2027, 1, 16))
    assert (entry.expires_on, shorter.expires_on) == ("2027-07-15", "2027-01-16")


def test_BLK_4_company_entries_last_until_lifted_or_the_day_md_set(fake):
    first, second = admitted("ortho", 2, store=fake.store)
    md = fake.ctx(MD, now=JAN_15)
    assert blacklist.list_customer(md, first, "company", "欺诈").expires_on is None
    assert blacklist.list_customer(md, second, "company", "欺诈", date(2029, 1, 1)).expires_on == "2029-01-01"


def test_listing_twice_in_the_same_scope_is_409(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    blacklist.list_customer(fake.ctx(LEADER), customer, "ortho", "违约")
    with pytest.raises(Conflict) as exc:
        blacklist.list_customer(fake.ctx(LEADER), customer, "ortho", "再次")
    assert "scope" in exc.value.fields
    assert len(entries_of(fake, customer)) == 1


def test_QTA_5_listing_ends_the_standing_and_updates_the_counts(fake):
    customers = admitted("ortho", 20, store=fake.store)
    leader = fake.ctx(LEADER)
    grading.change(leader, "ortho", customers[0], "VIP", "优秀", no_evaluation_reason="测试准备：不经评价直接调整")
    blacklist.list_customer(leader, customers[0], "ortho", "严重违约")
    assert standing(fake, "ortho", customers[0]) is None
    assert counts(fake) == (19, 0, 0) and counts(fake, key="product#bone-plate") == (19, 0, 0)
    left = [c for c in fake.repo(GradeChanges).of_customer(customers[0]) if c.kind == "left"]
    assert [(c.from_grade, c.reason) for c in left] == [("VIP", "BLK: 严重违约")]


def test_QTA_5_leaving_is_never_blocked_by_a_department_over_quota(fake):
    customers = admitted("ortho", 20, store=fake.store)
    leader = fake.ctx(LEADER)
    for customer_id in customers[:3]:
        grading.change(leader, "ortho", customer_id, "VIP", "优秀", no_evaluation_reason="测试准备：不经评价直接调整")
    blacklist.list_customer(leader, customers[10], "ortho", "违约")  # 3 VIP of 19: over quota, not blocked
    assert counts(fake) == (19, 3, 0) and grading.quota(leader, "ortho").over


def test_BLK_3_company_listing_clears_every_department_and_mails_them(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    stand_counted(customer, "客户000", "rehab", ("walker",), store=fake.store)
    blacklist.list_customer(fake.ctx(MD, now=JAN_15), customer, "company", "欺诈")
    assert fake.repo(Standings).of_customer(customer) == []
    assert counts(fake, "ortho")[0] == 0 and counts(fake, "rehab")[0] == 0
    notified = {m[0] for m in fake.mails("公司黑名单")}
    assert {LEADER, "rehab.leader@demo.local", MD} <= notified
    page = blacklist.entries(fake.ctx("rehab.rep@demo.local"), "company")
    assert [e.customer_id for e in page] == [customer]
    [event] = audit_of(fake, "2027-01-15", "blacklist.listed")
    assert sorted(json.loads(event["detail"])["standings_ended"]) == ["ortho", "rehab"]


def test_BLK_3_listing_cancels_the_planned_visits_in_scope(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    stand_counted(customer, "客户000", "rehab", ("walker",), store=fake.store)
    put(fake, *[records.Visit(visit_id=f"v-{d}", dept_id=d, customer_id=customer, customer_name="客户000",
                              planned_on="2099-01-01", mode="onsite", purpose="回访", assignee_id="u",
                              assignee_email="u@x", created_by="u@x", created_at=fake.now, status="planned",
                              planned_dept=d, planned_key=f"2099-01-01#v-{d}", version=1) for d in ("ortho", "rehab")])
    blacklist.list_customer(fake.ctx(LEADER), customer, "ortho", "严重违约")
    visits = {v.dept_id: v for v in fake.repo(Visits).of_customer(customer)}
    assert (visits["ortho"].status, visits["ortho"].notes) == ("cancelled", "BLK: 严重违约")
    assert visits["rehab"].status == "planned"  # out of scope: the rehab standing holds
    assert standing(fake, "rehab", customer) is not None


def test_BLK_3_a_company_listing_over_100_items_is_committed_in_whole_departures(fake):
    """12 departments × 7 products: 123 writes, more than one DynamoDB transaction holds (100)."""
    products = tuple(f"p{n}" for n in range(7))
    [customer] = admitted("dept00", 1, products=products, store=fake.store)
    for n in range(1, 12):
        stand_counted(customer, "客户000", f"dept{n:02d}", products, store=fake.store)
    before = len(fake.store.calls)
    entry = blacklist.list_customer(fake.ctx(MD), customer, "company", "欺诈")
    transactions = [c for c in fake.store.calls[before:] if c == "TransactWriteItems"]
    assert len(transactions) == 2
    assert fake.repo(Standings).of_customer(customer) == []
    assert all(counts(fake, f"dept{n:02d}", key) == (0, 0, 0) for n in range(12) for key in ("all", "product#p3"))
    assert len([c for c in fake.repo(GradeChanges).of_customer(customer) if c.kind == "left"]) == 12
    assert [e.entry_id for e in entries_of(fake, customer) if e.active] == [entry.entry_id]


def test_BLK_2_a_listing_blocks_its_scope_only_and_a_company_listing_every_department(fake):
    first, second = admitted("ortho", 2, store=fake.store)
    blacklist.list_customer(fake.ctx(LEADER), first, "ortho", "违约")
    blacklist.list_customer(fake.ctx(MD), second, "company", "欺诈")
    uow = fake.uow()
    assert (blocked_scope(uow, first, "ortho"), blocked_scope(uow, first, "rehab")) == ("ortho", None)
    assert (blocked_scope(uow, second, "ortho"), blocked_scope(uow, second, "rehab")) == ("company", "company")
    stand_counted(first, "客户000", "rehab", ("walker",), store=fake.store)
    with pytest.raises(Forbidden):  # no grading in scope either
        grading.change(fake.ctx(LEADER), "ortho", first, "QUALIFIED", "x",
                       no_evaluation_reason="测试准备：不经评价直接调整")
    with pytest.raises(Conflict):  # out of scope it is graded as usual (here: it holds 合格 already)
        grading.change(fake.ctx("rehab.leader@demo.local"), "rehab", first, "QUALIFIED", "x",
                       no_evaluation_reason="测试准备：不经评价直接调整")


def test_lifting_another_departments_entry_is_refused(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    entry = blacklist.list_customer(fake.ctx(LEADER), customer, "ortho", "违约")
    with pytest.raises(Forbidden):
        blacklist.lift(fake.ctx("rehab.leader@demo.local"), entry.entry_id, "越权解除")
    with pytest.raises(Invalid):
        blacklist.lift(fake.ctx(LEADER), entry.entry_id, " ")
    lifted = blacklist.lift(fake.ctx(LEADER), entry.entry_id, "已整改")
    assert lifted.ended_how == "lifted"
    assert standing(fake, "ortho", customer) is None  # lifting does not re-admit
    with pytest.raises(Conflict):
        blacklist.lift(fake.ctx(LEADER), entry.entry_id, "again")
    with pytest.raises(NotFound):
        blacklist.get_entry(fake.ctx(LEADER), "no-such-entry")


def test_BLK_5_expiry_exact_to_the_shanghai_day_and_idempotent(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    entry = blacklist.list_customer(fake.ctx(LEADER, now=JAN_15), customer, "ortho", "违约")
    one_day_early = blacklist.expire_due(system_ctx(datetime(2027, 7, 14, 15, 59, tzinfo=UTC), store=fake.store))
    assert one_day_early.expired == [] and fake.repo(BlacklistEntries).get(entry.entry_id).active
    # 16:00 UTC on 14 July is 00:00 on 15 July in Shanghai: the expiry day has come
    run = blacklist.expire_due(system_ctx(datetime(2027, 7, 14, 16, 0, tzinfo=UTC), store=fake.store))
    assert run.day == "2027-07-15" and run.expired == [entry.entry_id]
    again = system_ctx(datetime(2027, 7, 14, 16, 5, tzinfo=UTC), store=fake.store)
    assert writes_during(fake, lambda: blacklist.expire_due(again)) == []  # DESIGN rule 7
    assert blacklist.expire_due(again).already_ended == 0
    ended = fake.repo(BlacklistEntries).get(entry.entry_id)
    assert (ended.active, ended.ended_how, ended.due_bucket) == (False, "expired", None)
    assert standing(fake, "ortho", customer) is None  # expiry does not re-admit


def test_BLK_5_expiry_ends_the_ban_and_the_same_scope_may_list_again(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    blacklist.list_customer(fake.ctx(LEADER, now=JAN_15), customer, "ortho", "违约", date(2027, 2, 1))
    blacklist.expire_due(system_ctx(datetime(2027, 2, 1, 1, tzinfo=UTC), store=fake.store))
    assert blocked_scope(fake.uow(), customer, "ortho") is None
    again = blacklist.list_customer(fake.ctx(LEADER, now=datetime(2027, 3, 1, tzinfo=UTC)), customer, "ortho", "再犯")
    assert again.active and blocked_scope(fake.uow(), customer, "ortho") == "ortho"


def test_BLK_6_after_the_ban_ends_the_customer_may_reapply_as_a_reentry(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    entry = blacklist.list_customer(fake.ctx(LEADER), customer, "ortho", "严重违约")
    assert blocked_scope(fake.uow(), customer, "ortho") == "ortho"
    blacklist.lift(fake.ctx(LEADER), entry.entry_id, "情况发生重大变化")
    uow = fake.uow()
    assert blocked_scope(uow, customer, "ortho") is None  # may re-apply …
    assert was_listed(uow, customer, "ortho") and not was_listed(uow, customer, "rehab")  # … as a re-entry
    assert standing(fake, "ortho", customer) is None  # nothing restored by itself


def test_BLK_7_listing_lifting_and_expiry_record_who_when_and_why(fake):
    lifted_one, expiring_one = admitted("ortho", 2, store=fake.store)
    leader = fake.ctx(LEADER, now=JAN_15)
    lifted = blacklist.list_customer(leader, lifted_one, "ortho", "多次违约")
    expiring = blacklist.list_customer(leader, expiring_one, "ortho", "逾期未提货", date(2027, 3, 1))
    [listing] = [e for e in audit_of(fake, "2027-01-15", "blacklist.listed") if e["target_id"] == lifted_one]
    assert listing["actor_email"] == LEADER and json.loads(listing["detail"])["reason"] == "多次违约"
    blacklist.lift(fake.ctx(LEADER, now=datetime(2027, 2, 1, 3, tzinfo=UTC)), lifted.entry_id, "已整改")
    blacklist.expire_due(system_ctx(datetime(2027, 2, 28, 16, 0, tzinfo=UTC), store=fake.store))
    ended = fake.repo(BlacklistEntries).get(lifted.entry_id)
    assert (ended.ended_how, ended.ended_by, ended.end_reason, ended.ended_at) == (
        "lifted", LEADER, "已整改", datetime(2027, 2, 1, 3, 0, tzinfo=UTC))
    expired = fake.repo(BlacklistEntries).get(expiring.entry_id)
    assert (expired.ended_how, expired.ended_by, expired.ended_at) == (
        "expired", "system@scheduled-job", datetime(2027, 2, 28, 16, 0, tzinfo=UTC))
    assert "2027-03-01" in expired.end_reason
    [lifting] = audit_of(fake, "2027-02-01", "blacklist.lifted")
    assert (lifting["actor_email"], lifting["target_id"]) == (LEADER, lifted_one)
    [expiry] = audit_of(fake, "2027-03-01", "blacklist.expired")
    assert (expiry["actor_email"], json.loads(expiry["detail"])["reason"]) == ("system@scheduled-job",
                                                                                expired.end_reason)


def test_a_customer_sees_its_own_listings_staff_the_scopes_they_may_see(fake):
    customer_id, email = new_customer(fake)
    stand_counted(customer_id, "客户", "ortho", store=fake.store)
    blacklist.list_customer(fake.ctx(LEADER), customer_id, "ortho", "违约")
    assert [e.scope for e in blacklist.of_customer(fake.ctx(email), customer_id)] == ["ortho"]
    assert blacklist.of_customer(fake.ctx(email), "someone-else") == []
    assert blacklist.of_customer(fake.ctx("rehab.rep@demo.local"), customer_id) == []
    assert len(blacklist.of_customer(fake.ctx(MD), customer_id)) == 1
