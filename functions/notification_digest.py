"""Every day at 08:00 Asia/Shanghai: one digest mail per user with notifications waiting for it (issue 16), staged
on the outbox together with taking those notifications out of the sparse `digest` index."""

from __future__ import annotations

from functions.runtime import cli, now_from, scheduled
from portal.services import notifications
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Stage the digests; returns whom they were staged for and whose could not be committed (tried again)."""
    result = notifications.send_digests(system_ctx(now_from(event)))
    return {"job": "notification_digest", "mailed": result.mailed, "failed": result.failed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
