"""RGT-2 / REL-1 / REL-2 / SEC-1 on moto: planning visits, their VIP-first order, recording them."""

from datetime import timedelta

import pytest

from portal.adapters.clock import utc_now
from portal.adapters.tables import Standing
from portal.domain.timeutil import shanghai_day
from portal.services import visits
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import staff_ctx as staff
from tests.conftest import user_id_of
from tests.integration.test_tickets import admitted_customer

REP = "ortho.rep@demo.local"


def plan(customer, days=1, who="ortho.clerk@demo.local", **kw):
    return visits.plan(staff(who), "ortho", customer.customer_id,
                       planned_on=kw.pop("on", shanghai_day(utc_now()) + timedelta(days=days)),
                       mode=kw.pop("mode", "on_site"), purpose=kw.pop("purpose", "季度回访"),
                       assignee_id=kw.pop("assignee_id", user_id_of(REP)))


def test_RGT_2_planned_visits_go_vip_first_by_the_grade_held_now(app):
    qualified, _ = admitted_customer()
    vip, _ = admitted_customer(grade="VIP")
    preferred, _ = admitted_customer(grade="PREFERRED")
    first = plan(qualified, days=1)
    plan(vip, days=20)
    plan(preferred, days=5)
    names = [p.visit.customer_name for p in visits.planned(staff(REP), "ortho")]
    assert names == [vip.name, preferred.name, qualified.name]
    # a grade change moves the planned visit: the order follows the grade held today
    Standing.get("ortho", qualified.customer_id).update(actions=[Standing.grade.set("VIP")])
    order = [p.visit.visit_id for p in visits.planned(staff(REP), "ortho")]
    assert order[0] == first.visit_id  # now VIP and the earliest day
    Standing.get("ortho", vip.customer_id).delete()  # no longer a customer here: its visit goes last
    last = visits.planned(staff(REP), "ortho")[-1]
    assert (last.visit.customer_id, last.grade) == (vip.customer_id, None)


def test_plan_refuses_bad_input_and_changes_nothing(app):
    customer, _ = admitted_customer()
    today = shanghai_day(utc_now())
    with pytest.raises(Invalid) as exc:
        plan(customer, on=today - timedelta(days=1), mode="fax", purpose="", assignee_id=user_id_of(
            "rehab.rep@demo.local"))
    assert set(exc.value.fields) == {"planned_on", "mode", "purpose", "assignee_id"}
    other, _ = admitted_customer(dept="rehab")
    with pytest.raises(NotFound):  # not a customer of the department
        plan(other)
    with pytest.raises(Forbidden):
        visits.plan(staff("rehab.rep@demo.local"), "ortho", customer.customer_id, planned_on=today, mode="phone",
                    purpose="x", assignee_id=user_id_of(REP))
    assert visits.planned(staff(REP), "ortho") == []


def test_REL_2_recording_a_visit_keeps_notes_and_the_last_visit_day(app):
    customer, _ = admitted_customer()
    today = shanghai_day(utc_now())  # once, before acting: a run across midnight in Shanghai changes nothing
    visit = plan(customer, on=today)
    done = visits.record(staff(REP), visit.visit_id, "done", "客户反馈良好，明年增加采购", visit.version)
    assert (done.status, done.finished_by) == ("done", REP)
    assert visits.last_made(staff(REP), "ortho", customer.customer_id) == today.isoformat()
    assert visits.planned(staff(REP), "ortho") == []  # made: off the plan
    with pytest.raises(Conflict):
        visits.record(staff(REP), visit.visit_id, "cancelled", "重复", None)
    cancelled = plan(customer, days=3)
    with pytest.raises(Invalid) as exc:
        visits.record(staff(REP), cancelled.visit_id, "done", "", None)
    assert "notes" in exc.value.fields
    visits.record(staff(REP), cancelled.visit_id, "cancelled", "客户要求改期", None)
    history = visits.of_customer(staff(REP), customer.customer_id)
    assert [v.status for v in history] == ["cancelled", "done"]


def test_SEC_1_other_departments_neither_see_nor_record(app):
    customer, _ = admitted_customer()
    visit = plan(customer)
    rehab = staff("rehab.leader@demo.local")
    with pytest.raises(Forbidden):
        visits.get(rehab, visit.visit_id)
    with pytest.raises(Forbidden):
        visits.planned(rehab, "ortho")
    with pytest.raises(Forbidden):
        visits.record(rehab, visit.visit_id, "done", "越权", None)
    assert visits.of_customer(rehab, customer.customer_id) == []
    assert [v.visit_id for v in visits.of_customer(staff("md.admin@demo.local"), customer.customer_id)] == [
        visit.visit_id]
    with pytest.raises(NotFound):
        visits.get(staff(REP), "01ZZZZZZZZZZZZZZZZZZZZZZZZ")


def test_stale_version_loses(app):
    customer, _ = admitted_customer()
    visit = plan(customer)
    visits.record(staff(REP), visit.visit_id, "done", "已拜访", visit.version)
    with pytest.raises(Conflict):
        visits.record(staff("ortho.clerk@demo.local"), visit.visit_id, "done", "我也去了", visit.version)


def test_BLK_3_listing_or_ending_the_standing_cancels_planned_visits(app):
    from portal.services import blacklist, grading

    listed, _ = admitted_customer()
    ended, _ = admitted_customer()
    keep, _ = admitted_customer()
    gone = [plan(listed), plan(ended)]
    kept = plan(keep)
    blacklist.list_customer(staff("ortho.leader@demo.local"), listed.customer_id, "ortho", "严重违约")
    grading.end_standing(staff("ortho.leader@demo.local"), "ortho", ended.customer_id, "客户停业")
    assert [p.visit.visit_id for p in visits.planned(staff(REP), "ortho")] == [kept.visit_id]
    cancelled = [visits.get(staff(REP), v.visit_id) for v in gone]
    assert [(v.status, v.notes) for v in cancelled] == [("cancelled", "BLK: 严重违约"), ("cancelled", "客户停业")]
