"""Uploads nobody confirmed (the tab was closed, the network dropped): finish their check, so no record stays
`awaiting_upload` and no S3 object stays unchecked (SEC-2). Reads only what is pending (sparse indexes, no Scan)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from portal.adapters.repos.customers import Documents
from portal.adapters.uow import Unavailable
from portal.domain.timeutil import to_iso
from portal.services import documents, ticket_files
from portal.services.context import Ctx
from portal.services.errors import Conflict

# presigned POSTs live 10 minutes (files.upload_form): after an hour nothing more can arrive for a record
SETTLED_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class CleanupRun:
    """What one run finished: "<id>:<verified|rejected>" per document and per file on a ticket; and the uploads
    it could not finish now (they stay pending, so the next run, or a retry of this one, finishes them)."""

    documents: list[str]
    ticket_files: list[str]
    failed: list[str]


def finish_pending(ctx: Ctx) -> CleanupRun:
    """Check every upload requested over an hour ago and never confirmed, exactly as the confirmation would."""
    cutoff = to_iso(ctx.now - SETTLED_AFTER)
    done_docs, failed = [], []
    for document in ctx.uow().repo(Documents).pending_before(cutoff):
        try:
            done_docs.append(f"{document.doc_id}:{documents.check(ctx, document).status}")
        except Conflict:
            continue  # confirmed meanwhile
        except Unavailable:
            failed.append(f"document:{document.doc_id}")  # still pending: never counted as done (rule 7)
    done_files = ticket_files.finish_pending(ctx, ctx.now - SETTLED_AFTER, failed)
    return CleanupRun(done_docs, done_files, failed)
