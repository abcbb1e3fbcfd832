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
from portal.adapters.store.expr import Update, attr
from portal.adapters.store.schema import schema_of
from portal.domain import todo

COUNTED = {tables.Application, tables.Ticket, tables.Visit, tables.ChangeTask, tables.ReviewTask, tables.Incident}
OPEN = "open"
# where the records still counted are listed (the sparse "still to do" indexes): per scope, and company-wide
PER_SCOPE = ((tables.Application, "open_by_dept"), (tables.Ticket, "queue"), (tables.Visit, "planned"),
             (tables.ChangeTask, "open"))
COMPANY_WIDE = ((tables.ReviewTask, "open_by_due"), (tables.Incident, "open_downgrades"))
# what a record's share depends on: a backfill counts it only if these are still as read
GUARDS = {"Application": ("queue_dept",), "Ticket": ("queue_dept", "due_key"), "Visit": ("planned_dept", "planned_on"),
          "ChangeTask": ("open_dept",), "ReviewTask": ("open_bucket", "due_on"),
          "Incident": ("downgrade_open", "downgrade_key")}


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


class _Listed(Repo):
    """Reads one counted table's sparse "still to do" index (the backfill's lists)."""

    def __init__(self, uow, model):
        self.model = model
        super().__init__(uow)


class TodoCounters(Repo):
    """A scope's to-do counts, read in one Query up to the home page's horizon."""

    model = tables.Counter

    def buckets(self, scope: str, horizon: str) -> list[tuple[str, dict[str, int]]]:
        """The scope's buckets up to `horizon` (a bucket key): [(bucket, {measure: n})]."""
        records = self.all(f"todo#{scope}", sort=attr("key").le(horizon))
        return [(r.key, {m: int(getattr(r, m) or 0) for m in todo.MEASURES}) for r in records]

    def past_buckets(self, scope: str, before_day: str) -> list[tuple[str, dict[str, int]]]:
        """The scope's day buckets of days before `before_day` (ISO): [(bucket, {measure: n})] (one Query)."""
        records = self.all(f"todo#{scope}", sort=attr("key").between(todo.DUE, todo.DUE + before_day))
        return [(r.key, {m: int(getattr(r, m) or 0) for m in todo.MEASURES}) for r in records
                if r.key < todo.DUE + before_day]

    def prune(self, scope: str, bucket: str) -> None:
        """Stage removing a bucket that counts nothing, only if it still counts nothing when removed (tag
        "counted": a write counted something meanwhile; a later one simply makes the bucket again)."""
        empty = None
        for measure in todo.MEASURES:
            zero = attr(measure).not_exists() | attr(measure).eq(0)
            empty = zero if empty is None else empty & zero
        self.delete((f"todo#{scope}", bucket), empty, tag="counted")

    def uncounted(self, scopes: list[str]) -> list:
        """Records still to do that no counter counts yet (written before the counters): the scopes' open
        applications, tickets, planned visits and change reports, and every open review task and downgrade (one
        Query per list; a one-off backfill's read)."""
        found = [r for scope in scopes for model, index in PER_SCOPE
                 for r in _Listed(self.uow, model).all(scope, index=index)]
        found += [r for model, index in COMPANY_WIDE for r in _Listed(self.uow, model).all(OPEN, index=index)]
        return [r for r in found if not r.todo_counted and todo.share(r.model.__name__, r)]

    def backfill(self, record) -> bool:
        """Stage counting a record written before the counters (False: it counts already, or for nothing), only
        while it is still uncounted and as read (tag "counted": a live write counted or moved it meanwhile)."""
        if record.todo_counted or not todo.share(record.model.__name__, record):
            return False
        count(self.uow, record)
        cond = attr("todo_counted").not_exists()
        for name in GUARDS[record.model.__name__]:
            value = getattr(record, name)
            cond = cond & (attr(name).eq(value) if value is not None else attr(name).not_exists())
        schema = schema_of(record.model).key
        key = {schema.hash: getattr(record, schema.hash)}
        if schema.range:
            key[schema.range] = getattr(record, schema.range)
        self.uow.stage(Update(record.model, key, (attr("todo_counted").set(record.todo_counted),), cond), "counted")
        return True

    def bucket(self, scope: str, bucket: str) -> dict[str, int]:
        """One bucket of the scope's counts (zeros when none)."""
        record = self.get(f"todo#{scope}", bucket)
        return {m: int(getattr(record, m) or 0) if record else 0 for m in todo.MEASURES}
