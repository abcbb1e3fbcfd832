"""The sales facts of a customer in a department, read from the imported orders and receivables (issue 18)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.adapters.repos.sales import Orders, Receivables
from portal.domain.sales_facts import NO_DATA, SalesFacts
from portal.domain.sales_rows import fen_to_yuan, overdue_90_cutoff, paid_late, picked_up_late


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def facts(uow, customer_id: str, dept_id: str, start: date, end: date, today: date) -> SalesFacts:
    """What the orders and receivables of [start, end] say, as of `today` (bounded reads: a few Queries)."""
    orders, receivables = uow.repo(Orders), uow.repo(Receivables)
    first = orders.first(dept_id, customer_id)
    if first is None and not receivables.any_of(dept_id, customer_id):
        return NO_DATA
    placed = [o for o in orders.ordered_in(dept_id, customer_id, start, end) if o.status != "cancelled"]
    pickups = [o for o in orders.pickups_due_in(dept_id, customer_id, start, end) if o.status != "cancelled"]
    due = receivables.due_in(dept_id, customer_id, start, end)
    unpaid_90 = receivables.unpaid_due_before(dept_id, customer_id, overdue_90_cutoff(today))
    return SalesFacts(
        has_data=True,
        volume_yuan=fen_to_yuan(sum(int(o.amount_fen) for o in placed)) if placed else Decimal(0),
        orders=len(placed),
        late_payments=sum(paid_late(_day(r.due_on), _day(r.paid_on), today) for r in due),
        overdue_pickups=sum(picked_up_late(_day(o.pickup_due_on), _day(o.picked_up_on), today) for o in pickups),
        overdue_90_yuan=fen_to_yuan(sum(int(r.amount_fen) - int(r.paid_fen or 0) for r in unpaid_90))
        if unpaid_90 else Decimal(0),
        first_order_on=_day(first.ordered_on) if first else None,
    )
