"""The one clock (DESIGN rule 3): services get `now` from here, tests travel in time."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    return datetime.now(UTC)
