"""Issue 16 item 5 on moto: the staff home's to-do counts come from counters moved with the records they count;
in a varied world they equal a recount of the records, after every kind of change, and the home page shows
them with links to the lists."""

from collections import defaultdict
from datetime import timedelta

import time_machine

from portal.adapters import tables
from portal.adapters.clock import utc_now
from portal.adapters.records import from_item
from portal.adapters.repos.todo_tallies import COUNTED
from portal.domain import todo
from portal.domain.timeutil import shanghai_day
from portal.services import applications, incidents, visits
from portal.services import todo as todos
from tests.conftest import sign_in, staff_ctx, user_id_of
from tests.factories import admitted_customer, applied, review_to_admission

LEADER = "ortho.leader@demo.local"


def recount(scope: str) -> todo.ToDos:
    """The counts from the records themselves (reads every counted table: a test's check, never a page's)."""
    buckets: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for model in COUNTED:
        for item in model.scan():
            rec = from_item(model, item.attribute_values)
            for line_scope, bucket, measure in todo.share(model.__name__, rec):
                if line_scope == scope:
                    buckets[bucket][measure] += 1
    today = shanghai_day(utc_now())
    return todo.to_dos([(b, dict(m)) for b, m in buckets.items() if b <= todo.horizon(today)], today)


def both(scope: str, who: str) -> tuple:
    return todos.home(staff_ctx(who)), recount(scope)


def test_to_do_counts_equal_a_recount_through_every_kind_of_change(app):
    from tests.walk import build_world

    build_world()
    counted, recounted = both("ortho", LEADER)
    assert counted == recounted
    assert counted.applications == 1 and counted.visits == 1
    # the ticket's first response is due in three days: near its SLA from the day before, late after its day
    due = next(iter(tables.Ticket.scan())).first_response_due
    for moment, near, late in ((utc_now(), 0, 0), (due - timedelta(days=1), 1, 0), (due + timedelta(days=1), 1, 1)):
        with time_machine.travel(moment, tick=False):
            counted, recounted = both("ortho", LEADER)
            assert counted == recounted and (counted.tickets, counted.tickets_late) == (near, late)
    assert both(todo.COMPANY, "md.admin@demo.local")[0] == recount(todo.COMPANY)

    # more of each: a second application, a visit overdue and one next week, a VIP's incident (a downgrade due)
    _c, _ctx, second = applied(email="second@x.cn")
    vip, _ = admitted_customer(grade="VIP")
    for days in (-2, 7):  # one planned two days ago for that day, one for next week
        with time_machine.travel(utc_now() + timedelta(days=min(days, 0)), tick=False):
            visits.plan(staff_ctx(LEADER), "ortho", vip.customer_id,
                        planned_on=shanghai_day(utc_now()) + timedelta(days=max(days, 0)), mode="phone",
                        purpose="回访", assignee_id=user_id_of("ortho.rep@demo.local"))
    incident = incidents.record(staff_ctx(LEADER), "ortho", vip.customer_id, "late_payment", "逾期")
    assert incident.downgrade_due_at
    counted, recounted = both("ortho", LEADER)
    assert counted == recounted
    assert (counted.applications, counted.visits, counted.visits_late, counted.downgrades) == (2, 2, 1, 1)
    # issue 17: the plan shows the same visits due: today's and the overdue (marked), before next week's
    plan = visits.planned(staff_ctx(LEADER), "ortho")
    assert sum(p.may_be_made for p in plan) == counted.visits and sum(p.overdue for p in plan) == counted.visits_late
    assert [p.may_be_made for p in plan] == sorted((p.may_be_made for p in plan), reverse=True)

    # and fewer: the second application decided, the overdue visit made
    decided = review_to_admission(second)
    applications.decide(staff_ctx(LEADER), decided.app_id, False, "资质不符", decided.version)
    today = shanghai_day(utc_now()).isoformat()
    visit = next(v for v in tables.Visit.scan() if v.status == "planned" and v.planned_on < today)
    visits.record(staff_ctx("ortho.rep@demo.local"), visit.visit_id, "done", "客户反馈良好", visit.version)
    counted, recounted = both("ortho", LEADER)
    assert counted == recounted
    assert (counted.applications, counted.visits, counted.visits_late) == (1, 1, 0)
    plan = visits.planned(staff_ctx(LEADER), "ortho")
    assert (sum(p.may_be_made for p in plan), sum(p.overdue for p in plan)) == (1, 0)
    assert both(todo.COMPANY, "md.admin@demo.local")[0] == recount(todo.COMPANY)


def test_the_home_page_shows_the_counts_with_links(app, client):
    from tests.walk import build_world

    build_world()
    sign_in(client, LEADER)
    page = client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/departments/ortho/applications"' in page
    assert 'href="/staff/departments/ortho/visits"' in page and 'href="/staff/departments/ortho/changes"' in page
    assert 'class="todo-count">1</span>' in page
