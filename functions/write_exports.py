"""Every minute: write the CSV exports users asked for (issue 12 item 4) to the document bucket, a page of
standings at a time, and remove exports kept longer than a week with their files."""

from __future__ import annotations

from functions.runtime import cli, now_from, scheduled
from portal.services import export_jobs
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Write every pending export (up to a run's share) and remove the expired ones; returns what it did."""
    result = export_jobs.run_exports(system_ctx(now_from(event)))
    return {"job": "write_exports", "ready": result.ready, "broken": result.broken, "failed": result.failed,
            "removed": result.removed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
