"""CMP-3: warn the queue's staff of a first response or resolution due soon (issue 16), escalate tickets whose
first response or resolution is overdue (once per breach), and close resolved tickets the customer left
unanswered for the configured days."""

from __future__ import annotations

from functions.runtime import cli, now_from, scheduled
from portal.services import tickets
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Escalate SLA breaches and auto-close; returns what changed."""
    result = tickets.escalate_and_autoclose(system_ctx(now_from(event)))
    return {"job": "ticket_sla", "warned": result.warned, "escalated": result.escalated,
            "auto_closed": result.auto_closed, "failed": result.failed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
