"""Times are stored in UTC and shown in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def to_iso(moment: datetime) -> str:
    """UTC ISO-8601 text for storage."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def shanghai_day(moment: datetime) -> date:
    """The calendar day in Asia/Shanghai at `moment`."""
    return moment.astimezone(SHANGHAI).date()
