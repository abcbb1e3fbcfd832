"""Issue 12 item 4: records written before the page indexes and counters are put in their place by the one-off
backfill, and a second run changes nothing."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from portal.adapters import records
from portal.adapters.records import to_item
from portal.adapters.repos.dynamics import ReviewTasks
from portal.adapters.store.expr import Put
from portal.adapters.tables import BlacklistEntry, ChangeTask, Counter, Ticket, Visit
from portal.domain.timeutil import shanghai_day
from portal.services import backfill, blacklist, changes, reviews, ticket_reports, tickets, visits
from portal.services.context import system_ctx
from tests.unit.services.dynamics_world import admitted
from tests.unit.services.ticket_world import customer

MD, LEADER, REP = "md.admin@demo.local", "ortho.leader@demo.local", "ortho.rep@demo.local"
JAN_1 = datetime(2027, 1, 1, 1, tzinfo=UTC)


def forget_markers(fake, ranks: dict | None = None) -> None:
    """What the tables held before: no sparse markers, visit keys that led with the customer's grade rank (`ranks`
    by customer, 3 (合格) otherwise), no report or review counters."""
    tables = fake.store._tables
    for item in tables[ChangeTask].values():
        item.pop("open_dept", None)
    for item in tables[BlacklistEntry].values():
        item.pop("active_scope", None)
    for item in tables[Ticket].values():
        for name in ("tallied", "overdue_bucket", "overdue_key"):
            item.pop(name, None)
    for item in tables[Visit].values():
        if "planned_key" in item:
            item["planned_key"] = f"{(ranks or {}).get(item['customer_id'], 3)}#{item['planned_key']}"
    for key in [k for k, item in tables[Counter].items() if item["dept_id"].startswith(("tickets#", "ticket-lines#",
                                                                                          "review#"))]:
        del tables[Counter][key]


def test_the_backfill_puts_old_records_in_the_new_indexes_and_counters_once(fake):
    vip, vip_ctx = customer(fake, grade="VIP")
    plain, _ = customer(fake)
    clerk = fake.ctx("ortho.clerk@demo.local")
    for days, customer_id in ((1, plain), (2, vip)):
        visits.plan(clerk, "ortho", customer_id, planned_on=shanghai_day(clerk.now) + timedelta(days=days),
                    mode="phone", purpose="回访", assignee_id=fake.user(REP).user_id)
    uow = fake.uow()
    uow.stage(Put(ChangeTask, to_item(records.ChangeTask(
        dept_id="ortho", task_id="01T1", customer_id=plain, customer_name="客户", kind="change", changes="{}",
        reported_by="x", at=fake.now, status="open"))))
    uow.commit()
    blacklist_entry = records.BlacklistEntry(entry_id="01E1", customer_id=plain, customer_name="客户", scope="ortho",
                                             active=True, reason="违约", listed_by="x", listed_at=fake.now)
    uow.stage(Put(BlacklistEntry, to_item(blacklist_entry)))
    uow.commit()
    for n in range(4):
        filed = tickets.file(replace(vip_ctx, now=fake.now - timedelta(hours=30 * n)), "ortho", "complaint",
                             f"投诉{n}", "x")
    tickets.escalate_and_autoclose(system_ctx(fake.now + timedelta(days=20), store=fake.store))
    admitted("ortho", 3, store=fake.store)
    reviews.open_cycle(system_ctx(JAN_1, store=fake.store))
    task = fake.repo(ReviewTasks).find("2027H1", "ortho", plain)
    reviews.submit(fake.ctx(REP, now=JAN_1), "2027H1", "ortho", plain,
                   reviews.StageEvaluation("good", "on_time", "good", 0, 80, "QUALIFIED", "良好"), task.version)
    md, leader = fake.ctx(MD, now=JAN_1), fake.ctx(LEADER)
    before = (reviews.progress(md, "2027H1"), ticket_reports.recount(md, None, 60).total)
    forget_markers(fake, {vip: 1})
    assert [p.visit.customer_id for p in visits.planned_page(fake.ctx(REP), "ortho", limit=1).items] == [vip]
    assert changes.open_task_page(leader, "ortho").items == [] and blacklist.entry_page(leader, "ortho").items == []
    assert tickets.overdue(fake.ctx(MD)) == [] and ticket_reports.build(md, None, 60).total == 0

    done = backfill.run(system_ctx(JAN_1, store=fake.store))
    # issue 17: the five customers this world writes straight into their tables (as before the search index) are
    # indexed too
    assert done == {"change_tasks": 1, "listings": 1, "tickets": 4, "visits": 2, "review_counters": 1,
                    "search_index": 5}
    # issue 17: the plan goes by day: the visit planned for tomorrow comes before the VIP's the day after
    assert [p.visit.customer_id for p in visits.planned_page(fake.ctx(REP), "ortho", limit=1).items] == [plain]
    assert [t.task_id for t in changes.open_task_page(leader, "ortho").items] == ["01T1"]
    assert [e.entry_id for e in blacklist.entry_page(leader, "ortho").items] == ["01E1"]
    assert {t.ticket_id for t in tickets.overdue(fake.ctx(MD))} >= {filed.ticket_id}
    assert ticket_reports.build(md, None, 60).total == before[1] == 4
    assert reviews.progress(md, "2027H1") == before[0]
    assert backfill.run(system_ctx(JAN_1, store=fake.store)) == {}  # once
