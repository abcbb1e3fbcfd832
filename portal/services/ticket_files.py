"""Files on tickets (CMP-1): the same presigned upload straight to S3 and the same server-side check as
qualification documents. A file is a step of the ticket's timeline; only verified files can be opened."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from portal.adapters import files
from portal.adapters.tables import Counter, TicketEvent, condition_failed, transaction
from portal.domain.customers import MAX_UPLOAD_BYTES
from portal.domain.tickets import MAX_ATTACHMENTS, Status
from portal.domain.timeutil import to_iso
from portal.services import audit, tickets, uploads
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound


@dataclass(frozen=True)
class Upload:
    """A recorded attachment awaiting its file, and the presigned POST that uploads it."""

    event: TicketEvent
    url: str
    fields: dict


def attachments(ticket_id: str) -> list[TicketEvent]:
    """Every file recorded on a ticket, oldest first."""
    return list(TicketEvent.query(ticket_id, filter_condition=TicketEvent.kind == "attachment"))


def check_may_attach(ctx: Ctx, ticket_id: str):
    """The ticket's customer, or staff who may answer it (404/403 for others); return the ticket."""
    ticket = tickets.get(ctx, ticket_id)
    tickets.check_may_write(ctx, ticket)
    return ticket


def request(ctx: Ctx, ticket_id: str, filename: str, content_type: str) -> Upload:
    """The ticket's customer, or staff who may answer it, attach a file; the app never sees its bytes."""
    ticket = check_may_attach(ctx, ticket_id)
    if ticket.status == Status.CLOSED.value:
        raise Conflict(_l("This ticket is closed; it takes no more files."))
    problems = uploads.file_problems(filename, content_type)
    if problems:
        raise Invalid(fields=problems)
    event = tickets.new_event(ctx, ticket_id, "attachment", None, None)
    event.file_state, event.content_type = "awaiting_upload", content_type
    event.file_name = uploads.clean_name(filename)
    event.s3_key = uploads.new_key(f"tickets/{ticket_id}", event.event_id, content_type)
    event.pending_bucket, event.pending_key = uploads.PENDING, f"{to_iso(ctx.now)}#{ticket_id}#{event.event_id}"
    try:
        with transaction() as tx:  # the cap is a conditional counter: two attaches at once never make 11
            tx.update(_file_count(ticket_id), actions=[Counter.total.add(1)],
                      condition=Counter.total.does_not_exist() | (Counter.total < MAX_ATTACHMENTS))
            tx.save(event, condition=TicketEvent.event_id.does_not_exist())
            tx.save(audit.event(ctx, "ticket.attachment_requested", target_type="ticket", target_id=ticket_id,
                                dept_id=tickets.dept_of(ticket.dept_id),
                                detail={"file": event.event_id, "name": event.file_name}))
    except TransactWriteError as exc:
        if condition_failed(exc):  # the cap (the new ids are random: their conditions hold)
            raise Invalid(fields={"file": [_l("At most %(n)s files per ticket.", n=MAX_ATTACHMENTS)]}) from exc
        raise
    post = files.upload_form(event.s3_key, content_type, MAX_UPLOAD_BYTES)
    return Upload(event, post["url"], post["fields"])


def _file_count(ticket_id: str) -> Counter:
    """The files a ticket keeps (refused ones leave the count when they are refused)."""
    return Counter(f"ticket#{ticket_id}", "files")


def _attachment(ticket_id: str, file_id: str) -> TicketEvent:
    try:
        event = TicketEvent.get(ticket_id, file_id)
    except DoesNotExist as exc:
        raise NotFound() from exc
    if event.kind != "attachment":
        raise NotFound()
    return event


def confirm(ctx: Ctx, ticket_id: str, file_id: str) -> TicketEvent:
    """After the upload: check what S3 holds; keep it as verified, or delete it and record why it was refused."""
    ticket = check_may_attach(ctx, ticket_id)
    event = _attachment(ticket_id, file_id)
    if event.by != ctx.actor.email:
        raise NotFound()  # only the uploader confirms its own file
    if event.file_state != "awaiting_upload":
        raise Conflict(_l("This file was checked already."))
    return check(ctx, ticket, event)


def check(ctx: Ctx, ticket, event: TicketEvent) -> TicketEvent:
    """The check itself, run by the uploader's confirmation, or by the clean-up job for a file nobody confirmed
    (`functions.finish_uploads`): a sound file is kept, anything else deleted and the reason recorded."""
    checked = uploads.check_stored(event.s3_key, event.content_type)
    state = "rejected" if checked.problem else "verified"
    try:
        with transaction() as tx:
            actions = [TicketEvent.file_state.set(state), TicketEvent.size.set(checked.size),
                       TicketEvent.reject_reason.set(checked.problem), TicketEvent.pending_bucket.remove(),
                       TicketEvent.pending_key.remove()]
            if checked.key:
                actions.append(TicketEvent.s3_key.set(checked.key))
            tx.update(event, actions=actions, condition=TicketEvent.file_state == "awaiting_upload")
            if state == "rejected":  # a refused file frees its place under the cap
                tx.update(_file_count(ticket.ticket_id), actions=[Counter.total.add(-1)])
            tx.save(audit.event(ctx, f"ticket.attachment_{state}", target_type="ticket", target_id=ticket.ticket_id,
                                dept_id=tickets.dept_of(ticket.dept_id),
                                detail={"file": event.event_id, "reason": checked.problem, "size": checked.size}))
    except TransactWriteError as exc:
        raise Conflict(_l("This file was checked already.")) from exc
    event.file_state, event.size, event.reject_reason = state, checked.size, checked.problem
    event.s3_key = checked.key or event.s3_key
    return event


def open_file(ctx: Ctx, ticket_id: str, file_id: str) -> str:
    """Whoever may see the ticket opens its verified files through a short-lived presigned GET; audited."""
    ticket = tickets.get(ctx, ticket_id)
    event = _attachment(ticket_id, file_id)
    if event.file_state != "verified":
        raise NotFound()
    audit.record(ctx, "ticket.attachment_opened", target_type="ticket", target_id=ticket_id,
                 dept_id=tickets.dept_of(ticket.dept_id), detail={"file": file_id})
    return files.download_url(event.s3_key, event.file_name, event.content_type)


def finish_pending(ctx: Ctx, cutoff: str) -> list[str]:
    """Check every file requested before `cutoff` (ISO time) and never confirmed, as the confirmation would;
    "<file id>:<verified|rejected>" each (for the clean-up job, `services.upload_cleanup`)."""
    from portal.adapters.tables import Ticket

    done = []
    for event in TicketEvent.pending.query(uploads.PENDING, TicketEvent.pending_key < cutoff):
        try:
            ticket = Ticket.get(event.ticket_id)
            done.append(f"{event.event_id}:{check(ctx, ticket, event).file_state}")
        except (Conflict, DoesNotExist):
            continue
    return done
