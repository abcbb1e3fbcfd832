"""Visits planned and made (RGT-2, REL-1, REL-2).

Key formats live here: the sparse `planned` index's key "<grade rank>#<planned day>#<visit>" in the department's
partition (RGT-2: VIP first, then 优选, then 合格, each by day), moved when the customer's grade changes.
"""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr
from portal.domain.grading import Grade
from portal.domain.visits import order_key

MAX_ID = 64  # ids arrive in URLs and forms: longer ones are nobody's


def planned_key(grade: str | None, planned_on: str, visit_id: str) -> str:
    """The `planned` index's sort key: the RGT-2 order of a visit to a customer holding `grade` (None: none)."""
    rank, day, visit = order_key(Grade(grade) if grade else None, planned_on, visit_id)
    return f"{rank}#{day}#{visit}"


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
        """The department's visits still to make, VIP first, each by day (the sparse `planned` index)."""
        return self.all(dept_id, index="planned")

    def planned_page(self, dept_id: str, *, after: str | None = None, limit: int = 50) -> tuple[list, str | None]:
        """A page of the department's visits still to make, VIP first, each by day, and the key the next page
        starts after (one Query on the sparse `planned` index)."""
        records, last = self.query(dept_id, index="planned", limit=limit,
                                   sort=attr("planned_key").gt(after) if after else None)
        return records, (last["planned_key"] if last else None)

    def plan(self, visit, grade: str | None) -> None:
        """Stage a new planned visit (its id is a fresh ULID) to a customer holding `grade`; it waits in
        `planned` until made or cancelled."""
        visit.status, visit.version = "planned", 1
        visit.planned_dept, visit.planned_key = visit.dept_id, planned_key(grade, visit.planned_on, visit.visit_id)
        self.add(visit, tag="exists")

    def rekey(self, visit, grade: str | None) -> bool:
        """Stage a planned visit's key for a customer holding `grade` when it differs (backfill); True if so."""
        key = planned_key(grade, visit.planned_on, visit.visit_id)
        if visit.planned_key == key:
            return False
        self.update((visit.visit_id,), [attr("planned_key").set(key)], attr("status").eq("planned"), tag="visit")
        return True

    def regrade(self, customer_id: str, dept_id: str, grade: str) -> None:
        """Stage the move of the customer's planned visits in the department to the place of its new grade (in
        the unit of work that changes the grade); a visit recorded meanwhile fails the commit (tag "visit")."""
        for visit in self.all(customer_id, index="by_customer", filter=attr("planned_dept").eq(dept_id)):
            self.update((visit.visit_id,), [attr("planned_key").set(planned_key(grade, visit.planned_on,
                                                                                 visit.visit_id))],
                        attr("status").eq("planned"), tag="visit")

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
