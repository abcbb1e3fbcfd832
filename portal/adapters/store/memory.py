"""An in-memory store with DynamoDB's meaning: conditions, update actions, sparse indexes, transactions that
write all or nothing. Fast service tests run on it; tests/contract holds it to the DynamoDB store."""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from typing import Any

from portal.adapters.store.expr import Action, Check, Cond, ConditionFailed, Delete, Op, Put, QueryResult, Update
from portal.adapters.store.schema import schema_of

MAX_TRANSACTION_ITEMS = 100


def _comparable(a: Any, b: Any) -> bool:
    number = (int, float)
    return (isinstance(a, number) and isinstance(b, number) and not isinstance(a, bool)) or type(a) is type(b)


def matches(item: dict | None, cond: Cond | None) -> bool:
    """Does `item` (None: no item) satisfy `cond`? Comparisons with a missing attribute or another type fail."""
    if cond is None:
        return True
    item = item or {}
    if cond.op == "and":
        return all(matches(item, c) for c in cond.parts)
    if cond.op == "or":
        return any(matches(item, c) for c in cond.parts)
    if cond.op == "not":
        return not matches(item, cond.parts[0])
    present = item.get(cond.name) is not None
    if cond.op == "exists":
        return present
    if cond.op == "not_exists":
        return not present
    if not present:
        return False
    value = item[cond.name]
    if cond.op == "contains":
        return cond.value in value if isinstance(value, set | str) else False
    if cond.op == "begins_with":
        return isinstance(value, str) and value.startswith(cond.value)
    if cond.op == "between":
        low, high = cond.value
        return _comparable(value, low) and _comparable(value, high) and low <= value <= high
    if not _comparable(value, cond.value):
        return False
    return {"eq": value == cond.value, "lt": value < cond.value, "le": value <= cond.value,
            "gt": value > cond.value, "ge": value >= cond.value}[cond.op]


def _apply(item: dict, action: Action) -> None:
    if action.op == "set":
        item[action.name] = copy.deepcopy(action.value)
    elif action.op == "remove":
        item.pop(action.name, None)
    elif action.op == "add":
        current = item.get(action.name)
        if isinstance(action.value, set):
            item[action.name] = set(current or set()) | action.value
        else:
            item[action.name] = (current or 0) + action.value
    elif action.op == "delete":
        remaining = set(item.get(action.name) or set()) - action.value
        if remaining:
            item[action.name] = remaining
        else:
            item.pop(action.name, None)
    else:  # pragma: no cover - the expression builder makes no other kind
        raise ValueError(action.op)


def _clean(item: dict) -> dict:
    """Drop None and empty sets, as DynamoDB stores neither."""
    return {k: copy.deepcopy(v) for k, v in item.items() if v is not None and v != set()}


class MemoryStore:
    """Tables as dicts keyed by primary key, guarded by one lock (each call is atomic, as in DynamoDB)."""

    def __init__(self) -> None:
        self._tables: dict[type, dict[tuple, dict]] = defaultdict(dict)
        self._lock = threading.RLock()
        self.calls: list[str] = []  # every call by name, for tests that count them

    # --- reads ----------------------------------------------------------------------------------

    def get(self, table: type, key: dict) -> dict | None:
        """The item with `key`, or None."""
        with self._lock:
            self.calls.append("GetItem")
            found = self._tables[table].get(schema_of(table).key_of(key))
            return copy.deepcopy(found)

    def batch_get(self, table: type, keys: list[dict]) -> list[dict]:
        """The items that exist among `keys` (in no particular order)."""
        with self._lock:
            self.calls.append("BatchGetItem")
            schema = schema_of(table)
            found = (self._tables[table].get(schema.key_of(k)) for k in keys)
            return [copy.deepcopy(item) for item in found if item is not None]

    def batch_get_tables(self, requests: dict[type, list[dict]]) -> dict[type, list[dict]]:
        """The items that exist among the keys of several tables (one call); every table asked for is answered."""
        with self._lock:
            self.calls.append("BatchGetItem")
            found = {}
            for table, keys in requests.items():
                schema = schema_of(table)
                items = (self._tables[table].get(schema.key_of(k)) for k in keys)
                found[table] = [copy.deepcopy(item) for item in items if item is not None]
            return found

    def query(self, table: type, hash_value: Any, *, index: str | None = None, sort: Cond | None = None,
              forward: bool = True, limit: int | None = None, filter: Cond | None = None) -> QueryResult:
        """Items whose (index) hash key is `hash_value`, by sort key; `limit` counts items read before `filter`."""
        with self._lock:
            self.calls.append("Query")
            schema = schema_of(table)
            keys = schema.index(index)
            candidates = [i for i in self._tables[table].values() if i.get(keys.hash) == hash_value
                          and (keys.range is None or keys.range in i) and matches(i, sort)]
            primary = schema.key
            candidates.sort(key=lambda i: (i.get(keys.range) if keys.range else "", i[primary.hash],
                                           i.get(primary.range) or ""), reverse=not forward)
            read = candidates if limit is None else candidates[:limit]
            more = limit is not None and len(candidates) > limit
            last = None
            if more and read:
                names = {primary.hash, primary.range, keys.hash, keys.range} - {None}
                last = {n: read[-1][n] for n in names}
            return QueryResult([copy.deepcopy(i) for i in read if matches(i, filter)], last)

    def count(self, table: type, hash_value: Any, *, index: str | None = None, sort: Cond | None = None,
              filter: Cond | None = None) -> int:
        """How many items `query` would return without a limit."""
        with self._lock:
            result = self.query(table, hash_value, index=index, sort=sort, filter=filter)
            self.calls[-1] = "Query(count)"
            return len(result.items)

    # --- writes ---------------------------------------------------------------------------------

    def write(self, ops: list[Op]) -> None:
        """Apply `ops` all together, or none of them when any condition fails (ConditionFailed names which)."""
        if not ops:
            return
        if len(ops) > MAX_TRANSACTION_ITEMS:
            raise ValueError(f"a transaction holds at most {MAX_TRANSACTION_ITEMS} operations")
        with self._lock:
            self.calls.append("TransactWriteItems" if len(ops) > 1 else type(ops[0]).__name__ + "Item")
            targets = [(op.table, schema_of(op.table).key_of(op.item if isinstance(op, Put) else op.key))
                       for op in ops]
            if len(set(targets)) != len(targets):
                raise ValueError("two operations on one item in one transaction")
            failed = [n for n, (op, (table, key)) in enumerate(zip(ops, targets, strict=True))
                      if not matches(self._tables[table].get(key), op.cond)]
            if failed:
                raise ConditionFailed(failed)
            for op, (table, key) in zip(ops, targets, strict=True):
                rows = self._tables[table]
                if isinstance(op, Put):
                    rows[key] = _clean(op.item)
                elif isinstance(op, Delete):
                    rows.pop(key, None)
                elif isinstance(op, Update):
                    item = copy.deepcopy(rows.get(key)) or dict(op.key)
                    for action in op.actions:
                        _apply(item, action)
                    rows[key] = _clean(item)
                elif not isinstance(op, Check):  # pragma: no cover
                    raise TypeError(op)

    def clear(self) -> None:
        """Empty every table."""
        with self._lock:
            self._tables.clear()
