"""What every repository does with its table: read records, stage writes on the unit of work."""

from __future__ import annotations

from typing import Any

from portal.adapters.records import from_item, to_item
from portal.adapters.store.expr import Action, Cond, Delete, Put, Update, attr
from portal.adapters.store.schema import schema_of


class Repo:
    """A table's repository; subclasses set `model` and add methods that name what they read or write."""

    model: type

    def __init__(self, uow):
        self.uow = uow
        self.store = uow.store

    # --- reads ----------------------------------------------------------------------------------

    def get(self, *key: Any):
        """The record with this key (hash, then range), or None."""
        return from_item(self.model, self.store.get(self.model, self._key(*key)))

    def many(self, keys: list[tuple]) -> list:
        """The records that exist among `keys` (one BatchGetItem per 100)."""
        if not keys:
            return []
        return [from_item(self.model, i) for i in self.store.batch_get(self.model, [self._key(*k) for k in keys])]

    def query(self, hash_value: Any, *, index: str | None = None, sort: Cond | None = None, forward: bool = True,
              limit: int | None = None, filter: Cond | None = None) -> tuple[list, dict | None]:
        """Records of one partition (of the table or an index) and where the next page starts (None: no more)."""
        result = self.store.query(self.model, hash_value, index=index, sort=sort, forward=forward, limit=limit,
                                  filter=filter)
        return [from_item(self.model, i) for i in result.items], result.last

    def all(self, hash_value: Any, **options) -> list:
        """Every record of one partition (one Query while it fits a page)."""
        records, last = self.query(hash_value, **options)
        while last is not None:
            keys = schema_of(self.model).index(options.get("index"))
            after = attr(keys.range).lt(last[keys.range]) if options.get("forward") is False else \
                attr(keys.range).gt(last[keys.range])
            more, last = self.query(hash_value, **{**options, "sort": after})
            records += more
        return records

    def page(self, hash_value: Any, *, index: str | None = None, newest_first: bool = True, after: str | None = None,
             limit: int = 50, filter: Cond | None = None) -> tuple[list, str | None]:
        """A page of one partition by its sort key (newest first: descending), continuing after sort key `after`,
        and the sort key the next page continues after (None: no more). Reads at most `limit` items; `filter`
        drops some of them after reading."""
        key = schema_of(self.model).index(index).range
        sort = None if after is None else attr(key).lt(after) if newest_first else attr(key).gt(after)
        records, last = self.query(hash_value, index=index, sort=sort, forward=not newest_first, limit=limit,
                                   filter=filter)
        return records, last[key] if last else None

    def count(self, hash_value: Any, **options) -> int:
        """How many records a query matches."""
        return self.store.count(self.model, hash_value, **options)

    # --- staged writes --------------------------------------------------------------------------

    def put(self, record, cond: Cond | None = None, tag: str = "conflict") -> None:
        """Write the whole record (replacing any with its key) when `cond` holds; a record the staff to-dos count
        moves their counters in the same unit of work."""
        from portal.adapters.repos import todo_tallies

        if self.model in todo_tallies.COUNTED:
            todo_tallies.count(self.uow, record)
        self.uow.stage(Put(self.model, to_item(record), cond), tag)

    def add(self, record, tag: str = "exists") -> None:
        """Write a new record; fails with `tag` if one with its key exists."""
        self.put(record, attr(schema_of(self.model).key.hash).not_exists(), tag)

    def save(self, record, tag: str = "stale") -> None:
        """Write a versioned record back, only if nobody changed it since it was read (optimistic lock)."""
        read = record.version
        record.version = (read or 0) + 1
        self.put(record, attr("version").eq(read) if read is not None else attr("version").not_exists(), tag)

    def update(self, key: tuple, actions: list[Action], cond: Cond | None = None, tag: str = "conflict") -> None:
        """Change some attributes of the record with `key` when `cond` holds."""
        self.uow.stage(Update(self.model, self._key(*key), tuple(actions), cond), tag)

    def delete(self, key: tuple, cond: Cond | None = None, tag: str = "conflict") -> None:
        """Delete the record with `key` when `cond` holds."""
        self.uow.stage(Delete(self.model, self._key(*key), cond), tag)

    def _key(self, *values: Any) -> dict:
        schema = schema_of(self.model).key
        key = {schema.hash: values[0]}
        if schema.range:
            key[schema.range] = values[1]
        return key
