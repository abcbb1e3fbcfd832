"""REV-2: escalate reviews still undecided after their due day to the department leader and MD, once each."""

from __future__ import annotations

from functions.runtime import cli, now_from, scheduled
from portal.services import reviews
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Escalate overdue review tasks; returns the tasks escalated by this run."""
    failed: list[str] = []
    escalated = reviews.escalate_overdue(system_ctx(now_from(event)), failed)
    return {"job": "escalate_reviews", "escalated": escalated, "failed": failed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
