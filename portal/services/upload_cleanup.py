"""Uploads nobody confirmed (the tab was closed, the network dropped): finish their check, so no record stays
`awaiting_upload` and no S3 object stays unchecked. Reads only what is pending (sparse indexes, no Scan)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pynamodb.exceptions import DoesNotExist

from portal.adapters.tables import Document, Ticket, TicketEvent
from portal.domain.timeutil import to_iso
from portal.services import documents, ticket_files, uploads
from portal.services.context import Ctx
from portal.services.errors import Conflict

# presigned POSTs live 10 minutes (files.upload_form): after an hour nothing more can arrive for a record
SETTLED_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class CleanupRun:
    """What one run finished: "<id>:<verified|rejected>" per document and per file on a ticket."""

    documents: list[str]
    ticket_files: list[str]


def finish_pending(ctx: Ctx) -> CleanupRun:
    """Check every upload requested over an hour ago and never confirmed, exactly as the confirmation would."""
    cutoff = to_iso(ctx.now - SETTLED_AFTER)
    done_docs, done_files = [], []
    for document in Document.pending.query(uploads.PENDING, Document.pending_key < cutoff):
        try:
            done_docs.append(f"{document.doc_id}:{documents.check(ctx, document).status}")
        except Conflict:
            continue  # confirmed meanwhile
    for event in TicketEvent.pending.query(uploads.PENDING, TicketEvent.pending_key < cutoff):
        try:
            ticket = Ticket.get(event.ticket_id)
            done_files.append(f"{event.event_id}:{ticket_files.check(ctx, ticket, event).file_state}")
        except (Conflict, DoesNotExist):
            continue
    return CleanupRun(done_docs, done_files)
