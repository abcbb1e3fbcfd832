"""Daily: finish the check of uploads nobody confirmed (documents and files on tickets), so nothing stays half-done."""

from __future__ import annotations

from functions.runtime import cli, now_from, scheduled
from portal.services import upload_cleanup
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Check pending uploads older than an hour; returns what was verified or rejected."""
    result = upload_cleanup.finish_pending(system_ctx(now_from(event)))
    return {"job": "finish_uploads", "documents": result.documents, "ticket_files": result.ticket_files,
            "failed": result.failed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
