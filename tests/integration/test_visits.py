"""BLK-3 on moto: listing a customer (the blacklist, still on PynamoDB transactions: `visits.cancel_planned`)
or ending its standing cancels its planned visits there. The rest of the visits' rules run on fakes
(tests/unit/services/test_visits.py)."""

from datetime import timedelta

from portal.adapters.clock import utc_now
from portal.domain.timeutil import shanghai_day
from portal.services import visits
from tests.conftest import staff_ctx as staff
from tests.conftest import user_id_of
from tests.factories import admitted_customer

REP = "ortho.rep@demo.local"


def plan(customer, days=1, who="ortho.clerk@demo.local"):
    return visits.plan(staff(who), "ortho", customer.customer_id,
                       planned_on=shanghai_day(utc_now()) + timedelta(days=days), mode="on_site", purpose="季度回访",
                       assignee_id=user_id_of(REP))


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
