"""Visits planned and made (RGT-2, REL-1, REL-2).

Key formats live here: the sparse `planned` index's key "<planned day>#<visit>" in the department's partition,
the sparse `made` index's partition "<dept>#<customer>" and key "<planned day>#<visit>".
"""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr

MAX_ID = 64  # ids arrive in URLs and forms: longer ones are nobody's


def _made_of(visit) -> str:
    return f"{visit.dept_id}#{visit.customer_id}"


def _made_key(visit) -> str:
    return f"{visit.planned_on}#{visit.visit_id}"


class Visits(Repo):
    """A department's visits to its customers; planned ones sit in the sparse `planned` index."""

    model = tables.Visit

    def of_customer(self, customer_id: str, *, newest_first: bool = False) -> list:
        """The customer's visits, oldest first (its archive), or newest first."""
        return self.all(customer_id, index="by_customer", forward=not newest_first)

    def latest_of(self, customer_id: str, *, dept_id: str | None = None, after: str | None = None,
                  limit: int = 20) -> tuple[list, str | None]:
        """A page of the customer's visits (optionally one department's), newest planned first, and the id the
        next page continues after: one Query reading at most `limit` visits."""
        return self.page(customer_id, index="by_customer", after=after, limit=limit,
                         filter=attr("dept_id").eq(dept_id) if dept_id else None)

    def last_made(self, customer_id: str, dept_id: str) -> str | None:
        """The day of the department's last visit made to the customer, or None (one item of the sparse `made`
        index)."""
        made, _last = self.query(f"{dept_id}#{customer_id}", index="made", forward=False, limit=1)
        return made[0].planned_on if made else None

    def find(self, visit_id: str | None):
        """One visit, or None."""
        return self.get(visit_id) if visit_id and len(visit_id) <= MAX_ID else None

    def planned_in(self, dept_id: str) -> list:
        """The department's visits still to make, by day (one Query on the sparse `planned` index)."""
        return self.all(dept_id, index="planned")

    def plan(self, visit) -> None:
        """Stage a new planned visit (its id is a fresh ULID); it waits in `planned` until made or cancelled."""
        visit.status, visit.version = "planned", 1
        visit.planned_dept, visit.planned_key = visit.dept_id, f"{visit.planned_on}#{visit.visit_id}"
        self.add(visit, tag="exists")

    def backfill_made(self, visit) -> bool:
        """Stage the `made` marker on a visit made before the index (issue 12 item 4); False when it has it or was
        not made."""
        if visit.status != "done" or visit.made_of:
            return False
        self.update((visit.visit_id,), [attr("made_of").set(_made_of(visit)), attr("made_key").set(_made_key(visit))],
                    attr("status").eq("done"))
        return True

    def finish(self, visit, status: str, notes: str, by: str, when) -> None:
        """Stage a visit's outcome ("done" or "cancelled"), only if nobody changed it since it was read; a visit
        made enters the sparse `made` index."""
        made = (_made_of(visit), _made_key(visit)) if status == "done" else (None, None)
        self.update((visit.visit_id,), [attr("status").set(status), attr("notes").set(notes),
                                        attr("finished_by").set(by), attr("finished_at").set(when),
                                        attr("planned_dept").remove(), attr("planned_key").remove(),
                                        *([attr("made_of").set(made[0]), attr("made_key").set(made[1])]
                                          if made[0] else []),
                                        attr("version").add(1)],
                    attr("version").eq(visit.version), tag="visit")
        visit.version += 1
        visit.status, visit.notes, visit.finished_by, visit.finished_at = status, notes, by, when
        visit.planned_dept = visit.planned_key = None
        visit.made_of, visit.made_key = made
