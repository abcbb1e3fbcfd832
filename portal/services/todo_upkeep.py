"""Upkeep of the staff to-do counters (issue 16 item 5): day buckets that count nothing any more are removed once
their day is past; records written before the counters existed are counted once by the backfill.

The backfill's part is `TodoCounters.uncounted`/`backfill`, run by `portal.services.backfill`.

A past day's bucket still counts what is overdue (a ticket past its SLA, a visit not recorded), so only buckets
whose every measure is zero go, each under that condition: a home page's Query then reads the overdue days and
the week ahead, not every day since the portal opened. Run daily by `functions.daily_reminders`.
"""

from __future__ import annotations

from portal.adapters.repos.org import Departments
from portal.adapters.repos.tickets import COMPANY
from portal.adapters.repos.todo_tallies import TodoCounters
from portal.adapters.uow import Unavailable, WriteConflict
from portal.domain import todo
from portal.domain.timeutil import shanghai_day
from portal.services.context import Ctx


def scopes(uow) -> list[str]:
    """Every scope the counters are kept for: each department, the company's tickets, and the company-wide one."""
    return [d.dept_id for d in uow.repo(Departments).every()] + [COMPANY, todo.COMPANY]


def prune(ctx: Ctx, failed: list | None = None) -> list[str]:
    """Remove the empty day buckets of past days, in every scope; returns "<scope>/<bucket>" of those removed.
    Buckets the store could not remove now are added to `failed` (the next run tries again)."""
    today = shanghai_day(ctx.now).isoformat()
    reader, removed = ctx.uow(), []
    for scope in scopes(reader):
        for bucket, counts in reader.repo(TodoCounters).past_buckets(scope, today):
            if any(counts.values()):
                continue  # still counts something overdue
            try:
                with ctx.uow() as uow:
                    uow.repo(TodoCounters).prune(scope, bucket)
                    uow.commit()
                removed.append(f"{scope}/{bucket}")
            except WriteConflict:
                continue  # counted something meanwhile: it stays
            except Unavailable:
                if failed is not None:
                    failed.append(f"{scope}/{bucket}")
    return removed
