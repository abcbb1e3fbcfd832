"""Who may apply where: the blacklist check of ADM-3 / BLK-2."""

from __future__ import annotations

from portal.adapters.tables import BlacklistEntry


def blocked_scope(customer_id: str, dept_id: str) -> str | None:
    """The blacklist scope ("company" or the department) that bars this customer here, or None."""
    for entry in BlacklistEntry.by_customer.query(customer_id, filter_condition=BlacklistEntry.active == True):  # noqa: E712
        if entry.scope in ("company", dept_id):
            return entry.scope
    return None


def was_listed(customer_id: str, dept_id: str) -> bool:
    """BLK-6: has this customer ever been listed in a scope covering this department (now ended)?"""
    return any(e.scope in ("company", dept_id) for e in BlacklistEntry.by_customer.query(customer_id))
