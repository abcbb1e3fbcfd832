"""REV-2: open the half-year review cycle (2027H1 on 1 January, 2027H2 on 1 July); idempotent."""

from __future__ import annotations

import os

from functions.runtime import cli, now_from, scheduled
from portal.services import reviews
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Open the current cycle if it is not open yet; returns the cycle and the tasks created."""
    days = int((event or {}).get("review_days") or os.environ.get("PORTAL_REVIEW_DAYS", "30"))
    run = reviews.open_cycle(system_ctx(now_from(event)), days)
    return {"job": "open_review_cycle", "cycle": run.cycle_id, "created": run.created,
            "already_open": run.already_open}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
