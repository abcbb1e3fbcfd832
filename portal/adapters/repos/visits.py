"""Visits planned and made (RGT-2, REL-1, REL-2).

Key formats live here: the sparse `planned` index's key "<planned day>#<visit>" in the department's partition (the
plan by day, earliest first; a grade change moves nothing: the page reads the grade held now for its badge); the
sparse `made` index's partition "<dept>#<customer>" and key "<planned day>#<visit>".
"""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos import todo_tallies
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr
from portal.domain.visits import order_key

MAX_ID = 64  # ids arrive in URLs and forms: longer ones are nobody's


def _made_of(visit) -> str:
    return f"{visit.dept_id}#{visit.customer_id}"


def _made_key(visit) -> str:
    return f"{visit.planned_on}#{visit.visit_id}"


def planned_key(planned_on: str, visit_id: str) -> str:
    """The `planned` index's sort key: the plan's order, by day then by when planned."""
    day, visit = order_key(planned_on, visit_id)
    return f"{day}#{visit}"


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
        """The department's visits still to make, by day, earliest first (the sparse `planned` index)."""
        return self.all(dept_id, index="planned")

    def planned_page(self, dept_id: str, *, after: str | None = None, limit: int = 50) -> tuple[list, str | None]:
        """A page of the department's visits still to make, by day, earliest first, and the key the next page
        starts after (one Query on the sparse `planned` index)."""
        records, last = self.query(dept_id, index="planned", limit=limit,
                                   sort=attr("planned_key").gt(after) if after else None)
        return records, (last["planned_key"] if last else None)

    def planned_on_day(self, dept_id: str, day: str) -> list:
        """The department's visits still to make on `day`: one Query on the sparse `planned` index (its key leads
        with the day)."""
        return self.all(dept_id, index="planned", sort=attr("planned_key").begins_with(f"{day}#"))

    def plan(self, visit) -> None:
        """Stage a new planned visit (its id is a fresh ULID); it waits in `planned` until made or cancelled."""
        visit.status, visit.version = "planned", 1
        visit.planned_dept, visit.planned_key = visit.dept_id, planned_key(visit.planned_on, visit.visit_id)
        self.add(visit, tag="exists")

    def backfill_made(self, visit) -> bool:
        """Stage the `made` marker on a visit made before the index (issue 12 item 4); False when it has it or was
        not made."""
        if visit.status != "done" or visit.made_of:
            return False
        self.update((visit.visit_id,), [attr("made_of").set(_made_of(visit)), attr("made_key").set(_made_key(visit))],
                    attr("status").eq("done"))
        return True

    def rekey(self, visit) -> bool:
        """Stage a planned visit's by-day key when it differs (backfill of keys that led with a grade rank); True
        if so."""
        key = planned_key(visit.planned_on, visit.visit_id)
        if visit.planned_key == key:
            return False
        self.update((visit.visit_id,), [attr("planned_key").set(key)], attr("status").eq("planned"), tag="visit")
        return True

    def finish(self, visit, status: str, notes: str, by: str, when) -> None:
        """Stage a visit's outcome ("done" or "cancelled"), only if nobody changed it since it was read; a visit
        made enters the sparse `made` index."""
        made = (_made_of(visit), _made_key(visit)) if status == "done" else (None, None)
        todo = todo_tallies.changed(self.uow, visit, status=status, planned_dept=None, planned_key=None)
        self.update((visit.visit_id,), [attr("status").set(status), attr("notes").set(notes), *todo,
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
