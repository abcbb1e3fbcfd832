"""Issue 12 item 4 on moto: the one-off backfill puts records written before the new sparse indexes, the visit
plan's grade-first key and the ticket report's counters in their place (the same DynamoDB expressions as in
production), and a second run changes nothing."""

from datetime import timedelta

from ulid import ULID

from portal.adapters.clock import utc_now
from portal.adapters.tables import BlacklistEntry, ChangeTask, Visit
from portal.domain.timeutil import shanghai_day
from portal.services import backfill, blacklist, changes, ticket_reports, tickets, todo, visits
from portal.services.context import system_ctx
from tests.conftest import staff_ctx as staff
from tests.factories import admitted_customer
from tests.web.test_page_costs import _ticket

LEADER, MD = "ortho.leader@demo.local", "md.admin@demo.local"


def test_backfill_on_dynamodb(app):
    now = utc_now()
    vip, _ = admitted_customer()
    day = (shanghai_day(now) + timedelta(days=2)).isoformat()
    visit_id = str(ULID())
    Visit(visit_id=visit_id, dept_id="ortho", customer_id=vip.customer_id, customer_name="客户", planned_on=day,
          mode="phone", purpose="回访", assignee_id="x", assignee_email="x@demo.local", created_by="x",
          created_at=now, status="planned", planned_dept="ortho", planned_key=f"{day}#{visit_id}").save()
    ChangeTask(dept_id="ortho", task_id=str(ULID()), customer_id=vip.customer_id, customer_name="客户",
               kind="change", changes="{}", reported_by="x", at=now, status="open").save()
    BlacklistEntry(entry_id=str(ULID()), customer_id="c1", customer_name="旧名单", scope="ortho", active=True,
                   reason="x", listed_by="x", listed_at=now).save()
    old = _ticket(vip.customer_id, now, 1)
    old.breaches = {"first_response"}
    old.save()
    leader, md = staff(LEADER), staff(MD)
    assert changes.open_task_page(leader, "ortho").items == [] and blacklist.entry_page(leader, "ortho").items == []
    assert ticket_reports.build(md, None, 30).total == 0 and tickets.overdue(md) == []

    done = backfill.run(system_ctx(now))
    # issue 16 item 5: the visit and the change report, written before the to-do counters, are counted too
    assert done == {"change_tasks": 1, "listings": 1, "tickets": 1, "visits": 1, "todo_counters": 2}
    assert todo.home(leader).changes == 1
    assert len(changes.open_task_page(leader, "ortho").items) == 1
    assert [e.customer_name for e in blacklist.entry_page(leader, "ortho").items] == ["旧名单"]
    assert ticket_reports.build(md, None, 30).total == ticket_reports.recount(md, None, 30).total == 1
    assert [t.ticket_id for t in tickets.overdue(md)] == [old.ticket_id]
    assert Visit.get(visit_id).planned_key.startswith("3#")  # 合格 (the factory's grade) comes third
    assert [p.visit.visit_id for p in visits.planned(leader, "ortho")] == [visit_id]
    assert backfill.run(system_ctx(now)) == {}
