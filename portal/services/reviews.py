"""Half-yearly reviews (REV-1…4, 附件2 客户阶段评价表): cycles, tasks, decisions filed with MD, escalation."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError

from portal.adapters import mail
from portal.adapters.tables import Department, Incident, ReviewCycle, ReviewTask, Standing, transaction
from portal.domain.dynamics import DEFAULT_REVIEW_DAYS, cycle_of, review_due
from portal.domain.grading import Grade
from portal.domain.roles import DepartmentKind, Perm
from portal.domain.timeutil import shanghai_day
from portal.services import audit, grading, org
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound

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

    Idempotent: tasks are written only when missing, and the cycle record last, so a rerun (or a run
    after a crash half-way) completes the cycle and changes nothing once it is complete.
    """
    today = shanghai_day(ctx.now)
    cycle_id, opens_on = cycle_of(today)
    try:
        ReviewCycle.get("org", cycle_id)
        return OpenRun(cycle_id, 0, True)
    except DoesNotExist:
        pass
    due = review_due(max(opens_on, today), review_days).isoformat()
    created = 0
    for dept in Department.query("org"):
        if dept.kind != DepartmentKind.SALES.value:
            continue
        for standing in Standing.query(dept.dept_id):
            task = ReviewTask(cycle_id=cycle_id, task_key=f"{dept.dept_id}#{standing.customer_id}",
                              cycle_dept=f"{cycle_id}#{dept.dept_id}", dept_id=dept.dept_id,
                              customer_id=standing.customer_id, customer_name=standing.customer_name,
                              grade_at_open=standing.grade, due_on=due, status="open", open_bucket="open",
                              due_key=f"{due}#{cycle_id}#{dept.dept_id}#{standing.customer_id}")
            try:
                task.save(condition=ReviewTask.task_key.does_not_exist())
                created += 1
            except PutError:
                pass  # written by an earlier run
    try:
        ReviewCycle(org="org", cycle_id=cycle_id, opened_at=ctx.now, due_on=due, tasks=created).save(
            condition=ReviewCycle.cycle_id.does_not_exist())
    except PutError:
        return OpenRun(cycle_id, created, True)
    audit.record(ctx, "review.cycle_opened", target_type="cycle", target_id=cycle_id,
                 detail={"tasks": created, "due_on": due})
    return OpenRun(cycle_id, created, False)


def cycles() -> list[ReviewCycle]:
    """Every cycle opened so far, newest first."""
    return list(ReviewCycle.query("org", scan_index_forward=False))


def get_task(ctx: Ctx, cycle_id: str, dept_id: str, customer_id: str) -> ReviewTask:
    """One review task, for the department's staff and MD."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=f"{cycle_id}/{customer_id}")
    try:
        return ReviewTask.get(cycle_id, f"{dept_id}#{customer_id}")
    except DoesNotExist as exc:
        raise NotFound() from exc


def tasks(ctx: Ctx, cycle_id: str, dept_id: str) -> list[ReviewTask]:
    """A department's tasks in a cycle."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=cycle_id)
    return list(ReviewTask.by_dept.query(f"{cycle_id}#{dept_id}"))


def incidents_in_period(customer_id: str, dept_id: str, since) -> int:
    """Incidents recorded against the customer in the department since the previous cycle opened."""
    return sum(1 for i in Incident.query(customer_id) if i.dept_id == dept_id and (since is None or i.at >= since))


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
        problems["recommended"] = [_l("Choose VIP, PREFERRED or QUALIFIED.")]
    if problems:
        raise Invalid(fields=problems)


def submit(ctx: Ctx, cycle_id: str, dept_id: str, customer_id: str, form: StageEvaluation, version: int) -> ReviewTask:
    """REV-1: the department's staff record the stage evaluation; the leader decides afterwards."""
    authorize(ctx, Perm.REVIEW_CUSTOMERS, dept_id, target=customer_id)
    task = get_task(ctx, cycle_id, dept_id, customer_id)
    if task.status == "decided":
        raise Conflict(_l("This review has been decided already."))
    if int(version) != int(task.version):
        raise Conflict()
    _check(form)
    previous = [c for c in cycles() if c.cycle_id < cycle_id]
    counted = incidents_in_period(customer_id, dept_id, previous[0].opened_at if previous else None)
    task.form = json.dumps({**form.__dict__, "incidents": counted}, ensure_ascii=False)
    task.score, task.recommended, task.status, task.submitted_by = form.score, form.recommended, "submitted", \
        ctx.actor.email
    try:
        with transaction() as tx:
            tx.save(task)
            tx.save(audit.event(ctx, "review.submitted", target_type="customer", target_id=customer_id,
                                dept_id=dept_id, detail={"cycle": cycle_id, "score": form.score,
                                                         "recommended": form.recommended}))
    except TransactWriteError as exc:
        raise Conflict() from exc
    return task


