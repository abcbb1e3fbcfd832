"""Blacklist entries, incidents, review cycles and tasks (BLK-*, INC-*, REV-*); change and misconduct reports live in
`repos/reports.py` (OBL-1, RGT-1 c) and are importable from here too.

Key formats live here and nowhere else: the blacklist's one-listing-per-scope lock "blk#<customer>#<scope>", the
sparse indexes' markers ("due", "open") and their sort keys ("<day>#<entry>", "<deadline>#<incident>",
"<due day>#<cycle>#<dept>#<customer>"), a review task's "<dept>#<customer>" and "<cycle>#<dept>".
"""

from __future__ import annotations

from datetime import datetime

from portal.adapters import tables
from portal.adapters.repos import todo_tallies
from portal.adapters.repos.base import Repo
from portal.adapters.repos.grading import Counters
from portal.adapters.repos.identity import Uniques
from portal.adapters.store.expr import attr
from portal.domain.timeutil import to_iso

COMPANY = "company"
ORG = "org"  # review cycles are few: one partition
OPEN = "open"  # the marker of the sparse "still to do" indexes


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

    def find(self, entry_id: str):
        """One entry, or None."""
        return self.get(entry_id) if entry_id and len(entry_id) <= 64 else None

    def of_scope(self, scope: str, *, active_only: bool = True) -> list:
        """A scope's listings (active ones only: the sparse `active` index), newest first."""
        return self.all(scope, index="active" if active_only else "by_scope", forward=False)

    def scope_page(self, scope: str, *, active_only: bool = True, before: str | None = None,
                   limit: int = 50) -> tuple[list, str | None]:
        """A page of a scope's listings, newest first (active ones: the sparse `active` index; else its whole
        history), and the entry id the next page starts before."""
        if not scope or len(scope) > 64:  # scopes arrive in URLs: longer ones are nobody's (and too long for a key)
            return [], None
        records, last = self.query(scope, index="active" if active_only else "by_scope", forward=False, limit=limit,
                                   sort=attr("entry_id").lt(before) if before else None)
        return records, (last["entry_id"] if last else None)

    def unmarked_active(self, scope: str) -> list:
        """Active listings written before the sparse `active` index (backfill; reads the scope's history)."""
        return self.all(scope, index="by_scope", filter=attr("active").eq(True) & attr("active_scope").not_exists())

    def mark_active(self, entry) -> None:
        """Stage an active listing's place in the sparse `active` index (only while it is active)."""
        self.update((entry.entry_id,), [attr("active_scope").set(entry.scope)], attr("active").eq(True), tag="ended")

    def due_by(self, day: str) -> list:
        """Active listings whose expiry day is `day` or earlier (the sparse `due` index: only what is due)."""
        return self.all("due", index="due", sort=attr("due_key").le(f"{day}#~"))

    def expiring_on(self, day: str) -> list:
        """Active listings whose expiry day is exactly `day` (one Query on the sparse `due` index)."""
        return self.all("due", index="due", sort=attr("due_key").begins_with(f"{day}#"))

    def list(self, entry) -> None:
        """Stage a new listing; one with an expiry day enters the `due` index (BLK-5)."""
        if entry.expires_on:
            entry.due_bucket, entry.due_key = "due", f"{entry.expires_on}#{entry.entry_id}"
        entry.active_scope = entry.scope if entry.active else None
        self.add(entry, tag="entry")

    def end(self, entry, how: str, reason: str | None, by: str, when: datetime) -> None:
        """Stage the end of a listing ("lifted" or "expired"), only while it is active (tag "ended": once only)."""
        self.update((entry.entry_id,), [attr("active").set(False), attr("ended_at").set(when),
                                        attr("ended_by").set(by), attr("ended_how").set(how),
                                        attr("end_reason").set(reason), attr("due_bucket").remove(),
                                        attr("due_key").remove(), attr("active_scope").remove()],
                    attr("active").eq(True), tag="ended")


