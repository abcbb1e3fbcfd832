"""Daily reminders (issue 16): a blacklist entry expiring in 7 days (its scope's leaders and MD) and a planned
visit due today (the person who goes). Read from sparse indexes by day; told once per day whatever the runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from portal.adapters.repos.dynamics import BlacklistEntries
from portal.adapters.repos.org import Departments
from portal.adapters.repos.tickets import COMPANY
from portal.adapters.repos.visits import Visits
from portal.adapters.uow import Unavailable, WriteConflict
from portal.domain.roles import DepartmentKind
from portal.domain.timeutil import shanghai_day
from portal.services import audiences, notifications
from portal.services.context import Ctx

EXPIRY_NOTICE = timedelta(days=7)


@dataclass(frozen=True)
class ReminderRun:
    """What one run told: blacklist entries expiring soon, visits due; and what could not be committed now."""

    expiring: list[str] = field(default_factory=list)
    visits: list[str] = field(default_factory=list)
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
    return run
