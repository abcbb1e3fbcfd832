"""Reports customers make: changes to their registration (OBL-1, handled in each department's open queue) and
misconduct of another customer (RGT-1 c, read by MD only).

Key formats live here: the sparse `open` indexes' marker "open" and a department's open change tasks by task id.
"""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos import todo_tallies
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr

OPEN = "open"  # the marker of the sparse "still to do" indexes


class ChangeTasks(Repo):
    """OBL-1: a reported change or cancellation, one task per department the customer deals with."""

    model = tables.ChangeTask

    def open_in(self, dept_id: str) -> list:
        """The department's tasks still to handle, oldest first (the sparse `open` index)."""
        return self.all(dept_id, index="open")

    def open_page(self, dept_id: str, *, after: str | None = None, limit: int = 50) -> tuple[list, str | None]:
        """A page of the department's open tasks, oldest first, and the task id the next page starts after."""
        records, last = self.query(dept_id, index="open", limit=limit,
                                   sort=attr("task_id").gt(after) if after else None)
        return records, (last["task_id"] if last else None)

    def find(self, dept_id: str, task_id: str):
        """One task, or None."""
        return self.get(dept_id, task_id) if dept_id and task_id and len(task_id) <= 64 else None

    def unmarked_open(self, dept_id: str) -> list:
        """Open tasks written before the sparse `open` index (backfill; reads the department's tasks)."""
        return self.all(dept_id, filter=attr("status").eq("open") & attr("open_dept").not_exists())

    def mark_open(self, task) -> None:
        """Stage an open task's place in the sparse `open` index (only while it is open)."""
        todo = todo_tallies.changed(self.uow, task, open_dept=task.dept_id)
        self.update((task.dept_id, task.task_id), [attr("open_dept").set(task.dept_id), *todo],
                    attr("status").eq("open"))

    def file(self, task) -> None:
        """Stage a new task; it waits in the sparse `open` index until handled."""
        task.open_dept = task.dept_id
        self.add(task, tag="task")

    def done(self, task, by: str, note: str) -> None:
        """Stage the task as handled, only while it is open (tag "task")."""
        todo = todo_tallies.changed(self.uow, task, status="done", open_dept=None)
        self.update((task.dept_id, task.task_id),
                    [attr("status").set("done"), attr("handled_by").set(by), attr("note").set(note),
                     attr("open_dept").remove(), *todo],
                    attr("status").eq("open"), tag="task")


class MisconductReports(Repo):
    """RGT-1 c: customers' reports of another customer's misconduct; open ones in the sparse `open` index."""

    model = tables.MisconductReport

    def still_open(self) -> list:
        """Reports MD has not handled, oldest first."""
        return self.all(OPEN, index="open")

    def find(self, report_id: str):
        """One report, or None."""
        return self.get(report_id) if report_id and len(report_id) <= 64 else None

    def file(self, report) -> None:
        """Stage a new, open report."""
        report.open_bucket = OPEN
        self.add(report, tag="report")

    def handle(self, report, by: str, outcome: str) -> None:
        """Stage the report as handled, only while it is open (tag "report")."""
        self.update((report.report_id,), [attr("open_bucket").remove(), attr("handled_by").set(by),
                                          attr("outcome").set(outcome)],
                    attr("open_bucket").eq(OPEN), tag="report")