class BlacklistLocks(Repo):
    """One active listing per customer and scope: a claimed unique value, taken with the listing (BLK-1)."""

    model = tables.Unique

    @staticmethod
    def _lock(customer_id: str, scope: str) -> str:
        return f"blk#{customer_id}#{scope}"

    def take(self, customer_id: str, scope: str, entry_id: str) -> None:
        """Stage the claim; fails with tag "listed" while the customer is listed in that scope."""
        self.uow.repo(Uniques).claim(self._lock(customer_id, scope), entry_id, tag="listed")

    def release(self, customer_id: str, scope: str) -> None:
        """Stage giving the claim back (the listing ended)."""
        self.uow.repo(Uniques).release(self._lock(customer_id, scope))


class Incidents(Repo):
    """Incidents against a customer in a department, with INC-2's due downgrade while it is open."""

    model = tables.Incident

    def of_customer(self, customer_id: str) -> list:
        """The customer's incidents, newest first."""
        return self.all(customer_id, forward=False)

    def latest_of(self, customer_id: str, *, dept_id: str | None = None, before: str | None = None,
                  limit: int = 50) -> tuple[list, str | None]:
        """A page of the customer's incidents (optionally one department's), newest first, before id `before`,
        and the id the next page continues before: one Query reading at most `limit`."""
        return self.page(customer_id, after=before, limit=limit,
                         filter=attr("dept_id").eq(dept_id) if dept_id else None)

    def find(self, customer_id: str, incident_id: str):
        """One incident, or None."""
        ok = customer_id and incident_id and len(customer_id) <= 64 and len(incident_id) <= 64
        return self.get(customer_id, incident_id) if ok else None

    def open_downgrades_of(self, customer_id: str, dept_id: str) -> list:
        """The customer's incidents in `dept_id` whose downgrade is still due."""
        return [i for i in self.all(customer_id, filter=attr("downgrade_open").eq(OPEN)) if i.dept_id == dept_id]

    def downgrades_due_between(self, start: datetime, end: datetime) -> list:
        """Downgrades still due whose deadline falls from `start` to `end` (the sparse `open_downgrades` index)."""
        return self.all(OPEN, index="open_downgrades", sort=attr("downgrade_key").between(to_iso(start), to_iso(end)))

    def overdue_downgrades(self, now: datetime) -> list:
        """Downgrades still due whose deadline has passed (the sparse `open_downgrades` index)."""
        return self.all(OPEN, index="open_downgrades", sort=attr("downgrade_key").lt(to_iso(now)))

    def reports_to_md(self) -> list:
        """Major-loss reports MD has not decided (the sparse `open_reports` index, INC-3)."""
        return self.all(OPEN, index="open_reports")

    def record(self, incident, *, report_to_md: bool = False) -> None:
        """Stage a new incident; with a `downgrade_due_at` it enters `open_downgrades` (INC-2), reported to MD it
        enters `open_reports` (INC-3)."""
        if incident.downgrade_due_at:
            incident.downgrade_open = OPEN
            incident.downgrade_key = f"{to_iso(incident.downgrade_due_at)}#{incident.incident_id}"
        if report_to_md:
            incident.md_report = OPEN
        self.add(incident, tag="incident")

    def downgrade_done(self, incident, when) -> None:
        """Stage: the due downgrade is done (it leaves the sparse `open_downgrades` index)."""
        todo = todo_tallies.changed(self.uow, incident, downgrade_open=None, downgrade_key=None)
        self.update((incident.customer_id, incident.incident_id),
                    [attr("downgrade_open").remove(), attr("downgrade_key").remove(), attr("downgraded_at").set(when),
                     *todo])

    def escalate(self, incident, when: datetime) -> None:
        """Stage the overdue downgrade's escalation, once (tag "escalated" when it was escalated already)."""
        self.update((incident.customer_id, incident.incident_id), [attr("escalated_at").set(when)],
                    attr("escalated_at").not_exists(), tag="escalated")

    def decide_report(self, incident, decision: str) -> None:
        """Stage MD's decision on a report, only while it is open (tag "report")."""
        self.update((incident.customer_id, incident.incident_id),
                    [attr("md_report").remove(), attr("md_decision").set(decision)],
                    attr("md_report").eq(OPEN), tag="report")


