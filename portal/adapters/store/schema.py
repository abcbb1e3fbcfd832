"""Key schemas read from the table declarations (the PynamoDB models): one source for both stores."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class KeySchema:
    """The hash and (optional) range attribute of a table or an index."""

    hash: str
    range: str | None


@dataclass(frozen=True)
class TableSchema:
    """A table's key, its global secondary indexes by name, and its attribute names."""

    key: KeySchema
    indexes: dict[str, KeySchema]
    attributes: frozenset[str]

    def index(self, name: str | None) -> KeySchema:
        """The key schema of the table (None) or of one of its indexes."""
        return self.key if name is None else self.indexes[name]

    def key_of(self, item: dict) -> tuple:
        """The primary key of an item, as a tuple."""
        return (item[self.key.hash], item.get(self.key.range) if self.key.range else None)


@cache
def schema_of(model: type) -> TableSchema:
    """The key schema of a PynamoDB model's table and indexes."""
    indexes = {}
    for name, index in model._indexes.items():
        parts = {k["KeyType"]: k["AttributeName"] for k in index._get_schema()["key_schema"]}
        indexes[name] = KeySchema(parts["HASH"], parts.get("RANGE"))
    return TableSchema(KeySchema(model._hash_keyname, model._range_keyname), indexes,
                       frozenset(model.get_attributes()))
