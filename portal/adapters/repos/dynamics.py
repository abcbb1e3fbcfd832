"""Blacklist entries, incidents, review cycles and tasks, change reports (BLK-*, INC-*, REV-*, OBL-1)."""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr

COMPANY = "company"


class BlacklistEntries(Repo):
    """Listings on the company's and the departments' blacklists (BLK-1)."""

    model = tables.BlacklistEntry

    def of_customer(self, customer_id: str, *, active_only: bool = False) -> list:
        """The customer's listings, oldest first (one Query on `by_customer`)."""
        return self.all(customer_id, index="by_customer", filter=attr("active").eq(True) if active_only else None)

    def blocking_scope(self, customer_id: str, dept_id: str | None) -> str | None:
        """The active listing's scope ("company" or `dept_id`) that bars the customer there, or None (BLK-2)."""
        for entry in self.of_customer(customer_id, active_only=True):
            if entry.scope == COMPANY or entry.scope == dept_id:
                return entry.scope
        return None


class Incidents(Repo):
    """Incidents against a customer in a department, with INC-2's due downgrade while it is open."""

    model = tables.Incident

    def open_downgrades_of(self, customer_id: str, dept_id: str) -> list:
        """The customer's incidents in `dept_id` whose downgrade is still due."""
        return [i for i in self.all(customer_id, filter=attr("downgrade_open").eq("open")) if i.dept_id == dept_id]

    def downgrade_done(self, incident, when) -> None:
        """Stage: the due downgrade is done (it leaves the sparse `open_downgrades` index)."""
        self.update((incident.customer_id, incident.incident_id),
                    [attr("downgrade_open").remove(), attr("downgrade_key").remove(), attr("downgraded_at").set(when)])
