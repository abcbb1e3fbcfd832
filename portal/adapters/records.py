"""Plain records for every table, made from its one declaration (the PynamoDB model in `tables`).

A record is a mutable dataclass with one field per attribute (None when absent, the model's default when it
has one). Repositories return records and write them back; no PynamoDB object leaves the adapters.
"""

from __future__ import annotations

import copy
from dataclasses import field, fields, make_dataclass
from typing import Any

from portal.adapters import tables


def _default(attribute) -> Any:
    default = attribute.default
    return default() if callable(default) else copy.deepcopy(default)


def _record_type(model: type) -> type:
    attributes = model.get_attributes()
    spec = [(name, Any, field(default=None)) for name in sorted(attributes)]
    cls = make_dataclass(model.__name__, spec, namespace={
        "__doc__": f"A {model.__name__} record ({model.__doc__.strip().splitlines()[0] if model.__doc__ else ''})",
        "__post_init__": lambda self: _fill_defaults(self, attributes),
    })
    cls.__module__ = __name__
    cls.model = model
    return cls


def _fill_defaults(record, attributes) -> None:
    for name, attribute in attributes.items():
        if getattr(record, name) is None and attribute.default is not None:
            setattr(record, name, _default(attribute))


RECORDS: dict[type, type] = {model: _record_type(model) for model in tables.MODELS}


def record_type(model: type) -> type:
    """The record class of a table's model."""
    return RECORDS[model]


def from_item(model: type, item: dict | None):
    """A stored item as its record (None stays None); attributes the table does not declare are dropped."""
    if item is None:
        return None
    cls = RECORDS[model]
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in item.items() if k in names})


def to_item(record) -> dict:
    """A record as the item to store: absent (None) attributes and empty sets left out."""
    return {f.name: copy.deepcopy(getattr(record, f.name)) for f in fields(record)
            if getattr(record, f.name) is not None and getattr(record, f.name) != set()}


globals().update({cls.__name__: cls for cls in RECORDS.values()})
