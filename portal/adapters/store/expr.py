"""Conditions, update actions and write operations over plain item dicts.

The DynamoDB store turns them into DynamoDB expressions; the in-memory store evaluates them itself, with the
same meaning (tests/contract holds both to it). Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Cond:
    """A condition on one item: a comparison on an attribute, or `and` / `or` / `not` of conditions."""

    op: str  # eq lt le gt ge between begins_with exists not_exists contains | and or not
    name: str | None = None
    value: Any = None
    parts: tuple[Cond, ...] = ()

    def __and__(self, other: Cond) -> Cond:
        return Cond("and", parts=(self, other))

    def __or__(self, other: Cond) -> Cond:
        return Cond("or", parts=(self, other))

    def __invert__(self) -> Cond:
        return Cond("not", parts=(self,))


@dataclass(frozen=True)
class Action:
    """One change to an item: set a value, remove an attribute, add to a number or set, delete from a set."""

    op: str  # set remove add delete
    name: str
    value: Any = None


class Attr:
    """An attribute by name, to build conditions and actions: `attr("grade").eq("VIP")`."""

    def __init__(self, name: str):
        self.name = name

    def eq(self, value: Any) -> Cond:
        """Equal (false when the attribute is missing)."""
        return Cond("eq", self.name, value)

    def lt(self, value: Any) -> Cond:
        """Less than."""
        return Cond("lt", self.name, value)

    def le(self, value: Any) -> Cond:
        """Less than or equal."""
        return Cond("le", self.name, value)

    def gt(self, value: Any) -> Cond:
        """Greater than."""
        return Cond("gt", self.name, value)

    def ge(self, value: Any) -> Cond:
        """Greater than or equal."""
        return Cond("ge", self.name, value)

    def between(self, low: Any, high: Any) -> Cond:
        """low <= value <= high."""
        return Cond("between", self.name, (low, high))

    def begins_with(self, prefix: str) -> Cond:
        """A string that starts with `prefix`."""
        return Cond("begins_with", self.name, prefix)

    def contains(self, value: Any) -> Cond:
        """A set holding `value`, or a string holding it as a substring."""
        return Cond("contains", self.name, value)

    def exists(self) -> Cond:
        """The attribute is present."""
        return Cond("exists", self.name)

    def not_exists(self) -> Cond:
        """The attribute is absent (on a key attribute: the item does not exist)."""
        return Cond("not_exists", self.name)

    def set(self, value: Any) -> Action:
        """Set the value (None removes the attribute)."""
        return Action("remove", self.name) if value is None else Action("set", self.name, value)

    def remove(self) -> Action:
        """Remove the attribute."""
        return Action("remove", self.name)

    def add(self, value: Any) -> Action:
        """Add to a number (missing counts as 0) or add members to a set."""
        return Action("add", self.name, value)

    def discard(self, members: set) -> Action:
        """Delete members from a set."""
        return Action("delete", self.name, set(members))


def attr(name: str) -> Attr:
    """The attribute `name` of an item."""
    return Attr(name)


# --- writes --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Put:
    """Write the whole item (replacing any other with its key)."""

    table: type
    item: dict
    cond: Cond | None = None


@dataclass(frozen=True)
class Update:
    """Change some attributes of the item with `key` (created when missing)."""

    table: type
    key: dict
    actions: tuple[Action, ...] = field(default_factory=tuple)
    cond: Cond | None = None


@dataclass(frozen=True)
class Delete:
    """Delete the item with `key` (nothing when missing)."""

    table: type
    key: dict
    cond: Cond | None = None


@dataclass(frozen=True)
class Check:
    """Only a condition on the item with `key`: the transaction fails unless it holds."""

    table: type
    key: dict
    cond: Cond


Op = Put | Update | Delete | Check


class ConditionFailed(Exception):
    """A write was refused because a condition did not hold; `failed` holds the positions of those operations."""

    def __init__(self, failed: list[int]):
        super().__init__(f"condition failed at {failed}")
        self.failed = failed


class StoreUnavailable(Exception):
    """The store could not do it now (throttled, unreachable, internal error): nothing was written; retry later."""


@dataclass(frozen=True)
class QueryResult:
    """Items of one query page and, when more may follow, the key attributes of the last item evaluated."""

    items: list[dict]
    last: dict | None
