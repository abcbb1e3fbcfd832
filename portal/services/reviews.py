"""Half-yearly reviews (REV-1…4, 附件2 客户阶段评价表): cycles, tasks, decisions filed with MD, escalation."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters import records
from portal.adapters.repos.dynamics import Incidents, ReviewCycles, ReviewTasks
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.org import Departments
from portal.adapters.uow import Unavailable, WriteConflict
from portal.domain.dynamics import DEFAULT_REVIEW_DAYS, cycle_of, review_due
from portal.domain.grading import Grade
from portal.domain.roles import DepartmentKind, Perm
from portal.domain.timeutil import shanghai_day
from portal.services import audiences, audit, grade_notices, grading, notifications, review_assignment
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.grade_staging import committing, stage_grade_change
from portal.services.leaving import MAX_ITEMS
from portal.services.review_progress import Progress, progress, task_page  # noqa: F401  (reviews.progress, …)

LEVELS = ("good", "fair", "poor")
PAYMENT = ("on_time", "late", "seriously_late")


@dataclass(frozen=True)
class OpenRun:
    """What one run of the cycle-opening job did."""

    cycle_id: str
    created: int
    already_open: bool


def open_cycle(ctx: Ctx, review_days: int = DEFAULT_REVIEW_DAYS) -> OpenRun:
    """REV-2: open the current half-year's cycle: one task per admitted customer of every sales department.

    Idempotent (DESIGN rule 7): only missing tasks are written, and the cycle record last, so a rerun (or a run
    after a crash half-way) completes the cycle and changes nothing once it is complete.
    """
    today = shanghai_day(ctx.now)
    cycle_id, opens_on = cycle_of(today)
    uow = ctx.uow()
    if uow.repo(ReviewCycles).find(cycle_id) is not None:
        return OpenRun(cycle_id, 0, True)
    due = review_due(max(opens_on, today), review_days).isoformat()
    created = total = 0
    for dept in uow.repo(Departments).every():
        if dept.kind != DepartmentKind.SALES.value:
            continue
        have = {t.customer_id for t in uow.repo(ReviewTasks).of_department(cycle_id, dept.dept_id)}
        standings = uow.repo(Standings).everyone(dept.dept_id)
        missing = [records.ReviewTask(cycle_id=cycle_id, dept_id=dept.dept_id, customer_id=s.customer_id,
                                      customer_name=s.customer_name, grade_at_open=s.grade, due_on=due)
                   for s in standings if s.customer_id not in have]
        if missing:  # issue 16: each task's responsible person hears how many are theirs, with their last one
            owners = review_assignment.responsible(uow, dept.dept_id, standings)
            counts = review_assignment.assignment_counts(owners, have | {t.customer_id for t in missing})
            names = audiences.dept_names(uow, dept.dept_id)
            # each transaction also holds the cycle's progress counter and the department's and company's to-dos
            for batch in review_assignment.batches(missing, owners, MAX_ITEMS - review_assignment.COUNTERS):
                created += review_assignment.create_tasks(ctx, batch, counts, names)
        total += len(have) + len(missing)
    with ctx.uow() as uow:
        uow.repo(ReviewCycles).open(records.ReviewCycle(cycle_id=cycle_id, opened_at=ctx.now, due_on=due,
                                                        tasks=total))
        audit.stage(uow, ctx, "review.cycle_opened", target_type="cycle", target_id=cycle_id,
                    detail={"tasks": created, "due_on": due})
        try:
            uow.commit()
        except WriteConflict:  # another run opened it meanwhile
            return OpenRun(cycle_id, created, True)
    return OpenRun(cycle_id, created, False)


def cycles(ctx: Ctx) -> list:
    """Every cycle opened so far, newest first."""
    return ctx.uow().repo(ReviewCycles).every()


def get_task(ctx: Ctx, cycle_id: str, dept_id: str, customer_id: str, uow=None):
    """One review task, for the department's staff and MD."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=f"{cycle_id}/{customer_id}")
    task = (uow or ctx.uow()).repo(ReviewTasks).find(cycle_id, dept_id, customer_id)
    if task is None:
        raise NotFound()
    return task


def tasks(ctx: Ctx, cycle_id: str, dept_id: str) -> list:
    """A department's tasks in a cycle."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=cycle_id)
    return ctx.uow().repo(ReviewTasks).of_department(cycle_id, dept_id)


def incidents_in_period(uow, customer_id: str, dept_id: str, since) -> int:
    """Incidents recorded against the customer in the department since the previous cycle opened."""
    return sum(1 for i in uow.repo(Incidents).of_customer(customer_id)
               if i.dept_id == dept_id and (since is None or i.at >= since))


@dataclass(frozen=True)
class StageEvaluation:
    """The stage evaluation form (附件2): the period's performance, a score and a recommended grade."""

    contract_performance: str
    payment: str
    integrity: str
    tickets: int
    score: int
    recommended: str
    note: str = ""


def _check(form: StageEvaluation) -> None:
    problems = {}
    if form.contract_performance not in LEVELS:
        problems["contract_performance"] = [_l("Choose one.")]
    if form.payment not in PAYMENT:
        problems["payment"] = [_l("Choose one.")]
    if form.integrity not in LEVELS:
        problems["integrity"] = [_l("Choose one.")]
    if form.tickets < 0:
        problems["tickets"] = [_l("Cannot be negative.")]
    if not 0 <= form.score <= 100:
        problems["score"] = [_l("Between 0 and 100.")]
    try:
        Grade(form.recommended)
    except ValueError:
        problems["recommended"] = [_l("Choose VIP, Preferred or Qualified.")]
    if problems:
        raise Invalid(fields=problems)


