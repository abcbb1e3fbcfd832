"""Customers, prospects, documents and applications (ADM-*, ONB-*)."""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo


class Applications(Repo):
    """Admission applications (ADM-4); undecided ones sit in the sparse `open_by_dept` queue."""

    model = tables.Application

    def of_customer(self, customer_id: str) -> list:
        """The customer's applications, oldest first."""
        return self.all(customer_id, index="by_customer")
