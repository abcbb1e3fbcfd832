"""Throttling policy of failed sign-ins: 5 failures in 15 minutes lock for 15 minutes."""

from datetime import UTC, datetime, timedelta

from portal.domain.throttle import ThrottlePolicy

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def test_the_fifth_failure_locks_for_the_lock_period():
    policy = ThrottlePolicy()
    assert policy.locked_until(4, NOW) is None
    assert policy.locked_until(5, NOW) == NOW + timedelta(minutes=15)


def test_window_closes_after_fifteen_minutes():
    policy = ThrottlePolicy()
    assert policy.window_open(NOW - timedelta(minutes=14, seconds=59), NOW)
    assert not policy.window_open(NOW - timedelta(minutes=15), NOW)
    assert not policy.window_open(None, NOW)
