"""Sign-in throttling policy: after N failures inside a window, refuse tries for a lock period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    """Limits for one kind of key (an account or a client address)."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)

    def window_open(self, window_start: datetime | None, now: datetime) -> bool:
        """True while failures counted since `window_start` still count at `now`."""
        return window_start is not None and now - window_start < self.window

    def locked_until(self, failures: int, now: datetime) -> datetime | None:
        """After the failure that brings the count to `failures`, until when are tries refused?"""
        return now + self.lock if failures >= self.max_failures else None
