"""Departments, their product catalogues (RGT-1 a price tiers), the company's document types, and the
prospects each department records (ONB-2)."""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.store.expr import attr

ORG = "org"  # departments and document types are few: one partition each
MAX_ID = 64  # ids arrive in URLs: longer ones name nothing


class Departments(Repo):
    """The Marketing Division and the sales departments."""

    model = tables.Department

    def find(self, dept_id: str):
        """One department, or None."""
        return self.get(ORG, dept_id) if dept_id and len(dept_id) <= MAX_ID else None

    def every(self) -> list:
        """Every department, by id (one Query)."""
        return self.all(ORG)

    def create(self, dept) -> None:
        """Stage a new department (the commit fails with "department" if its id is taken), and the catalogue."""
        dept.org = ORG
        dept.version = 1
        self.add(dept, tag="department")
        self.uow.repo(Catalogue).stage_change(dept)

    def save(self, record, tag: str = "stale") -> None:
        """Stage a changed department (optimistic lock) and the catalogue with it."""
        super().save(record, tag)
        self.uow.repo(Catalogue).stage_change(record)


class Products(Repo):
    """A department's catalogue."""

    model = tables.Product

    def of_department(self, dept_id: str) -> list:
        """The department's products, by id."""
        return self.all(dept_id)

    def find(self, dept_id: str, product_id: str):
        """One product of the department, or None."""
        return self.get(dept_id, product_id) if product_id and len(product_id) <= MAX_ID else None

    def create(self, product) -> None:
        """Stage a new product (the commit fails with "product" if the department has one with its id), and the
        catalogue."""
        product.version = 1
        self.add(product, tag="product")
        self.uow.repo(Catalogue).stage_change(product)

    def save(self, record, tag: str = "stale") -> None:
        """Stage a changed product (optimistic lock) and the catalogue with it."""
        super().save(record, tag)
        self.uow.repo(Catalogue).stage_change(record)


class Prospects(Repo):
    """Potential customers (潜在客户) a department found and may invite to register (ONB-2)."""

    model = tables.Prospect

    def find(self, prospect_id: str):
        """One prospect, or None."""
        return self.get(prospect_id) if prospect_id and len(prospect_id) <= MAX_ID else None

    def in_department(self, dept_id: str, *, after: str | None = None,
                      limit: int = 50) -> tuple[list, str | None]:
        """A page of a department's prospects, oldest first, and the id the next page continues after."""
        records, last = self.query(dept_id, index="by_dept", sort=attr("prospect_id").gt(after) if after else None,
                                   limit=limit)
        return records, last["prospect_id"] if last else None

    def record(self, prospect) -> None:
        """Stage a new prospect."""
        self.add(prospect, tag="prospect")

    def invite(self, prospect, invite_hash: str, at) -> None:
        """Stage a new invitation (replacing any earlier one), only while the prospect has not registered
        (tag "registered")."""
        self.update((prospect.prospect_id,), [attr("invite_hash").set(invite_hash), attr("invited_at").set(at)],
                    attr("prospect_id").exists() & attr("customer_id").not_exists(), tag="registered")

    def registered(self, prospect, customer_id: str) -> None:
        """Stage tying the prospect to the customer that registered through its invitation, only once (tag
        "invitation")."""
        self.update((prospect.prospect_id,), [attr("customer_id").set(customer_id)],
                    attr("prospect_id").exists() & attr("customer_id").not_exists(), tag="invitation")
