"""Counted tries under throttle keys (failed sign-ins per account and per client address, registrations per
client address), shared by every Lambda container through the store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.adapters.repos.identity import Throttles
from portal.adapters.uow import UnitOfWork, WriteConflict
from portal.domain.throttle import ThrottlePolicy


def locked_until(keys: list[tuple[str, ThrottlePolicy]], now: datetime, store: Any = None) -> datetime | None:
    """Until when the first locked key of `keys` refuses tries, or None (one BatchGetItem)."""
    return UnitOfWork(store).repo(Throttles).locked_until([k for k, _ in keys], now)


def locks(keys: list[str], now: datetime, store: Any = None) -> dict[str, datetime]:
    """Which of `keys` refuse tries at `now`, and until when (one BatchGetItem)."""
    return UnitOfWork(store).repo(Throttles).locks(keys, now)


def count_failure(key: str, policy: ThrottlePolicy, now: datetime, store: Any = None) -> int:
    """Add one failure (or counted try) under `key` atomically; lock the key when the policy says so; return how
    many the key's window holds now.

    Tries arriving together are each counted: the one that opens a window does so only while none is open,
    the others count in the window it opened.
    """
    since, expires = now - policy.window, now + policy.window + policy.lock
    with UnitOfWork(store) as uow:
        throttles = uow.repo(Throttles)
        failures = 0
        while not failures:
            throttles.count(key, since=since, expires=expires)
            try:
                uow.commit()
                failures = throttles.failures(key)
            except WriteConflict:  # no record yet, or its window has passed: open a new window
                throttles.start_window(key, now=now, expires=expires, since=since)
                try:
                    uow.commit()
                    failures = 1
                except WriteConflict:  # another try opened it first: count in it
                    continue
        until = policy.locked_until(failures, now)
        if until:
            throttles.lock(key, until)
            uow.commit()
    return failures


def forget(key: str, store: Any = None) -> None:
    """Clear the tries counted under `key` (after a successful sign-in)."""
    with UnitOfWork(store) as uow:
        uow.repo(Throttles).clear(key)
        uow.commit()
