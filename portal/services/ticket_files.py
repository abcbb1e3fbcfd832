"""Files on tickets (CMP-1): the same presigned upload straight to S3 and the same server-side check as
qualification documents. A file is a step of the ticket's timeline; only verified files can be opened."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters import files
from portal.adapters.repos.grading import Counters
from portal.adapters.repos.tickets import TicketEvents, Tickets
from portal.adapters.uow import Unavailable, UnitOfWork, WriteConflict
from portal.domain.customers import MAX_UPLOAD_BYTES
from portal.domain.tickets import MAX_ATTACHMENTS, Status
from portal.services import audit, tickets, uploads
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound


@dataclass(frozen=True)
class Upload:
    """A recorded attachment awaiting its file, and the presigned POST that uploads it."""

    event: object
    url: str
    fields: dict


def attachments(ticket_id: str, uow=None) -> list:
    """Every file recorded on a ticket, oldest first."""
    return (uow or UnitOfWork()).repo(TicketEvents).attachments(ticket_id)


def check_may_attach(ctx: Ctx, ticket_id: str, uow=None):
    """The ticket's customer, or staff who may answer it (404/403 for others); return the ticket."""
    ticket = tickets.get(ctx, ticket_id, uow)
    tickets.check_may_write(ctx, ticket)
    return ticket


def request(ctx: Ctx, ticket_id: str, filename: str, content_type: str) -> Upload:
    """The ticket's customer, or staff who may answer it, attach a file; the app never sees its bytes."""
    with ctx.uow() as uow:
        ticket = check_may_attach(ctx, ticket_id, uow)
        if ticket.status == Status.CLOSED.value:
            raise Conflict(_l("This ticket is closed; it takes no more files."))
        problems = uploads.file_problems(filename, content_type)
        if problems:
            raise Invalid(fields=problems)
        event = tickets.new_event(ctx, ticket_id, "attachment", None, None)
        event.content_type, event.file_name = content_type, uploads.clean_name(filename)
        event.s3_key = uploads.new_key(f"tickets/{ticket_id}", event.event_id, content_type)
        # CMP-1: the cap is a conditional counter, so two attaches at once never make 11
        uow.repo(Counters).take_ticket_file_place(ticket_id, MAX_ATTACHMENTS)
        uow.repo(TicketEvents).request_file(event, ctx.now)
        audit.stage(uow, ctx, "ticket.attachment_requested", target_type="ticket", target_id=ticket_id,
                    dept_id=tickets.dept_of(ticket.dept_id), detail={"file": event.event_id, "name": event.file_name})
        try:
            uow.commit()
        except WriteConflict as exc:
            if "cap" in exc.tags:  # the new ids are random: their conditions hold
                raise Invalid(fields={"file": [_l("At most %(n)s files per ticket.", n=MAX_ATTACHMENTS)]}) from exc
            raise
    post = files.upload_form(event.s3_key, content_type, MAX_UPLOAD_BYTES)
    return Upload(event, post["url"], post["fields"])


def confirm(ctx: Ctx, ticket_id: str, file_id: str):
    """After the upload: check what S3 holds; keep it as verified, or delete it and record why it was refused."""
    with ctx.uow() as uow:
        ticket = check_may_attach(ctx, ticket_id, uow)
        event = uow.repo(TicketEvents).attachment(ticket_id, file_id)
        if event is None or event.by != ctx.actor.email:
            raise NotFound()  # only the uploader confirms its own file
        if event.file_state != "awaiting_upload":
            raise Conflict(_l("This file was checked already."))
        return check(ctx, ticket, event, uow)


def check(ctx: Ctx, ticket, event, uow=None):
    """The check itself, run by the uploader's confirmation, or by the clean-up job for a file nobody confirmed
    (`functions.finish_uploads`): a sound file is kept, anything else deleted and the reason recorded."""
    checked = uploads.check_stored(event.s3_key, event.content_type)
    state = "rejected" if checked.problem else "verified"
    with uow or ctx.uow() as work:
        work.repo(TicketEvents).file_checked(event, state, checked.size, checked.problem, checked.key)
        if state == "rejected":  # a refused file frees its place under the cap
            work.repo(Counters).free_ticket_file_place(ticket.ticket_id)
        audit.stage(work, ctx, f"ticket.attachment_{state}", target_type="ticket", target_id=ticket.ticket_id,
                    dept_id=tickets.dept_of(ticket.dept_id),
                    detail={"file": event.event_id, "reason": checked.problem, "size": checked.size})
        try:
            work.commit()
        except WriteConflict as exc:
            current = work.repo(TicketEvents).attachment(ticket.ticket_id, event.event_id)
            uploads.after_conflict(event.s3_key, current and current.s3_key,
                                   finished=current is None or current.file_state != "awaiting_upload")
            raise Conflict(_l("This file was checked already.")) from exc
    uploads.settle(event.s3_key)  # only now: the record points at the kept copy (issue 13)
    event.file_state, event.size, event.reject_reason = state, checked.size, checked.problem
    event.s3_key = checked.key or event.s3_key
    return event


def open_file(ctx: Ctx, ticket_id: str, file_id: str) -> str:
    """Whoever may see the ticket opens its verified files through a short-lived presigned GET; audited."""
    with ctx.uow() as uow:
        ticket = tickets.get(ctx, ticket_id, uow)
        event = uow.repo(TicketEvents).attachment(ticket_id, file_id)
    if event is None or event.file_state != "verified":
        raise NotFound()
    audit.record(ctx, "ticket.attachment_opened", target_type="ticket", target_id=ticket_id,
                 dept_id=tickets.dept_of(ticket.dept_id), detail={"file": file_id})
    return files.download_url(event.s3_key, event.file_name, event.content_type)


def finish_pending(ctx: Ctx, before, failed: list | None = None) -> list[str]:
    """Check every file requested before `before` (a datetime) and never confirmed, as the confirmation would;
    "<file id>:<verified|rejected>" each (for the clean-up job, `services.upload_cleanup`). A file that could not
    be finished now stays pending and is added to `failed`."""
    done = []
    failed = [] if failed is None else failed
    uow = ctx.uow()
    for event in uow.repo(TicketEvents).awaiting_check(before):
        ticket = uow.repo(Tickets).find(event.ticket_id)
        if ticket is None:
            continue
        try:
            done.append(f"{event.event_id}:{check(ctx, ticket, event).file_state}")
        except Conflict:
            continue  # confirmed meanwhile
        except Unavailable:
            failed.append(f"ticket_file:{event.event_id}")
    return done
