"""The sales facts of a customer in a department, read from the tallies the order import keeps (issue 18)."""

from __future__ import annotations

from datetime import date

from portal.adapters.repos.sales import CustomerSales
from portal.domain.sales_facts import SalesFacts, from_tallies


def facts(uow, customer_id: str, dept_id: str, start: date, end: date, today: date) -> SalesFacts:
    """What the orders and receivables of [start, end] say, as of `today`: one Query of the customer's tallies."""
    return from_tallies(uow.repo(CustomerSales).days(dept_id, customer_id), start, end, today)
