"""Throttling policy of failed sign-ins (issue 15 item 6): fixed locks, and growing waits for a pair."""

from datetime import UTC, datetime, timedelta

from portal.domain.throttle import ThrottlePolicy, account_policy, client_policy, pair_policy

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


def test_a_pair_waits_longer_after_each_failure_past_the_limit_up_to_the_lock_period():
    policy = pair_policy()
    assert policy.locked_until(4, NOW) is None
    waits = [policy.locked_until(n, NOW) - NOW for n in range(5, 11)]
    assert [w.total_seconds() / 60 for w in waits] == [1, 2, 4, 8, 15, 15]


def test_a_client_address_has_a_high_limit_and_an_account_from_anywhere_a_second_step_for_a_day():
    assert client_policy().locked_until(49, NOW) is None
    assert client_policy().locked_until(50, NOW) == NOW + timedelta(minutes=15)
    assert account_policy().locked_until(19, NOW) is None
    assert account_policy().locked_until(20, NOW) == NOW + timedelta(hours=24)
