"""Sign-in throttling policy (SEC-1 "sign-in throttling", issue 15 item 6): lockout must not become a denial of
service. After N failures inside a window a key refuses tries for a while; with `growing`, the wait starts short
and doubles with each further failure, up to the lock period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    """Limits for one kind of key (an account from one address, a client address, an account from anywhere)."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)
    first_wait: timedelta | None = None  # growing delays: this wait after the N-th failure, doubled after each next

    def window_open(self, window_start: datetime | None, now: datetime) -> bool:
        """True while failures counted since `window_start` still count at `now`."""
        return window_start is not None and now - window_start < self.window

    def locked_until(self, failures: int, now: datetime) -> datetime | None:
        """After the failure that brings the count to `failures`, until when are tries refused?"""
        if failures < self.max_failures:
            return None
        if self.first_wait is None:
            return now + self.lock
        return now + min(self.lock, self.first_wait * 2 ** min(failures - self.max_failures, 16))


def pair_policy(max_failures: int = 5) -> ThrottlePolicy:
    """One account from one client address: 5 failures in 15 minutes make that pair wait 1, 2, 4, 8, 15 minutes."""
    return ThrottlePolicy(max_failures=max_failures, first_wait=timedelta(minutes=1))


def client_policy(max_failures: int = 50) -> ThrottlePolicy:
    """One client address across accounts: a high limit, so an office behind one NAT is never stopped by typos
    while password spraying is."""
    return ThrottlePolicy(max_failures=max_failures)


def account_policy(max_failures: int = 20) -> ThrottlePolicy:
    """One account from anywhere: never locked; after this many failures in a day, signing in needs a second step
    (an e-mailed one-time link, or a TOTP code) for a day."""
    return ThrottlePolicy(max_failures=max_failures, window=timedelta(hours=24), lock=timedelta(hours=24))
