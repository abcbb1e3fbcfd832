"""Every day at 08:30 Asia/Shanghai: blacklist entries expiring in 7 days and visits planned for today are told
to the people concerned (issue 16), once each whatever the runs."""

from __future__ import annotations

from functions.runtime import cli, now_from, scheduled
from portal.services import reminders
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Send the day's reminders; returns what was told and what could not be committed (tried again)."""
    result = reminders.send_daily(system_ctx(now_from(event)))
    return {"job": "daily_reminders", "expiring": result.expiring, "visits": result.visits, "failed": result.failed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
