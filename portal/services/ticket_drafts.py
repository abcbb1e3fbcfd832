"""Files attached while a ticket is being created (issue 17, CMP-1): the same presigned upload straight to S3 and
the same checks and cap as files on a ticket (`ticket_files`), with nothing written before the ticket.

1. `request_draft`: a presigned POST under the customer's own draft prefix (`incoming/ticket-drafts/<customer>/`);
   no record is written, and the bucket's lifecycle rule empties `incoming/` after a day.
2. The filing names the uploads (`tickets.file(…, files=[(upload id, name)])`): before anything is written each
   stored upload is checked (exists, ≤ 10 MB, first bytes of a PDF/JPEG/PNG of its type); a bad one refuses the
   whole filing, the file named, next to the `files` field.
3. One transaction writes the ticket, its files awaiting their check, their places under the cap and one claim per
   upload (so a retry never files it twice); then each file is checked as an attachment always is (copied to a
   key only the server writes, checked again, kept). A failure after the commit leaves the files pending (the
   clean-up job finishes them) and the retry of the same filing finds its ticket and finishes them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import files as storage
from portal.adapters.repos.grading import Counters
from portal.adapters.repos.identity import Uniques
from portal.adapters.repos.tickets import TicketEvents, Tickets
from portal.domain.customers import ACCEPTED_TYPES, MAX_UPLOAD_BYTES, upload_problem
from portal.domain.tickets import MAX_ATTACHMENTS, UPLOAD_ID_PATTERN
from portal.services import uploads, verification
from portal.services.access import refuse
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid
from portal.services.ticket_access import new_event

DRAFTS = "ticket-drafts"
UPLOAD_ID = re.compile(UPLOAD_ID_PATTERN)
TYPE_OF = {ext: content_type for content_type, ext in ACCEPTED_TYPES.items()}


@dataclass(frozen=True)
class DraftUpload:
    """A presigned POST for a file of a ticket not yet filed, and the id the filing names it by."""

    upload_id: str
    url: str
    fields: dict


@dataclass(frozen=True)
class Draft:
    """An upload a filing names: where the browser put it, its type and the name the customer gave it."""

    upload_id: str
    key: str
    content_type: str
    name: str


def _key(customer_id: str, upload_id: str) -> str:
    return f"{uploads.INCOMING}{DRAFTS}/{customer_id}/{upload_id}"


def _claim(customer_id: str, upload_id: str) -> str:
    return f"ticket-upload#{customer_id}#{upload_id}"


def check_may_draft(ctx: Ctx) -> None:
    """Only a customer's users file tickets with files (staff attach them once the ticket exists): 403 else."""
    if ctx.actor is None or not ctx.actor.is_customer:
        raise refuse(ctx, "ticket.draft_upload")
    verification.require_verified(ctx)


def request_draft(ctx: Ctx, filename: str, content_type: str) -> DraftUpload:
    """A customer's user uploads a file for the ticket it is writing (nothing recorded until it files it)."""
    check_may_draft(ctx)
    problems = uploads.file_problems(filename, content_type)
    if problems:
        raise Invalid(fields=problems)
    upload_id = f"{ULID.from_datetime(ctx.now)}-{secrets.token_hex(8)}{ACCEPTED_TYPES[content_type]}"
    post = storage.upload_form(_key(ctx.actor.customer_id, upload_id), content_type, MAX_UPLOAD_BYTES)
    return DraftUpload(upload_id, post["url"], post["fields"])


def resolve(ctx: Ctx, named: list[tuple[str, str]]) -> list[Draft]:
    """The uploads a filing names, as the acting customer's drafts (Invalid for staff, foreign or malformed ids,
    more than the cap, or a missing name)."""
    if not named:
        return []
    if not ctx.actor.is_customer:
        raise Invalid(fields={"files": [_l("Staff attach files once the ticket exists.")]})
    if len(named) > MAX_ATTACHMENTS:
        raise Invalid(fields={"files": [_l("At most %(n)s files per ticket.", n=MAX_ATTACHMENTS)]})
    drafts, seen = [], set()
    for upload_id, name in named:
        clean = uploads.clean_name(name)
        if not UPLOAD_ID.match(upload_id or "") or upload_id in seen or not clean:
            raise Invalid(fields={"files": [_l("Choose the files again: one of them is not an upload of yours.")]})
        seen.add(upload_id)
        content_type = TYPE_OF["." + upload_id.rsplit(".", 1)[1]]
        drafts.append(Draft(upload_id, _key(ctx.actor.customer_id, upload_id), content_type, clean))
    return drafts


def filed_already(uow, ctx: Ctx, drafts: list[Draft]):
    """The ticket these uploads were filed with already (a retry of the same filing), or None."""
    owners = {u.owner_id for u in uow.repo(Uniques).many([(_claim(ctx.actor.customer_id, d.upload_id),)
                                                          for d in drafts])}
    return uow.repo(Tickets).find(sorted(owners)[0]) if owners else None


def problems(drafts: list[Draft]) -> dict:
    """Before anything is written: each stored upload checked as it will be kept (the `files` field's errors)."""
    found = []
    for draft in drafts:
        stored = storage.inspect(draft.key)
        code = "missing" if stored is None else upload_problem(draft.content_type, stored.size, stored.first_bytes)
        if code:
            found.append(_l("“%(name)s”: %(why)s", name=draft.name, why=uploads.rejection_message(code)))
    return {"files": found} if found else {}


def stage(uow, ctx: Ctx, ticket, drafts: list[Draft]) -> list:
    """Stage the ticket's files awaiting their check, their places under the cap and one claim per upload."""
    events = []
    for draft in drafts:
        event = new_event(ctx, ticket.ticket_id, "attachment", None, None)
        event.content_type, event.file_name, event.s3_key = draft.content_type, draft.name, draft.key
        uow.repo(TicketEvents).request_file(event, ctx.now)
        uow.repo(Uniques).claim(_claim(ctx.actor.customer_id, draft.upload_id), ticket.ticket_id, tag="filed")
        events.append(event)
    if events:
        uow.repo(Counters).take_ticket_file_places(ticket.ticket_id, len(events), MAX_ATTACHMENTS)
    return events


def finish(ctx: Ctx, ticket, events: list | None = None) -> None:
    """Check the ticket's files still awaiting their check, as an attachment's confirmation does."""
    from portal.services import ticket_files

    if events is None:
        events = [e for e in ctx.uow().repo(TicketEvents).attachments(ticket.ticket_id)
                  if e.file_state == "awaiting_upload" and DRAFTS in (e.s3_key or "")]
    for event in events:
        try:
            ticket_files.check(ctx, ticket, event)
        except Conflict:
            continue  # checked meanwhile (the clean-up job)
