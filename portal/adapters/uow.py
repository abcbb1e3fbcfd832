"""The unit of work: one use case's writes, conditions included, committed together (DESIGN rule 11).

Repositories read through it and stage writes on it; `commit()` sends them as one transaction. A failed
condition becomes `WriteConflict` naming what failed (the tags the repositories gave), which the service turns
into the user's error; anything else the store could not do now is `Unavailable` (retry later).
"""

from __future__ import annotations

from typing import Any

from portal.adapters.store.expr import ConditionFailed, Op
from portal.adapters.store.expr import StoreUnavailable as Unavailable

_default: dict[str, Any] = {"store": None}


class WriteConflict(Exception):
    """The commit was refused by a condition; `tags` say which staged writes failed (e.g. "quota")."""

    def __init__(self, tags: set[str]):
        super().__init__(", ".join(sorted(tags)))
        self.tags = tags


def configure(store: Any) -> None:
    """Set the store units of work use when a context names none (the app's DynamoDB store, or a fake)."""
    _default["store"] = store


def default_store() -> Any:
    """The configured store."""
    if _default["store"] is None:
        from portal.adapters.store.dynamo import DynamoStore

        _default["store"] = DynamoStore()
    return _default["store"]


class UnitOfWork:
    """Reads through repositories; writes staged and committed once, all or nothing."""

    def __init__(self, store: Any = None):
        self.store = store if store is not None else default_store()
        self._ops: list[Op] = []
        self._tags: list[str] = []
        self._repos: dict[type, Any] = {}
        self._tallies: dict[tuple, tuple[dict, dict]] = {}  # (table, key) -> the adds and sets staged for it
        self._tally_at: dict[tuple, int] = {}  # (table, key) -> where in _ops its one update is
        self._keyed: dict[Any, int] = {}

    def repo(self, cls: type):
        """The repository `cls` bound to this unit of work (one per class)."""
        if cls not in self._repos:
            self._repos[cls] = cls(self)
        return self._repos[cls]

    def fetch(self, *wanted: tuple[type, list[tuple]]) -> list[list]:
        """Records of several repositories by key, read together (one BatchGetItem across tables while they fit):
        for each (repository class, keys) pair, the records found among its keys, in no particular order."""
        from portal.adapters.records import from_item
        from portal.adapters.store.schema import schema_of

        requests: dict[type, list[dict]] = {}
        for cls, keys in wanted:
            requests.setdefault(cls.model, []).extend(self.repo(cls)._key(*k) for k in keys)
        found = self.store.batch_get_tables({t: k for t, k in requests.items() if k}) if any(
            requests.values()) else {}
        answers = []
        for cls, keys in wanted:
            schema = schema_of(cls.model)
            asked = {schema.key_of(self.repo(cls)._key(*k)) for k in keys}
            answers.append([from_item(cls.model, i) for i in found.get(cls.model, []) if schema.key_of(i) in asked])
        return answers

    def stage(self, op: Op, tag: str = "conflict") -> None:
        """Add a write to the commit; `tag` names it if its condition fails."""
        self._ops.append(op)
        self._tags.append(tag)

    def tally(self, table: type, key: dict, deltas: dict[str, int], sets: dict | None = None) -> None:
        """Add `deltas` to counters of the item with `key` (and set the attributes `sets`), merged with any tally
        of that item already staged (a transaction may touch an item once): one unconditional update."""
        from portal.adapters.store.expr import Update, attr
        from portal.adapters.store.schema import schema_of

        where = (table, schema_of(table).key_of(key))
        adds, values = self._tallies.setdefault(where, ({}, {}))
        for name, delta in deltas.items():
            adds[name] = adds.get(name, 0) + delta
        values.update(sets or {})
        op = Update(table, key, tuple([attr(n).add(v) for n, v in adds.items()] +
                                      [attr(n).set(v) for n, v in values.items()]))
        if where in self._tally_at:
            self._ops[self._tally_at[where]] = op
        else:
            self._tally_at[where] = len(self._ops)
            self.stage(op, "tally")

    def stage_keyed(self, key: Any, make, tag: str = "conflict") -> None:
        """Stage the write `make(previous)` under `key`, replacing the one staged under it before (a transaction
        may touch an item once: e.g. an inbox counter bumped by two notifications of one use case)."""
        if key in self._keyed:
            position = self._keyed[key]
            self._ops[position] = make(self._ops[position])
            return
        self._keyed[key] = len(self._ops)
        self.stage(make(None), tag)

    @property
    def staged(self) -> int:
        """How many writes wait for the commit."""
        return len(self._ops)

    def commit(self) -> None:
        """Write everything staged in one transaction; WriteConflict or Unavailable when it could not be done."""
        ops, tags = self._ops, self._tags
        self._ops, self._tags, self._tallies, self._tally_at, self._keyed = [], [], {}, {}, {}
        try:
            self.store.write(ops)
        except ConditionFailed as exc:
            raise WriteConflict({tags[n] for n in exc.failed}) from exc

    def rollback(self) -> None:
        """Forget what is staged."""
        self._ops, self._tags, self._tallies, self._tally_at, self._keyed = [], [], {}, {}, {}

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, *exc_info) -> None:
        self.rollback()  # nothing is written unless commit() was called


__all__ = ["UnitOfWork", "Unavailable", "WriteConflict", "configure", "default_store"]
