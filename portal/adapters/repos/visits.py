"""Visits planned and made (RGT-2, REL-1, REL-2)."""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr


class Visits(Repo):
    """A department's visits to its customers; planned ones sit in the sparse `planned` index."""

    model = tables.Visit

    def of_customer(self, customer_id: str) -> list:
        """The customer's visits, oldest first (its archive)."""
        return self.all(customer_id, index="by_customer")

    def last_made(self, customer_id: str, dept_id: str) -> str | None:
        """The day of the department's last visit made to the customer, or None."""
        return max((v.planned_on for v in self.of_customer(customer_id)
                    if v.dept_id == dept_id and v.status == "done"), default=None)

    def finish(self, visit, status: str, notes: str, by: str, when) -> None:
        """Stage a visit's outcome ("done" or "cancelled"), only if nobody changed it since it was read."""
        self.update((visit.visit_id,), [attr("status").set(status), attr("notes").set(notes),
                                        attr("finished_by").set(by), attr("finished_at").set(when),
                                        attr("planned_dept").remove(), attr("planned_key").remove(),
                                        attr("version").add(1)],
                    attr("version").eq(visit.version), tag="visit")
        visit.version += 1
