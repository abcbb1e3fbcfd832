"""Daily reminders (issue 16): a blacklist entry expiring in 7 days (its scope's leaders and MD), a planned
visit due today (the person who goes), review tasks due in 7 days (a department's leaders and MD, one notice with
their number, from the to-do counters) and a VIP downgrade due within 2 days (the same). Read from sparse indexes
and counters by day; told once per day whatever the runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from portal.adapters.repos.dynamics import BlacklistEntries, Incidents
from portal.adapters.repos.org import Departments
from portal.adapters.repos.tickets import COMPANY
from portal.adapters.repos.todo_tallies import TodoCounters
from portal.adapters.repos.visits import Visits
from portal.adapters.uow import Unavailable, WriteConflict
from portal.domain.roles import DepartmentKind
from portal.domain.timeutil import shanghai_day
from portal.services import audiences, notifications
from portal.services.context import Ctx

EXPIRY_NOTICE = timedelta(days=7)
REVIEW_NOTICE = timedelta(days=7)
DOWNGRADE_NOTICE = timedelta(days=2)


@dataclass(frozen=True)
class ReminderRun:
    """What one run told: blacklist entries expiring soon, visits due; and what could not be committed now."""

    expiring: list[str] = field(default_factory=list)
    visits: list[str] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)  # departments told of reviews due
    downgrades: list[str] = field(default_factory=list)  # incidents whose downgrade is due soon
    failed: list[str] = field(default_factory=list)


def _tell(ctx: Ctx, key: str, stage, done: list, failed: list) -> None:
    try:
        with ctx.uow() as uow:
            if stage(uow):
                uow.commit()
                done.append(key)
    except WriteConflict:
        pass  # told already today (the same notification ids)
    except Unavailable:
        failed.append(key)


def send_daily(ctx: Ctx) -> ReminderRun:
    """Tell of listings that expire in 7 days and of visits planned for today, once each."""
    run, today = ReminderRun(), shanghai_day(ctx.now)
    reader, cache = ctx.uow(), {}
    for entry in reader.repo(BlacklistEntries).expiring_on((today + EXPIRY_NOTICE).isoformat()):
        def expiring(uow, entry=entry):
            scope = entry.scope
            to = audiences.marketing_division(uow) if scope == COMPANY else audiences.leaders_and_md(uow, scope, cache)
            names = {"dept_zh": "公司", "dept_en": "company"} if scope == COMPANY else audiences.dept_names(uow, scope)
            return notifications.notify(uow, ctx, to, "blacklist_expiring", "/staff/blacklist",
                                        once=f"blacklist_expiring:{entry.entry_id}", customer=entry.customer_name,
                                        day=entry.expires_on, **names)
        _tell(ctx, entry.entry_id, expiring, run.expiring, run.failed)
    for dept in reader.repo(Departments).every():
        if dept.kind != DepartmentKind.SALES.value:
            continue
        for visit in reader.repo(Visits).planned_on_day(dept.dept_id, today.isoformat()):
            def due(uow, visit=visit):
                return notifications.notify(uow, ctx, audiences.user(uow, visit.assignee_id), "visit_due",
                                            f"/staff/departments/{visit.dept_id}/visits",
                                            once=f"visit:{visit.visit_id}", customer=visit.customer_name,
                                            purpose=visit.purpose)
            _tell(ctx, visit.visit_id, due, run.visits, run.failed)
        _reviews_due(ctx, reader, dept.dept_id, today + REVIEW_NOTICE, cache, run)
    for incident in reader.repo(Incidents).downgrades_due_between(ctx.now, ctx.now + DOWNGRADE_NOTICE):
        def downgrade(uow, incident=incident):
            return notifications.notify(
                uow, ctx, audiences.leaders_and_md(uow, incident.dept_id, cache), "downgrade_due",
                f"/staff/departments/{incident.dept_id}/customers/{incident.customer_id}",
                once=f"downgrade_due:{incident.incident_id}", customer=incident.customer_name,
                due=shanghai_day(incident.downgrade_due_at).isoformat(), **audiences.dept_names(uow, incident.dept_id))
        _tell(ctx, incident.incident_id, downgrade, run.downgrades, run.failed)
    return run


def _reviews_due(ctx: Ctx, reader, dept_id: str, day, cache: dict, run: ReminderRun) -> None:
    """The department's leaders and MD hear how many review tasks are due on `day` (its to-do counter)."""
    count = reader.repo(TodoCounters).bucket(dept_id, f"due#{day.isoformat()}")["reviews"]
    if count <= 0:
        return

    def due(uow):
        return notifications.notify(uow, ctx, audiences.leaders_and_md(uow, dept_id, cache), "review_due",
                                    "/staff/reviews", once=f"review_due:{dept_id}", day=day.isoformat(),
                                    count=count, **audiences.dept_names(uow, dept_id))
    _tell(ctx, dept_id, due, run.reviews, run.failed)
