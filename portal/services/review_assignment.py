"""Who answers for each review task when a cycle opens (REV-1/2, issue 16 item 1): the customer's designated
person in the department (ONB-4), else the department's leaders; each of them is told once per cycle and
department how many tasks are theirs and when they are due.

The notice is written in the transaction that creates that person's last new task, with the count of all their
tasks in the cycle (an earlier run's included), so a run after a crash half-way tells only those it has not told;
its id is fixed by the day (`notify(once=…)`), so two runs at once cannot both tell.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.adapters import channels
from portal.adapters.repos.dynamics import ReviewTasks
from portal.adapters.repos.identity import Users
from portal.adapters.uow import WriteConflict
from portal.domain.dynamics import cycle_names
from portal.services import notifications
from portal.services.context import Ctx

COUNTERS = 3  # writes a transaction of tasks also holds: the cycle's progress and the two to-do counters


def notice_writes() -> int:
    """Writes one notice adds to a transaction: the item, the inbox's unread count, a message per channel."""
    return 2 + len(channels.enabled())


def responsible(uow, dept_id: str, standings: list) -> dict[str, list]:
    """customer id → the active staff who answer for its review: its designated person if still an active
    member of the department, else the department's leaders (one Query of the department's accounts)."""
    staff = {u.user_id: u for u in uow.repo(Users).active_in(dept_id)}
    leaders = [u for u in staff.values() if u.role == "dm"]
    return {s.customer_id: [staff[s.designated_staff]] if s.designated_staff in staff else leaders
            for s in standings}


@dataclass(frozen=True)
class Batch:
    """Tasks to write in one transaction, and with each the people told in it (its last new task is theirs)."""

    tasks: list
    told: list  # told[i]: the people whose notice goes with tasks[i]


def batches(missing: list, owners: dict[str, list], capacity: int) -> list[Batch]:
    """Pack the new tasks into transactions of at most `capacity` writes, each person's notice going with their
    last new task."""
    last = {}
    for n, task in enumerate(missing):
        for user in owners.get(task.customer_id, []):
            last[user.user_id] = n
    out, tasks, told, used = [], [], [], 0
    for n, task in enumerate(missing):
        new = [u for u in owners.get(task.customer_id, []) if last[u.user_id] == n]
        cost = 1 + len(new) * notice_writes()
        if tasks and used + cost > capacity:
            out.append(Batch(tasks, told))
            tasks, told, used = [], [], 0
        tasks.append(task)
        told.append(new)
        used += cost
    if tasks:
        out.append(Batch(tasks, told))
    return out


def stage_notices(uow, ctx: Ctx, told: list, counts: dict[str, int], task, names: dict) -> None:
    """Tell each person in `told` how many review tasks of the task's cycle are theirs in its department."""
    for user in told:
        notifications.notify(uow, ctx, [user], "review_assigned", f"/staff/reviews/{task.cycle_id}/{task.dept_id}",
                             once=f"review_assigned:{task.cycle_id}:{task.dept_id}",
                             count=counts.get(user.user_id, 0), day=task.due_on, **cycle_names(task.cycle_id),
                             **names)


def create_tasks(ctx: Ctx, batch: Batch, counts: dict[str, int], names: dict) -> int:
    """Write a batch of new tasks with their notices in one transaction; when another run wrote some meanwhile,
    one by one (a task with the notices it carries, else alone). Returns how many tasks this run wrote."""
    with ctx.uow() as uow:
        for task, told in zip(batch.tasks, batch.told, strict=True):
            uow.repo(ReviewTasks).create(task)
            stage_notices(uow, ctx, told, counts, task, names)
        try:
            uow.commit()
            return len(batch.tasks)
        except WriteConflict:
            pass
    created = 0
    for task, told in zip(batch.tasks, batch.told, strict=True):
        for notices in ([told, []] if told else [[]]):
            with ctx.uow() as uow:
                uow.repo(ReviewTasks).create(task)
                stage_notices(uow, ctx, notices, counts, task, names)
                try:
                    uow.commit()
                    created += 1
                    break
                except WriteConflict:
                    continue  # the task (or the notice) was written by the other run
    return created


def assignment_counts(owners: dict[str, list], customer_ids) -> dict[str, int]:
    """user id → how many of these customers' tasks the person answers for."""
    counts: dict[str, int] = {}
    for customer_id in customer_ids:
        for user in owners.get(customer_id, []):
            counts[user.user_id] = counts.get(user.user_id, 0) + 1
    return counts
