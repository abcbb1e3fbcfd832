"""Visits planned and made (RGT-2, REL-1, REL-2).

Key formats live here: the sparse `planned` index's key "<planned day>#<visit>" in the department's partition.
"""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr

MAX_ID = 64  # ids arrive in URLs and forms: longer ones are nobody's


class Visits(Repo):
    """A department's visits to its customers; planned ones sit in the sparse `planned` index."""

    model = tables.Visit

    def of_customer(self, customer_id: str, *, newest_first: bool = False) -> list:
        """The customer's visits, oldest first (its archive), or newest first."""
        return self.all(customer_id, index="by_customer", forward=not newest_first)

    def last_made(self, customer_id: str, dept_id: str) -> str | None:
        """The day of the department's last visit made to the customer, or None."""
        return max((v.planned_on for v in self.of_customer(customer_id)
                    if v.dept_id == dept_id and v.status == "done"), default=None)

    def find(self, visit_id: str | None):
        """One visit, or None."""
        return self.get(visit_id) if visit_id and len(visit_id) <= MAX_ID else None

    def planned_in(self, dept_id: str) -> list:
        """The department's visits still to make, by day (one Query on the sparse `planned` index)."""
        return self.all(dept_id, index="planned")

    def planned_on_day(self, dept_id: str, day: str) -> list:
        """The department's visits still to make on `day` (one Query on the sparse `planned` index)."""
        return self.all(dept_id, index="planned", sort=attr("planned_key").begins_with(f"{day}#"))

    def plan(self, visit) -> None:
        """Stage a new planned visit (its id is a fresh ULID); it waits in `planned` until made or cancelled."""
        visit.status, visit.version = "planned", 1
        visit.planned_dept, visit.planned_key = visit.dept_id, f"{visit.planned_on}#{visit.visit_id}"
        self.add(visit, tag="exists")

    def finish(self, visit, status: str, notes: str, by: str, when) -> None:
        """Stage a visit's outcome ("done" or "cancelled"), only if nobody changed it since it was read."""
        self.update((visit.visit_id,), [attr("status").set(status), attr("notes").set(notes),
                                        attr("finished_by").set(by), attr("finished_at").set(when),
                                        attr("planned_dept").remove(), attr("planned_key").remove(),
                                        attr("version").add(1)],
                    attr("version").eq(visit.version), tag="visit")
        visit.version += 1
        visit.status, visit.notes, visit.finished_by, visit.finished_at = status, notes, by, when
        visit.planned_dept = visit.planned_key = None