def decide(ctx: Ctx, cycle_id: str, dept_id: str, customer_id: str, grade: str, reason: str,
           version: int) -> ReviewTask:
    """REV-3/4: the leader decides; a different grade goes through the grading service (quotas hold)."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=customer_id)
    task = get_task(ctx, cycle_id, dept_id, customer_id)
    if task.status != "submitted":
        raise Conflict(_l("Only a submitted review can be decided."))
    if int(version) != int(task.version):
        raise Conflict()
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Give the reason.")]})
    try:
        target = Grade(grade)
    except ValueError as exc:
        raise Invalid(fields={"grade": [_l("Choose VIP, PREFERRED or QUALIFIED.")]}) from exc
    standing = grading.get_standing(ctx, dept_id, customer_id)
    if standing.grade != target.value:
        grading.change(ctx, dept_id, customer_id, target.value, f"{cycle_id} 阶段评价 / review: {reason.strip()}")
    try:
        task.update(actions=[ReviewTask.status.set("decided"), ReviewTask.decided_grade.set(target.value),
                             ReviewTask.decided_by.set(ctx.actor.email), ReviewTask.decided_at.set(ctx.now),
                             ReviewTask.open_bucket.remove(), ReviewTask.due_key.remove()],
                    condition=ReviewTask.status == "submitted")
    except UpdateError as exc:
        raise Conflict() from exc
    audit.record(ctx, "review.decided", target_type="customer", target_id=customer_id, dept_id=dept_id,
                 detail={"cycle": cycle_id, "grade": target.value, "reason": reason.strip()})
    return task


@dataclass(frozen=True)
class Progress:
    """A department's progress in a cycle (REV-3: filed with MD)."""

    dept_id: str
    open: int
    submitted: int
    decided: int
    overdue: int


def progress(ctx: Ctx, cycle_id: str) -> list[Progress]:
    """REV-3: MD sees every department's progress and results; others their own department."""
    actor = ctx.actor
    authorize(ctx, Perm.VIEW_CUSTOMERS, target=cycle_id)
    today = shanghai_day(ctx.now).isoformat()
    out = []
    for dept in Department.query("org"):
        if dept.kind != DepartmentKind.SALES.value or not (actor.company_wide or dept.dept_id == actor.dept_id):
            continue
        counts = defaultdict(int)
        for task in ReviewTask.by_dept.query(f"{cycle_id}#{dept.dept_id}"):
            counts[task.status] += 1
            counts["overdue"] += task.status != "decided" and task.due_on < today
        out.append(Progress(dept.dept_id, counts["open"], counts["submitted"], counts["decided"], counts["overdue"]))
    return out


def escalate_overdue(ctx: Ctx) -> list[str]:
    """REV-2: undecided reviews past their due day are escalated to the leader and MD (once per task)."""
    today = shanghai_day(ctx.now).isoformat()
    newly = defaultdict(list)
    for task in ReviewTask.overdue.query("open", ReviewTask.due_key < today):
        if task.escalated_at:
            continue
        try:
            task.update(actions=[ReviewTask.escalated_at.set(ctx.now)],
                        condition=ReviewTask.escalated_at.does_not_exist())
        except UpdateError:
            continue
        newly[task.dept_id].append(task)
    recipients = org.leaders_and_md() if newly else {}
    for dept_id, overdue in newly.items():
        names = "、".join(t.customer_name for t in overdue)
        for address in sorted(set(recipients.get(dept_id, [])) | set(recipients.get("md", []))):
            mail.send(address, f"【评审逾期】{dept_id}: {len(overdue)} 项 / Overdue reviews",
                      f"{dept_id} 的阶段评价逾期未完成：{names}\n{len(overdue)} review(s) overdue in {dept_id}.\n")
        audit.record(ctx, "review.escalated", target_type="department", target_id=dept_id,
                     dept_id=dept_id, detail={"tasks": [t.task_key for t in overdue]})
    return [t.task_key for tasks_ in newly.values() for t in tasks_]
