"""INC-2 bookkeeping shared by grading and incidents: a VIP's due downgrade is done when the grade drops."""

from __future__ import annotations

from portal.adapters.tables import Incident
from portal.services.context import Ctx


def resolve_downgrades(tx, ctx: Ctx, dept_id: str, customer_id: str) -> int:
    """Inside a grade change from VIP: the open downgrades of that customer in that department are done."""
    due = [i for i in Incident.query(customer_id, filter_condition=Incident.downgrade_open == "open")
           if i.dept_id == dept_id]
    for incident in due:
        tx.update(incident, actions=[Incident.downgrade_open.remove(), Incident.downgrade_key.remove(),
                                     Incident.downgraded_at.set(ctx.now)])
    return len(due)
