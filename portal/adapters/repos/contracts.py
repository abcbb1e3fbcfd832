"""Contracts' repository (REL-3): one partition per contract, its head (version 0) and its versions; the sparse
`by_department` and `by_customer` indexes hold heads only, `expiring` the signed ones by end day
("<end day>#<contract id>")."""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr

MAX_ID = 64
HEAD = 0
SIGNED = "signed"


def expiry_key(contract) -> str:
    """The `expiring` index's sort key of a signed contract."""
    return f"{contract.end_date}#{contract.contract_id}"


class Contracts(Repo):
    """Contract heads and versions."""

    model = tables.Contract

    def find(self, contract_id: str | None) -> tuple[object | None, list]:
        """A contract's head and its versions, oldest first (one Query), or (None, [])."""
        if not contract_id or len(contract_id) > MAX_ID:
            return None, []
        items = self.all(contract_id)
        head = next((i for i in items if i.version_no == HEAD), None)
        return head, [i for i in items if i.version_no != HEAD]

    def head(self, contract_id: str | None):
        """A contract's head only (one GetItem), or None."""
        return self.get(contract_id, HEAD) if contract_id and len(contract_id) <= MAX_ID else None

    def of_department(self, dept_id: str, *, after: str | None = None, limit: int = 50) -> tuple[list, str | None]:
        """A page of the department's contracts, newest first (one Query on `by_department`)."""
        return self.page(dept_id, index="by_department", after=after, limit=limit)

    def of_customer(self, customer_id: str, dept_id: str | None = None) -> list:
        """The customer's contracts, newest first (one Query on `by_customer`), optionally one department's."""
        return self.all(customer_id, index="by_customer", forward=False,
                        filter=attr("dept_id").eq(dept_id) if dept_id else None)

    def ending_by(self, day: str) -> list:
        """Signed contracts whose end day is `day` or before (one Query on the sparse `expiring` index)."""
        return self.all(SIGNED, index="expiring", sort=attr("expiry_key").lt(f"{day}#~"))

    def create(self, head, first) -> None:
        """Stage a new contract: its head (listed) and its first version."""
        head.version_no, head.version = HEAD, 1
        head.list_dept, head.list_customer = head.dept_id, head.customer_id
        self.add(head, tag="exists")
        first.version = 1
        self.put(first, attr("contract_id").not_exists(), tag="exists")

    def save_head(self, head) -> None:
        """Stage the head back (only if nobody changed it since it was read); a signed head sits in `expiring`."""
        if head.state == SIGNED:
            head.expiry_bucket, head.expiry_key = SIGNED, expiry_key(head)
        else:
            head.expiry_bucket = head.expiry_key = None
        self.save(head, tag="contract")

    def save_version(self, version) -> None:
        """Stage a version back (optimistic lock)."""
        self.save(version, tag="contract")

    def add_version(self, version) -> None:
        """Stage a new version (an amendment's draft)."""
        version.version = 1
        self.put(version, attr("contract_id").not_exists(), tag="contract")
