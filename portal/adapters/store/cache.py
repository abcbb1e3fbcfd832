"""A store that remembers what one request read (DESIGN rule 12): the same GetItem, BatchGetItem or Query asked
twice in a request is answered once. Any write forgets everything, so a request always reads its own writes."""

from __future__ import annotations

import copy
from typing import Any

from portal.adapters.store.expr import Op
from portal.adapters.store.schema import schema_of


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    return value


class RequestCache:
    """Wraps a store for the length of one request; reads are remembered, writes pass through and forget."""

    def __init__(self, store: Any):
        self.store = store
        self._seen: dict[tuple, Any] = {}

    def _remember(self, key: tuple, read):
        if key not in self._seen:
            self._seen[key] = read()
        return copy.deepcopy(self._seen[key])

    def get(self, table: type, key: dict) -> dict | None:
        """The item with `key`, or None (read once per request, or found by a batch of this request)."""
        return self._remember(("get", table, schema_of(table).key_of(key)), lambda: self.store.get(table, key))

    def batch_get(self, table: type, keys: list[dict]) -> list[dict]:
        """The items that exist among `keys` (read once per request)."""
        return self._remember(("batch", table, _frozen(keys)), lambda: self.store.batch_get(table, keys))

    def batch_get_tables(self, requests: dict[type, list[dict]]) -> dict[type, list[dict]]:
        """The items that exist among the keys of several tables (read once per request)."""
        key = ("batch_tables", _frozen({t.__name__: k for t, k in requests.items()}))
        found = self._remember(key, lambda: self.store.batch_get_tables(requests))
        for table, keys in requests.items():  # each item asked for is known now, found or not
            schema = schema_of(table)
            items = {schema.key_of(i): i for i in found.get(table, [])}
            for k in keys:
                self._seen.setdefault(("get", table, schema.key_of(k)), items.get(schema.key_of(k)))
        return found

    def query(self, table: type, hash_value: Any, **options) -> Any:
        """One Query (read once per request)."""
        key = ("query", table, _frozen(hash_value), _frozen(options))
        return self._remember(key, lambda: self.store.query(table, hash_value, **options))

    def count(self, table: type, hash_value: Any, **options) -> int:
        """How many items a query matches (counted once per request)."""
        key = ("count", table, _frozen(hash_value), _frozen(options))
        return self._remember(key, lambda: self.store.count(table, hash_value, **options))

    def write(self, ops: list[Op]) -> None:
        """Write through, then forget every read (the next one sees the write)."""
        self._seen.clear()
        self.store.write(ops)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)
