"""INC-2: escalate VIP downgrades still open after their 5-day deadline to the leader and MD, once each."""

from __future__ import annotations

from functions.runtime import cli, now_from, scheduled
from portal.services import incidents
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Escalate overdue downgrades; returns the incidents escalated by this run."""
    run = incidents.escalate_overdue_downgrades(system_ctx(now_from(event)))
    return {"job": "escalate_downgrades", "escalated": run.escalated, "already_escalated": run.already,
            "failed": run.failed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
