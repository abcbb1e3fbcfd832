"""Who may apply where: the blacklist check of ADM-3 / BLK-2."""

from __future__ import annotations

from portal.adapters.repos.dynamics import COMPANY, BlacklistEntries


def blocked_scope(uow, customer_id: str, dept_id: str | None) -> str | None:
    """The blacklist scope ("company" or the department) that bars this customer here, or None."""
    return uow.repo(BlacklistEntries).blocking_scope(customer_id, dept_id)


def was_listed(uow, customer_id: str, dept_id: str) -> bool:
    """BLK-6: has this customer ever been listed in a scope covering this department (now ended)?"""
    return any(e.scope in (COMPANY, dept_id) for e in uow.repo(BlacklistEntries).of_customer(customer_id))
