"""Every minute: import the large ERP files of orders and receivables uploaded to the bucket (issue 18 item 2):
each checked whole, then written a transaction at a time; a run stops writing when its time budget is spent and
records where it stopped, and the next run continues there."""

from __future__ import annotations

import os
import time

from functions.runtime import cli, now_from, scheduled
from portal.services import sales_import_jobs
from portal.services.context import system_ctx

BUDGET_SECONDS = 20.0  # of the 30-second Lambda limit: the chunk in flight and the record's update fit in the rest


def run(event: dict) -> dict:
    """Work on the pending imports until the time budget (the event's `budget_seconds`, else the environment's
    SALES_IMPORT_BUDGET_SECONDS, else 20 s) is spent; returns what it did."""
    budget = float(event.get("budget_seconds") or os.environ.get("SALES_IMPORT_BUDGET_SECONDS") or BUDGET_SECONDS)
    started = time.monotonic()
    result = sales_import_jobs.run_imports(system_ctx(now_from(event)),
                                           keep_going=lambda: time.monotonic() - started < budget)
    return {"job": "import_sales", "done": result.done, "refused": result.refused,
            "continuing": result.continuing, "failed": result.failed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
