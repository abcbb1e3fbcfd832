"""A ticket's lifecycle: staff acknowledge, work on and resolve it; the customer closes it with a rating or
reopens it; either side replies (CMP-3). Each step commits the ticket, its timeline step and the audit at once."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.tickets import TicketEvents, Tickets
from portal.adapters.uow import WriteConflict
from portal.domain.grading import PRIORITY_RANK, Grade
from portal.domain.tickets import MAX_DESCRIPTION, Status, staff_may_move
from portal.services import audit, ticket_notices
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid
from portal.services.ticket_access import (
    check_customer_step,
    check_may_write,
    check_staff_answers,
    dept_of,
    get,
    new_event,
)
from portal.services.ticket_settings import sla_of

CHANGED = _l("This ticket was changed meanwhile. Reload the page.")


def stage_step(uow, ctx: Ctx, ticket, event, action: str, detail: dict) -> None:
    """Stage a changed ticket (version condition: a stale step loses), its timeline step and the audit."""
    uow.repo(Tickets).save_step(ticket)
    uow.repo(TicketEvents).append(event)
    audit.stage(uow, ctx, action, target_type="ticket", target_id=ticket.ticket_id, dept_id=dept_of(ticket.dept_id),
                detail=detail)


def commit_step(uow) -> None:
    """Commit a step; another step first is a Conflict (409) telling the user to reload."""
    try:
        uow.commit()
    except WriteConflict as exc:
        raise Conflict(CHANGED) from exc


def _watch_resolution(ticket) -> None:
    """The resolution deadline is watched until its breach has been escalated once (CMP-3)."""
    if "resolution" not in (ticket.breaches or set()):
        Tickets.watch(ticket, "resolution", ticket.resolution_due)
    else:
        Tickets.unwatch(ticket)


def advance(ctx: Ctx, ticket_id: str, new_status: str, reply: str | None):
    """Staff acknowledge, work on, or resolve (with a reply); the first staff step is the first response."""
    with ctx.uow() as uow:
        ticket = get(ctx, ticket_id, uow)
        check_staff_answers(ctx, ticket)
        try:
            target = Status(new_status)
        except ValueError as exc:
            raise Invalid(fields={"status": [_l("Not a valid step.")]}) from exc
        if not staff_may_move(Status(ticket.status), target):
            raise Conflict(_l("This step is not possible from the ticket's current status."))
        if target == Status.RESOLVED and not (reply or "").strip():
            raise Invalid(fields={"reply": [_l("Tell the customer how it was resolved.")]})
        if ticket.first_response_at is None:
            ticket.first_response_at = ctx.now
        ticket.status, closes_at = target.value, None
        if target == Status.RESOLVED:
            setting, _sla = sla_of(ticket.dept_id, uow)
            ticket.resolved_at = ctx.now
            Tickets.dequeue(ticket)
            closes_at = ctx.now + timedelta(days=int(setting.autoclose_days or 7))
            Tickets.watch(ticket, "autoclose", closes_at)
        elif "resolution" not in (ticket.breaches or set()):
            Tickets.watch(ticket, "resolution", ticket.resolution_due)
        event = new_event(ctx, ticket_id, "status", target.value, (reply or "").strip() or None)
        stage_step(uow, ctx, ticket, event, "ticket.advanced", {"status": target.value})
        if target == Status.ACKNOWLEDGED:
            ticket_notices.tell_customer(uow, ctx, ticket, "ticket_acknowledged")
        elif target == Status.RESOLVED:  # the "please confirm" reminder: it closes by itself only days after it
            ticket_notices.tell_customer(uow, ctx, ticket, "ticket_resolved", closes_at=closes_at)
        commit_step(uow)
    return ticket


def reply(ctx: Ctx, ticket_id: str, text: str):
    """A message on the ticket from the customer or the department's staff."""
    with ctx.uow() as uow:
        ticket = get(ctx, ticket_id, uow)
        check_may_write(ctx, ticket)
        text = (text or "").strip()
        if not text or len(text) > MAX_DESCRIPTION:
            raise Invalid(fields={"text": [_l("Write 1 to %(n)s characters.", n=MAX_DESCRIPTION)]})
        event = new_event(ctx, ticket_id, "reply", None, text)
        uow.repo(TicketEvents).append(event)
        audit.stage(uow, ctx, "ticket.replied", target_type="ticket", target_id=ticket_id,
                    dept_id=dept_of(ticket.dept_id))
        if ctx.actor.is_staff:
            ticket_notices.tell_customer(uow, ctx, ticket, "ticket_replied")
        uow.commit()
    return event


def close(ctx: Ctx, ticket_id: str, rating: int, comment: str | None):
    """CMP-3: the customer confirms the resolution and rates its satisfaction (1–5)."""
    with ctx.uow() as uow:
        ticket = get(ctx, ticket_id, uow)
        check_customer_step(ctx, ticket)
        if ticket.status != Status.RESOLVED.value:
            raise Conflict(_l("Only a resolved ticket can be closed."))
        if rating is None or not 1 <= int(rating) <= 5:
            raise Invalid(fields={"rating": [_l("Rate from 1 to 5.")]})
        ticket.status, ticket.closed_at, ticket.rating = Status.CLOSED.value, ctx.now, int(rating)
        ticket.comment = (comment or "").strip()[:2000] or None
        Tickets.unwatch(ticket)
        event = new_event(ctx, ticket_id, "status", Status.CLOSED.value, ticket.comment)
        stage_step(uow, ctx, ticket, event, "ticket.closed", {"rating": ticket.rating})
        commit_step(uow)
    return ticket


def reopen(ctx: Ctx, ticket_id: str, reason: str):
    """The customer is not satisfied: the ticket goes back to the department's queue."""
    with ctx.uow() as uow:
        ticket = get(ctx, ticket_id, uow)
        check_customer_step(ctx, ticket)
        if ticket.status != Status.RESOLVED.value:
            raise Conflict(_l("Only a resolved ticket can be reopened."))
        if not (reason or "").strip():
            raise Invalid(fields={"reason": [_l("Say what is still wrong.")]})
        ticket.status = Status.IN_PROGRESS.value
        Tickets.enqueue(ticket, PRIORITY_RANK.get(Grade(ticket.grade), 3) if ticket.grade else 3)
        _watch_resolution(ticket)
        event = new_event(ctx, ticket_id, "status", "reopened", reason.strip())
        stage_step(uow, ctx, ticket, event, "ticket.reopened", {})
        ticket_notices.tell_staff(uow, ctx, ticket, "ticket_reopened")
        commit_step(uow)
    return ticket
