"""TEMPORARY (issue 12): counter updates for services still writing with PynamoDB transactions.

Removed once applications stage their writes on the unit of work (portal/adapters/repos).
"""

from __future__ import annotations

from portal.adapters.tables import Counter


def admission_updates(tx, dept_id: str, products: set[str]) -> None:
    """Inside an admission's transaction: one more customer in the department and in each of its products."""
    for key in ["all", *[f"product#{p}" for p in sorted(products)]]:
        tx.update(Counter(dept_id, key), actions=[Counter.total.add(1), Counter.vip.add(0), Counter.preferred.add(0)])