class ReviewCycles(Repo):
    """The half-yearly review cycles (REV-2)."""

    model = tables.ReviewCycle

    def every(self) -> list:
        """Every cycle opened so far, newest first (one Query)."""
        return self.all(ORG, forward=False)

    def find(self, cycle_id: str):
        """One cycle, or None."""
        return self.get(ORG, cycle_id)

    def open(self, cycle) -> None:
        """Stage the cycle's record, written once (tag "cycle" when it exists already)."""
        cycle.org = ORG
        self.put(cycle, attr("cycle_id").not_exists(), tag="cycle")


class ReviewTasks(Repo):
    """One customer's stage evaluation in a department and cycle (REV-1); open ones sit in `open_by_due`."""

    model = tables.ReviewTask

    def find(self, cycle_id: str, dept_id: str, customer_id: str):
        """One task, or None."""
        ok = all(v and len(v) <= 64 for v in (cycle_id, dept_id, customer_id))
        return self.get(cycle_id, f"{dept_id}#{customer_id}") if ok else None

    def of_department(self, cycle_id: str, dept_id: str) -> list:
        """A department's tasks in a cycle, by customer (one Query on `by_dept`)."""
        return self.all(f"{cycle_id}#{dept_id}", index="by_dept")

    def department_page(self, cycle_id: str, dept_id: str, *, after: str | None = None,
                        limit: int = 50) -> tuple[list, str | None]:
        """A page of a department's tasks in a cycle, by customer, and the customer id the next page starts after."""
        records, last = self.query(f"{cycle_id}#{dept_id}", index="by_dept", limit=limit,
                                   sort=attr("customer_id").gt(after) if after else None)
        return records, (last["customer_id"] if last else None)

    def overdue(self, today: str) -> list:
        """Undecided tasks whose due day is before `today` (the sparse `open_by_due` index)."""
        return self.all(OPEN, index="open_by_due", sort=attr("due_key").lt(today))

    def create(self, task) -> None:
        """Stage a new open task (tag "task" when it exists already, e.g. from an earlier run)."""
        task.task_key, task.cycle_dept = f"{task.dept_id}#{task.customer_id}", f"{task.cycle_id}#{task.dept_id}"
        task.open_bucket, task.status, task.version = OPEN, "open", 1
        task.due_key = f"{task.due_on}#{task.cycle_id}#{task.dept_id}#{task.customer_id}"
        self.put(task, attr("task_key").not_exists(), tag="task")
        self.uow.repo(Counters).move_review(task, None, "open")

    def submit(self, task, was: str | None = None) -> None:
        """Stage the submitted evaluation (form, score, recommendation), only if nobody changed the form since it
        was read (tag "task"); an escalation meanwhile is kept. `was`: its status as read, for the cycle's
        progress counters (None: unchanged)."""
        self.uow.repo(Counters).move_review(task, was or task.status, task.status)
        self.update((task.cycle_id, task.task_key),
                    [attr("form").set(task.form), attr("score").set(task.score),
                     attr("recommended").set(task.recommended), attr("status").set(task.status),
                     attr("submitted_by").set(task.submitted_by), attr("version").add(1)],
                    attr("version").eq(task.version), tag="task")
        task.version += 1

    def decide(self, task, grade: str, by: str, when: datetime) -> None:
        """Stage the decision: only on the submitted task as read (tag "task"); it leaves `open_by_due`."""
        todo = todo_tallies.changed(self.uow, task, status="decided", open_bucket=None, due_key=None)
        self.update((task.cycle_id, task.task_key),
                    [attr("status").set("decided"), attr("decided_grade").set(grade), attr("decided_by").set(by),
                     attr("decided_at").set(when), attr("open_bucket").remove(), attr("due_key").remove(),
                     attr("version").add(1), *todo],
                    attr("status").eq("submitted") & attr("version").eq(task.version), tag="task")
        self.uow.repo(Counters).move_review(task, "submitted", "decided")

    def escalate(self, task, when: datetime) -> None:
        """Stage an overdue task's escalation, once (tag "escalated"); the form's version is left alone."""
        self.update((task.cycle_id, task.task_key), [attr("escalated_at").set(when)],
                    attr("escalated_at").not_exists(), tag="escalated")


from portal.adapters.repos.reports import ChangeTasks, MisconductReports  # noqa: E402,F401  (their home since it grew)
