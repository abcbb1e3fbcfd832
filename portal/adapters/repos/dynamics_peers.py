"""Other areas' tables, as far as dynamic management reads or changes them (OBL-1, RGT-1 c, BLK-3, INC-2).

TEMPORARY home (issue 12): these move to the customers and identity areas' repositories once those exist; the
names differ from theirs on purpose, so that merging both never lets one class silently replace another.
"""

from __future__ import annotations

from pynamodb.exceptions import AttributeDeserializationError, DoesNotExist

from portal.adapters import tables
from portal.adapters.records import from_item
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr


def _tolerant_get(repo: Repo, key: str):
    """`repo.get(key)`; an item holding an explicit NULL (written by a PynamoDB `.set(None)`, e.g. a document's
    `reject_reason`) is read through its model instead, because the DynamoDB store cannot read NULL yet."""
    try:
        return repo.get(key)
    except AttributeDeserializationError:  # only on DynamoDB: the in-memory store holds no NULLs
        try:
            return from_item(repo.model, repo.model.get(key).attribute_values)
        except DoesNotExist:
            return None


class CustomerRecords(Repo):
    """The customer's record: its name for listings, and OBL-1's reported changes and cancellation."""

    model = tables.Customer

    def find(self, customer_id: str):
        """One customer, or None."""
        return _tolerant_get(self, customer_id) if customer_id and len(customer_id) <= 64 else None

    def apply_reported(self, customer_id: str, changes: dict[str, str]) -> None:
        """Stage reported changes (name, legal representative, address, business scope); open edits go stale."""
        self._change(customer_id, [attr(name).set(value) for name, value in changes.items()])

    def cancel(self, customer_id: str) -> None:
        """Stage the registration's cancellation (注销)."""
        self._change(customer_id, [attr("cancelled").set(True)])

    def _change(self, customer_id: str, actions: list) -> None:
        self.update((customer_id,), [*actions, attr("version").add(1)], attr("customer_id").exists(),
                    tag="customer")


class CustomerDocuments(Repo):
    """Qualification documents, read to check the licence a change report names."""

    model = tables.Document

    def find(self, doc_id: str):
        """One document, or None."""
        return _tolerant_get(self, doc_id) if doc_id and len(doc_id) <= 64 else None


class CreditCodes(Repo):
    """Registered 统一社会信用代码, each owned by one customer (claimed at registration)."""

    model = tables.Unique

    def owner(self, credit_code: str) -> str | None:
        """The id of the customer registered with this (normalised) credit code, or None."""
        claim = self.get(f"uscc#{credit_code}") if credit_code else None
        return claim.owner_id if claim else None


class StaffDirectory(Repo):
    """Staff accounts by department, to find whom to notify."""

    model = tables.User

    def active_in(self, dept_id: str, roles: set[str]) -> list[str]:
        """E-mail addresses of the department's active staff holding one of `roles` (one Query on `by_dept`)."""
        return [u.email for u in self.all(dept_id, index="by_dept") if u.active and u.role in roles]
