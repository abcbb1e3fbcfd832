"""BLK-5: end every blacklist entry whose expiry day has come (Asia/Shanghai); idempotent, reads only what is due."""

from __future__ import annotations

from functions.runtime import cli, now_from, scheduled
from portal.services import blacklist
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Expire due blacklist entries; returns the day and the entries ended."""
    run = blacklist.expire_due(system_ctx(now_from(event)))
    return {"job": "expire_blacklist", "day": run.day, "expired": run.expired, "already_ended": run.already_ended,
            "failed": run.failed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
