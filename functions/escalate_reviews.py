"""REV-2: escalate reviews still undecided after their due day to the department leader and MD, once each."""

from __future__ import annotations

from functions.runtime import cli, configure, now_from
from portal.services import reviews
from portal.services.context import system_ctx


def handler(event, context):
    """Escalate overdue review tasks; returns the tasks escalated by this run."""
    configure()
    return {"job": "escalate_reviews", "escalated": reviews.escalate_overdue(system_ctx(now_from(event)))}


if __name__ == "__main__":
    raise SystemExit(cli(handler))
