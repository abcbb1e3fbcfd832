"""Staff to-do counters (issue 16 item 5), moved in the unit of work that writes what they count.

Key formats live here: in the counters table, partition "todo#<scope>" (a department, "company", or "*" for
the company-wide counts) with key "all" (applications waiting, open change reports) or "due#<day>" (tickets by
their pending SLA deadline's day, planned visits, review tasks and downgrades by the day they are due). Each
counted record keeps what it counted in `todo_counted` (JSON), so a write moves exactly the difference.
"""

from __future__ import annotations

import dataclasses

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr
from portal.domain import todo

COUNTED = {tables.Application, tables.Ticket, tables.Visit, tables.ChangeTask, tables.ReviewTask, tables.Incident}


def _key(scope: str, bucket: str) -> dict:
    return {"dept_id": f"todo#{scope}", "key": bucket}


def count(uow, record) -> None:
    """Stage the counter moves for `record` as it will be written and keep its new share on it."""
    before = todo.decode(record.todo_counted)
    after = todo.share(record.model.__name__, record)
    for (scope, bucket), deltas in todo.moves(before, after).items():
        uow.tally(tables.Counter, _key(scope, bucket), deltas)
    record.todo_counted = todo.encode(after)


def changed(uow, record, **changes) -> list:
    """For a partial update setting `changes` on `record` (as read): stage the counter moves and give the
    update's action keeping the new share (none when it counts the same)."""
    after = dataclasses.replace(record, **changes)
    count(uow, after)
    if after.todo_counted == record.todo_counted:
        return []
    record.todo_counted = after.todo_counted
    return [attr("todo_counted").set(after.todo_counted) if after.todo_counted else attr("todo_counted").remove()]


class TodoCounters(Repo):
    """A scope's to-do counts, read in one Query up to the home page's horizon."""

    model = tables.Counter

    def buckets(self, scope: str, horizon: str) -> list[tuple[str, dict[str, int]]]:
        """The scope's buckets up to `horizon` (a bucket key): [(bucket, {measure: n})]."""
        records = self.all(f"todo#{scope}", sort=attr("key").le(horizon))
        return [(r.key, {m: int(getattr(r, m) or 0) for m in todo.MEASURES}) for r in records]

    def bucket(self, scope: str, bucket: str) -> dict[str, int]:
        """One bucket of the scope's counts (zeros when none)."""
        record = self.get(f"todo#{scope}", bucket)
        return {m: int(getattr(record, m) or 0) if record else 0 for m in todo.MEASURES}
