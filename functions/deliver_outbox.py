"""Every minute: deliver the outbox (DESIGN rule 13) — mail staged with the commits it follows, each once,
retried with a growing pause while the mail service fails."""

from __future__ import annotations

from functions.runtime import cli, now_from, scheduled
from portal.services import outbox
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Send every due message; returns what was sent, what stays due, and what the store could not record."""
    result = outbox.deliver_due(system_ctx(now_from(event)))
    return {"job": "deliver_outbox", "sent": result.sent, "retrying": result.retrying,
            "given_up": result.given_up, "failed": result.failed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
