"""Departments, their product catalogues (RGT-1 a price tiers) and the company's document types."""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo

ORG = "org"  # departments and document types are few: one partition each


class Departments(Repo):
    """The Marketing Division and the sales departments."""

    model = tables.Department

    def find(self, dept_id: str):
        """One department, or None."""
        return self.get(ORG, dept_id) if dept_id else None

    def every(self) -> list:
        """Every department, by id (one Query)."""
        return self.all(ORG)


class Products(Repo):
    """A department's catalogue."""

    model = tables.Product

    def of_department(self, dept_id: str) -> list:
        """The department's products, by id."""
        return self.all(dept_id)

    def find(self, dept_id: str, product_id: str):
        """One product of the department, or None."""
        return self.get(dept_id, product_id) if product_id and len(product_id) <= 64 else None
