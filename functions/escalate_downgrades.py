"""INC-2: escalate VIP downgrades still open after their 5-day deadline to the leader and MD, once each."""

from __future__ import annotations

from functions.runtime import cli, configure, now_from
from portal.services import incidents
from portal.services.context import system_ctx


def handler(event, context):
    """Escalate overdue downgrades; returns the incidents escalated by this run."""
    configure()
    run = incidents.escalate_overdue_downgrades(system_ctx(now_from(event)))
    return {"job": "escalate_downgrades", "escalated": run.escalated, "already_escalated": run.already}


if __name__ == "__main__":
    raise SystemExit(cli(handler))
