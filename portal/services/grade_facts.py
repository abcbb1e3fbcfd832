"""The facts behind an evaluation (issue 18 item 3): ERP sales facts, recorded late payments and the admission,
computed onto the scorecard's indicators, each with its source in the reader's language."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.dynamics import Incidents
from portal.domain.grade_facts import Computed, Facts, compute, period
from portal.domain.timeutil import shanghai_day
from portal.services import sales_facts

INCIDENTS_READ = 50  # the newest incidents of the department read (one Query): a period holds far fewer
SOURCE_TEXT = {
    "erp_volume": _l("ERP orders %(start)s to %(end)s: %(orders)s orders, %(wan)s 万元"),
    "first_order": _l("First ERP order on %(day)s"),
    "admitted": _l("Admitted in this department on %(day)s (no ERP orders imported)"),
    "late_payments": _l("%(start)s to %(end)s: %(erp)s late payments in the ERP, %(incidents)s recorded as incidents"),
    "overdue_pickups": _l("ERP orders %(start)s to %(end)s: %(n)s overdue pick-ups"),
    "overdue_90": _l("ERP receivables on %(day)s: %(wan)s 万元 unpaid more than 90 days after the due day"),
    "payment_record": _l("%(start)s to %(end)s: %(late)s late payments (%(incidents)s of them recorded as "
                         "incidents), %(pickups)s overdue pick-ups, %(wan)s 万元 unpaid over 90 days"),
}


def late_incidents(uow, customer_id: str, dept_id: str, start: date, end: date) -> int:
    """INC-1: incidents of kind late_payment recorded against the customer in the department in [start, end]."""
    found, _last = uow.repo(Incidents).latest_of(customer_id, dept_id=dept_id, limit=INCIDENTS_READ)
    return sum(1 for i in found if i.kind == "late_payment" and start <= shanghai_day(i.at) <= end)


def gather(uow, standing, now: datetime) -> Facts:
    """What is known of a customer in a department over the evaluation's period ending today (a few Queries)."""
    start, end = period(shanghai_day(now))
    sales = sales_facts.facts(uow, standing.customer_id, standing.dept_id, start, end, end)
    return Facts(start, end, sales, late_incidents(uow, standing.customer_id, standing.dept_id, start, end),
                 shanghai_day(standing.admitted_at))


def computed_values(card, facts: Facts) -> dict[str, Computed]:
    """Indicator key → its computed value, for the indicators of `card` whose fact is known."""
    found = {}
    for ind in card.indicators:
        if ind.source:
            value = compute(ind.source, facts, ind.options or None)
            if value is not None:
                found[ind.key] = value
    return found


def describe(kind: str, facts: dict) -> str:
    """Where a computed value came from, in the reader's language."""
    template = SOURCE_TEXT.get(kind)
    return str(template % facts) if template else kind


def as_json(computed: dict[str, Computed]) -> dict:
    """The stored (and API) form: key → value, source kind and the figures quoted."""
    return {k: {"value": c.value, "source": c.kind, "facts": c.facts} for k, c in computed.items()}
