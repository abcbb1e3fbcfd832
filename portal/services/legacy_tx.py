"""TEMPORARY (issue 12): counter updates for services still writing with PynamoDB transactions.

Removed once blacklist stages its writes on the unit of work (portal/adapters/repos).
"""

from __future__ import annotations

from portal.adapters.tables import Counter
from portal.domain.grading import Grade


def _grade_actions(old: Grade, new: Grade, leaving: bool = False) -> list:
    delta = {Grade.VIP: 0, Grade.PREFERRED: 0}
    if old in delta:
        delta[old] -= 1
    if new in delta and not leaving:
        delta[new] += 1
    actions = [Counter.vip.add(delta[Grade.VIP]), Counter.preferred.add(delta[Grade.PREFERRED])]
    if leaving:
        actions.append(Counter.total.add(-1))
    return actions


def leaving_updates(tx, standing) -> None:
    """Inside a transaction: one customer fewer in the department and its products (QTA-5: never blocked)."""
    old = Grade(standing.grade)
    for key in ["all", *[f"product#{p}" for p in sorted(standing.products)]]:
        tx.update(Counter(standing.dept_id, key), actions=_grade_actions(old, Grade.QUALIFIED, leaving=True))
