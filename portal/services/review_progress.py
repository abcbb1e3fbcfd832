"""REV-3: each department's progress in a review cycle, from counters moved with the tasks (a bounded read), and
a department's tasks a page at a time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from portal.adapters.repos.dynamics import ReviewTasks
from portal.adapters.repos.grading import Counters
from portal.adapters.repos.org import Departments
from portal.domain.roles import DepartmentKind, Perm
from portal.domain.timeutil import shanghai_day
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.paging import Page, encode_cursor, parse_cursor


@dataclass(frozen=True)
class Progress:
    """A department's progress in a cycle (REV-3: filed with MD)."""

    dept_id: str
    open: int
    submitted: int
    decided: int
    overdue: int


def _departments(ctx: Ctx, uow) -> list[str]:
    actor = ctx.actor
    return [d.dept_id for d in uow.repo(Departments).every() if d.kind == DepartmentKind.SALES.value
            and (actor.company_wide or d.dept_id == actor.dept_id)]


def progress(ctx: Ctx, cycle_id: str) -> list[Progress]:
    """REV-3: MD sees every department's progress and results; others their own department. Read from the
    cycle's counters (one per department and due day): overdue = undecided tasks due before today."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, target=cycle_id)
    today = shanghai_day(ctx.now).isoformat()
    uow = ctx.uow()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for dept_id, due_on, by_status in uow.repo(Counters).review_progress(cycle_id):
        for status, n in by_status.items():
            counts[dept_id][status] += n
        counts[dept_id]["overdue"] += (by_status["open"] + by_status["submitted"]) if due_on < today else 0
    return [Progress(d, counts[d]["open"], counts[d]["submitted"], counts[d]["decided"], counts[d]["overdue"])
            for d in _departments(ctx, uow)]


def recount(ctx: Ctx, cycle_id: str) -> list[Progress]:
    """The same numbers counted task by task (reads every task of the cycle): to check the counters."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, target=cycle_id)
    today = shanghai_day(ctx.now).isoformat()
    uow, out = ctx.uow(), []
    for dept_id in _departments(ctx, uow):
        counts: dict[str, int] = defaultdict(int)
        for task in uow.repo(ReviewTasks).of_department(cycle_id, dept_id):
            counts[task.status] += 1
            counts["overdue"] += task.status != "decided" and task.due_on < today
        out.append(Progress(dept_id, counts["open"], counts["submitted"], counts["decided"], counts["overdue"]))
    return out


def task_page(ctx: Ctx, cycle_id: str, dept_id: str, cursor: str | None = None, limit: int = 50) -> Page:
    """A page of a department's tasks in a cycle, by customer (one Query)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=cycle_id)
    items, last = ctx.uow().repo(ReviewTasks).department_page(cycle_id, dept_id, after=parse_cursor(cursor),
                                                              limit=limit)
    return Page(items, encode_cursor(last) if last else None)