def submit(ctx: Ctx, cycle_id: str, dept_id: str, customer_id: str, form: StageEvaluation, version: int):
    """REV-1: the department's staff record the stage evaluation; the leader decides afterwards."""
    authorize(ctx, Perm.REVIEW_CUSTOMERS, dept_id, target=customer_id)
    with ctx.uow() as uow:
        task = get_task(ctx, cycle_id, dept_id, customer_id, uow)
        if task.status == "decided":
            raise Conflict(_l("This review has been decided already."))
        if int(version) != int(task.version):
            raise Conflict()
        _check(form)
        previous = [c for c in uow.repo(ReviewCycles).every() if c.cycle_id < cycle_id]
        counted = incidents_in_period(uow, customer_id, dept_id, previous[0].opened_at if previous else None)
        was = task.status
        task.form = json.dumps({**form.__dict__, "incidents": counted}, ensure_ascii=False)
        task.score, task.recommended, task.status, task.submitted_by = form.score, form.recommended, "submitted", \
            ctx.actor.email
        uow.repo(ReviewTasks).submit(task, was)
        audit.stage(uow, ctx, "review.submitted", target_type="customer", target_id=customer_id, dept_id=dept_id,
                    detail={"cycle": cycle_id, "score": form.score, "recommended": form.recommended})
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict() from exc
    return task


def decide(ctx: Ctx, cycle_id: str, dept_id: str, customer_id: str, grade: str, reason: str, version: int):
    """REV-3/4: the leader decides; a different grade goes through the grading rules (quotas hold), and the
    decision and the grade change are one transaction: both happen, or neither."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=customer_id)

    def stage(uow):
        task = get_task(ctx, cycle_id, dept_id, customer_id, uow)
        if task.status != "submitted":
            raise Conflict(_l("Only a submitted review can be decided."))
        if int(version) != int(task.version):
            raise Conflict()
        if not (reason or "").strip():
            raise Invalid(fields={"reason": [_l("Give the reason.")]})
        try:
            target = Grade(grade)
        except ValueError as exc:
            raise Invalid(fields={"grade": [_l("Choose VIP, Preferred or Qualified.")]}) from exc
        standing = grading.get_standing(ctx, dept_id, customer_id, uow=uow)
        changed = standing.grade != target.value
        if changed:
            stage_grade_change(uow, ctx, dept_id, customer_id, target.value,
                               f"{cycle_id} 阶段评价 / review: {reason.strip()}", False)  # told below
        grade_notices.review_result(uow, ctx, dept_id, customer_id, target, changed)  # issue 16: one notice
        uow.repo(ReviewTasks).decide(task, target.value, ctx.actor.email, ctx.now)
        audit.stage(uow, ctx, "review.decided", target_type="customer", target_id=customer_id, dept_id=dept_id,
                    detail={"cycle": cycle_id, "grade": target.value, "reason": reason.strip()})
        task.status, task.decided_grade, task.decided_by, task.decided_at = "decided", target.value, \
            ctx.actor.email, ctx.now
        task.open_bucket = task.due_key = None
        task.version += 1
        return task

    try:
        return committing(ctx, stage)
    except WriteConflict as exc:  # decided or changed meanwhile
        raise Conflict() from exc


ESCALATION_CHUNK = 80  # tasks per transaction, leaving room for the audit event and the mails


def escalate_overdue(ctx: Ctx, failed: list | None = None) -> list[str]:
    """REV-2: undecided reviews past their due day are escalated to the leader and MD (once per task): a
    department's tasks, its audit event and its mail in one transaction (DESIGN rule 13). Tasks the store could
    not escalate now stay due and are added to `failed`."""
    today = shanghai_day(ctx.now).isoformat()
    due = defaultdict(list)
    for task in ctx.uow().repo(ReviewTasks).overdue(today):
        if not task.escalated_at:
            due[task.dept_id].append(task)
    to: dict = {}  # the leaders and MD, read once per department (issue 16 notifications)
    done = []
    for dept_id, tasks in due.items():
        for start in range(0, len(tasks), ESCALATION_CHUNK):
            chunk = tasks[start:start + ESCALATION_CHUNK]
            try:
                done += _escalate_together(ctx, dept_id, chunk, to)
            except Unavailable:
                if failed is not None:
                    failed += [f"{t.cycle_id}/{t.task_key}" for t in chunk]
    return done


def _escalate_together(ctx: Ctx, dept_id: str, tasks: list, to: dict) -> list[str]:
    """Commit the escalation of a department's tasks with its audit event and mail; tasks another run escalated
    meanwhile are dropped and the rest committed again."""
    for _attempt in range(3):
        if not tasks:
            return []
        with ctx.uow() as uow:
            for task in tasks:
                uow.repo(ReviewTasks).escalate(task, ctx.now)
            notifications.notify(uow, ctx, audiences.leaders_and_md(uow, dept_id, to), "review_overdue",
                                 f"/staff/reviews/{tasks[0].cycle_id}/{dept_id}", count=len(tasks),
                                 customers="、".join(t.customer_name for t in tasks),
                                 **audiences.dept_names(uow, dept_id))
            audit.stage(uow, ctx, "review.escalated", target_type="department", target_id=dept_id,
                        dept_id=dept_id, detail={"tasks": [t.task_key for t in tasks]})
            try:
                uow.commit()
                return [t.task_key for t in tasks]
            except WriteConflict:  # another run escalated some first: read them again
                fresh = [uow.repo(ReviewTasks).get(t.cycle_id, t.task_key) for t in tasks]
                tasks = [t for t in fresh if t is not None and not t.escalated_at]
    return []
