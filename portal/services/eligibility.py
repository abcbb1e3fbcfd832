"""Who may apply where: the blacklist check of ADM-3 / BLK-2 (entries are written from issue 5 on)."""

from __future__ import annotations

from portal.adapters.tables import BlacklistEntry


def blocked_scope(customer_id: str, dept_id: str) -> str | None:
    """The blacklist scope ("company" or the department) that bars this customer here, or None."""
    for entry in BlacklistEntry.query(customer_id, filter_condition=BlacklistEntry.active == True):  # noqa: E712
        if entry.scope in ("company", dept_id):
            return entry.scope
    return None
