"""DESIGN rule 3 for jobs: the event's `now` is the clock."""

from datetime import UTC, datetime, timedelta

from functions.runtime import cli, now_from


def test_now_from_event_accepts_iso_8601_with_or_without_zone():
    assert now_from({"now": "2027-07-01T00:00:00+08:00"}) == datetime(2027, 6, 30, 16, tzinfo=UTC)
    assert now_from({"now": "2027-07-01T00:00:00Z"}) == datetime(2027, 7, 1, tzinfo=UTC)
    assert now_from({"now": "2027-07-01T00:00:00"}) == datetime(2027, 7, 1, tzinfo=UTC)
    assert now_from({"now": "2027-07-01T00:00:00+08:00"}).tzinfo == UTC


def test_without_now_the_real_clock_is_used():
    assert abs(now_from({}) - datetime.now(UTC)) < timedelta(seconds=5)
    assert abs(now_from(None) - datetime.now(UTC)) < timedelta(seconds=5)


def test_cli_passes_now_to_the_handler(capsys):
    seen = {}

    def handler(event, context):
        """A job."""
        seen.update(event)
        return {"ran_at": now_from(event).isoformat()}

    assert cli(handler, ["--now", "2027-01-01T00:00:00+08:00"]) == 0
    assert seen == {"now": "2027-01-01T00:00:00+08:00"}
    assert '"ran_at": "2026-12-31T16:00:00+00:00"' in capsys.readouterr().out
