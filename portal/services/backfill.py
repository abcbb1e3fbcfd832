"""Issue 12 item 4: records written before the page indexes and counters get their place in them, once.

Open change tasks, active listings and overdue tickets get their sparse index marker, planned visits their
grade-first key, tickets their share of the report counters, review cycles their progress counters (set from a
count of the tasks), and (issue 16 item 5) every record still to do its share of the staff to-do counters. Run
after the deploy that adds them (`python -m portal.tools.backfill`); a second run changes nothing. It reads whole
lists on purpose: it is a one-off, never a page or a scheduled job.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from portal.adapters.repos.customers import Customers
from portal.adapters.repos.dynamics import BlacklistEntries, ChangeTasks, ReviewCycles, ReviewTasks
from portal.adapters.repos.grading import Counters, Standings
from portal.adapters.repos.identity import AuditTrail
from portal.adapters.repos.org import Departments
from portal.adapters.repos.search import SearchIndex
from portal.adapters.repos.tickets import COMPANY, Tickets
from portal.adapters.repos.todo_tallies import TodoCounters
from portal.adapters.repos.visits import Visits
from portal.adapters.uow import WriteConflict
from portal.domain.timeutil import shanghai_day
from portal.services.context import Ctx

SEARCH_FROM = date(2026, 1, 1)  # the portal's first day: registrations are found in the audit trail from then


def _each(ctx: Ctx, repo: type, method: str, *args) -> int:
    """Commit `repo.method(*args)` in its own unit of work; 1 if it wrote, 0 if nothing was due or the record
    changed meanwhile (a live write put it in its place already)."""
    with ctx.uow() as uow:
        if getattr(uow.repo(repo), method)(*args) is False:
            return 0
        try:
            uow.commit()
        except WriteConflict:
            return 0
    return 1


def run(ctx: Ctx) -> dict[str, int]:
    """Backfill every department's (and the company's) records; what was written, by kind."""
    uow = ctx.uow()
    scopes = [d.dept_id for d in uow.repo(Departments).every()] + [COMPANY]
    done: dict[str, int] = defaultdict(int)
    for scope in scopes:
        for task in uow.repo(ChangeTasks).unmarked_open(scope):
            done["change_tasks"] += _each(ctx, ChangeTasks, "mark_open", task)
        for entry in uow.repo(BlacklistEntries).unmarked_active(scope):
            done["listings"] += _each(ctx, BlacklistEntries, "mark_active", entry)
        for ticket in uow.repo(Tickets).untallied(scope):
            done["tickets"] += _each(ctx, Tickets, "tally", ticket)
        grades = {s.customer_id: s.grade for s in uow.repo(Standings).everyone(scope)}
        for visit in uow.repo(Visits).planned_in(scope):
            done["visits"] += _each(ctx, Visits, "rekey", visit, grades.get(visit.customer_id))
    for cycle in uow.repo(ReviewCycles).every():
        counted: dict[tuple, dict[str, int]] = defaultdict(lambda: {"open": 0, "submitted": 0, "decided": 0})
        for scope in scopes:
            for task in uow.repo(ReviewTasks).of_department(cycle.cycle_id, scope):
                counted[(scope, task.due_on)][task.status] += 1
        kept = {(d, due): by for d, due, by in uow.repo(Counters).review_progress(cycle.cycle_id)}
        for (scope, due_on), by_status in counted.items():
            if kept.get((scope, due_on)) == by_status:
                continue
            done["review_counters"] += _each(ctx, Counters, "set_review", cycle.cycle_id, scope, due_on, by_status)
    done["todo_counters"] += todo_counters(ctx, scopes)
    for customer_id in sorted(_registered(ctx, scopes)):  # issue 17 items 5 and 6: search index and register
        customer = uow.repo(Customers).find(customer_id)
        if customer is not None and not uow.repo(SearchIndex).indexed(customer):
            done["search_index"] += _each(ctx, SearchIndex, "keep", customer)
    return {kind: n for kind, n in done.items() if n}


def todo_counters(ctx: Ctx, scopes: list[str] | None = None) -> int:
    """Issue 16 item 5: count every record still to do that the staff to-do counters do not count yet (written
    before them), once; how many were counted."""
    uow = ctx.uow()
    scopes = scopes or [d.dept_id for d in uow.repo(Departments).every()] + [COMPANY]
    return sum(_each(ctx, TodoCounters, "backfill", record) for record in uow.repo(TodoCounters).uncounted(scopes))


def _registered(ctx: Ctx, scopes: list[str]) -> set[str]:
    """Every customer that registered (its audit event, day by day from SEARCH_FROM) or stands in a department
    (demo and imported customers), without a Scan."""
    uow = ctx.uow()
    found = {s.customer_id for scope in scopes for s in uow.repo(Standings).everyone(scope)}
    day, today = SEARCH_FROM, shanghai_day(ctx.now)
    while day <= today:
        before = None
        while True:
            events, before = uow.repo(AuditTrail).of_day(day, action="customer.registered", before=before,
                                                         limit=200)
            found |= {e.target_id for e in events if e.action == "customer.registered" and e.target_id}
            if before is None:
                break
        day += timedelta(days=1)
    return found
