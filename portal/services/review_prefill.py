"""REV-1 (附件2, issue 18 item 3): the stage evaluation starts from the records of the period: contract
performance, payment, tickets and incidents, each with its source; the reviewer still confirms every answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.dynamics import Incidents
from portal.adapters.repos.tickets import Tickets
from portal.domain.dynamics import add_months
from portal.domain.timeutil import shanghai_day
from portal.services import sales_facts
from portal.services.grade_facts import describe

REVIEW_MONTHS = 6  # a stage review looks at the half-year up to today
READ = 50  # the newest incidents and tickets read (one Query each)
SOURCE_TEXT = {
    "contract": _l("%(start)s to %(end)s: %(incidents)s incidents of poor contract execution recorded, "
                   "%(pickups)s overdue pick-ups in the ERP"),
    "tickets": _l("%(n)s tickets filed %(start)s to %(end)s"),
    "incidents": _l("%(n)s incidents recorded %(start)s to %(end)s"),
}


@dataclass(frozen=True)
class Prefill:
    """The answers the records suggest (field → value) and where each came from (field → text)."""

    values: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    incidents: int = 0


def _level(problems: int) -> str:
    return "good" if problems == 0 else "fair" if problems == 1 else "poor"


def prefill(ctx, task) -> Prefill:
    """What the records of the last six months say about the task's customer in its department (a few Queries)."""
    uow, end = ctx.uow(), shanghai_day(ctx.now)
    start = add_months(end, -REVIEW_MONTHS) + timedelta(days=1)
    span = {"start": start.isoformat(), "end": end.isoformat()}
    found, _last = uow.repo(Incidents).latest_of(task.customer_id, dept_id=task.dept_id, limit=READ)
    found = [i for i in found if start <= shanghai_day(i.at) <= end]
    late = sum(1 for i in found if i.kind == "late_payment")
    poor = sum(1 for i in found if i.kind == "poor_contract_execution")
    sales = sales_facts.facts(uow, task.customer_id, task.dept_id, start, end, end)
    tickets, _last = uow.repo(Tickets).latest_of(task.customer_id, limit=READ)
    filed = sum(1 for t in tickets if t.dept_id == task.dept_id and start <= shanghai_day(t.created_at) <= end)
    values = {"contract_performance": _level(poor + sales.overdue_pickups), "tickets": filed}
    sources = {"contract_performance": str(SOURCE_TEXT["contract"] % {**span, "incidents": poor,
                                                                     "pickups": sales.overdue_pickups}),
               "tickets": str(SOURCE_TEXT["tickets"] % {**span, "n": filed}),
               "incidents": str(SOURCE_TEXT["incidents"] % {**span, "n": len(found)})}
    if sales.has_data or late:
        problems = sales.late_payments + late
        values["payment"] = "on_time" if problems == 0 and not sales.overdue_90_yuan else \
            "late" if problems == 1 and not sales.overdue_90_yuan else "seriously_late"
        wan = f"{(sales.overdue_90_yuan / 10000):.2f}"
        sources["payment"] = describe("payment_record", {**span, "late": problems, "incidents": late,
                                                         "pickups": sales.overdue_pickups, "wan": wan})
    return Prefill(values, sources, len(found))
