"""Daily: warn 60, 30 and 7 days before a required licence expires (once each); flag expired ones (ADM-2 a/e)."""

from __future__ import annotations

from functions.runtime import cli, now_from, scheduled
from portal.services import documents
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Warn about expiring licences and flag expired ones; returns what was sent and flagged."""
    result = documents.watch_expiry(system_ctx(now_from(event)))
    return {"job": "licence_expiry", "warned": result.warned, "flagged": result.flagged,
            "failed": result.failed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
