"""The sales facts of a customer in a department, read from the imported orders and receivables (issue 18)."""

from __future__ import annotations

from datetime import date

from portal.domain.sales_facts import NO_DATA, SalesFacts


def facts(uow, customer_id: str, dept_id: str, start: date, end: date, today: date) -> SalesFacts:
    """What the orders and receivables of [start, end] say, as of `today` (bounded reads: a few Queries)."""
    return NO_DATA  # until the order import exists (issue 18 item 2) no customer has data
