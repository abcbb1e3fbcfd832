"""Tickets: filing (CMP-1, RGT-1 b), the graded queue (RGT-2) and the customer's list; the public face of the
ticket services, so views, the API and jobs import one module.

The rest lives by what changes together: who sees and writes a ticket (`ticket_access`), its lifecycle
(`ticket_lifecycle`), categories and times (`ticket_settings`, CMP-2), deadlines and escalation
(`ticket_deadlines`, CMP-3)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.customers import Applications
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.tickets import COMPANY, TicketCustomers, TicketEvents, Tickets
from portal.adapters.uow import WriteConflict
from portal.domain.grading import PRIORITY_RANK, Grade
from portal.domain.roles import Perm
from portal.domain.tickets import MAX_DESCRIPTION, Channel, Kind, Status, after_working_days
from portal.services import audit, ticket_notices, verification
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Forbidden, Invalid, NotFound
from portal.services.paging import Page, encode_cursor, parse_cursor
from portal.services.ticket_access import (
    check_customer_step,
    check_may_enter,
    check_may_write,
    dept_of,
    get,
    new_event,
    offline_scope,
    staff_may_answer,
)
from portal.services.ticket_deadlines import SlaRun, escalate_and_autoclose, overdue, overdue_page
from portal.services.ticket_lifecycle import advance, close, reopen, reply
from portal.services.ticket_settings import categories_of, check_may_set_sla, save_sla, sla_of

__all__ = ["COMPANY", "SlaRun", "advance", "categories_of", "check_customer_step", "check_may_enter",
           "check_may_set_sla", "check_may_write", "close", "dept_of", "escalate_and_autoclose", "file", "get",
           "new_event", "of_customer", "offline_scope", "overdue", "overdue_page", "queue", "reopen", "reply",
           "save_sla", "sla_of", "staff_may_answer", "timeline"]


def _grade_where_dealing(uow, customer_id: str, dept_id: str) -> Grade | None:
    """The grade the customer holds in the department (None when it has only applied there); Invalid when it
    does not deal with the department at all."""
    standing = uow.repo(Standings).get(dept_id, customer_id)
    if standing is not None:
        return Grade(standing.grade)
    if not any(a.dept_id == dept_id for a in uow.repo(Applications).of_customer(customer_id)):
        raise Invalid(fields={"dept_id": [_l("Your company does not deal with this department.")]})
    return None


def _problems(kind: str, subject: str, description: str) -> dict:
    problems = {}
    if kind not in {k.value for k in Kind}:
        problems["kind"] = [_l("Choose the kind of ticket.")]
    if not (subject or "").strip():
        problems["subject"] = [_l("Required.")]
    text = (description or "").strip()
    if not text:
        problems["description"] = [_l("Describe the matter.")]
    elif len(text) > MAX_DESCRIPTION:
        problems["description"] = [_l("At most %(n)s characters.", n=MAX_DESCRIPTION)]
    return problems


def _who_files(ctx: Ctx, dept_id: str, customer_id: str | None, channel: str) -> tuple[str | None, str]:
    """A customer files for itself through the portal; staff enter a ticket received offline (CMP-1)."""
    if ctx.actor.is_customer:
        return ctx.actor.customer_id, Channel.PORTAL.value
    check_may_enter(ctx, dept_id, customer_id)
    if not customer_id:  # filing as oneself is for customers' users: staff enter a customer's offline ticket
        raise refuse(ctx, "file_ticket_as_staff", dept_id, dept_of(dept_id))
    if channel not in {c.value for c in Channel} - {Channel.PORTAL.value}:
        raise Invalid(fields={"channel": [_l("Choose hotline, in person or e-mail.")]})
    return customer_id, channel


def file(ctx: Ctx, dept_id: str, kind: str, subject: str, description: str, *, category: str | None = None,
         customer_id: str | None = None, channel: str = Channel.PORTAL.value, files: list | tuple = ()):
    """A customer files a ticket (or staff enter one received offline, CMP-1) to a department it deals with,
    or to the company about a department's sales process (RGT-1 b); `files`: (upload id, name) of files the
    customer uploaded while writing it (issue 17, `ticket_drafts`): all sound, or no ticket."""
    from portal.services import ticket_drafts

    verification.require_verified(ctx)  # issue 15 item 2: a customer with an unverified address files nothing
    customer_id, channel = _who_files(ctx, dept_id, customer_id, channel)
    problems = _problems(kind, subject, description)
    if not customer_id:
        problems["customer_id"] = [_l("Required.")]
    if problems:
        raise Invalid(fields=problems)
    with ctx.uow() as uow:
        customer = uow.repo(TicketCustomers).find(customer_id)
        if customer is None:
            raise NotFound()
        grade = None if dept_id == COMPANY else _grade_where_dealing(uow, customer.customer_id, dept_id)
        if category and category not in categories_of(dept_id, uow):
            raise Invalid(fields={"category": [_l("Not one of this department's categories.")]})
        _setting, sla = sla_of(dept_id, uow)
        drafts = ticket_drafts.resolve(ctx, list(files))
        if drafts and (done := ticket_drafts.filed_already(uow, ctx, drafts)) is not None:
            ticket_drafts.finish(ctx, done)  # the same filing again (a retry): its ticket, its files finished
            return done
        if drafts and (problems := ticket_drafts.problems(drafts)):
            raise Invalid(fields=problems)  # a bad file: nothing written
        first_days, resolve_days = sla.for_grade(grade)
        ticket = records.Ticket(
            ticket_id=str(ULID.from_datetime(ctx.now)), customer_id=customer.customer_id,
            customer_name=customer.name, dept_id=dept_id, kind=kind, category=category or None, channel=channel,
            subject=subject.strip(), description=description.strip(), status=Status.SUBMITTED.value,
            grade=grade.value if grade else None, created_by=ctx.actor.email, created_at=ctx.now,
            first_response_due=after_working_days(ctx.now, first_days),
            resolution_due=after_working_days(ctx.now, resolve_days))
        Tickets.enqueue(ticket, PRIORITY_RANK.get(grade, 3))
        Tickets.watch(ticket, "first_response", ticket.first_response_due)
        uow.repo(Tickets).file(ticket)
        uow.repo(TicketEvents).append(new_event(ctx, ticket.ticket_id, "status", Status.SUBMITTED.value, None))
        audit.stage(uow, ctx, "ticket.filed", target_type="ticket", target_id=ticket.ticket_id,
                    dept_id=dept_of(dept_id), detail={"customer": customer.customer_id, "kind": kind,
                                                      "channel": channel, "files": len(drafts)})
        ticket_notices.tell_staff(uow, ctx, ticket, "ticket_new")
        events = ticket_drafts.stage(uow, ctx, ticket, drafts)
        try:
            uow.commit()
        except WriteConflict as exc:
            if "filed" not in exc.tags or (done := ticket_drafts.filed_already(ctx.uow(), ctx, drafts)) is None:
                raise
            ticket_drafts.finish(ctx, done)  # the same filing sent twice at once: the other one filed it
            return done
    ticket_drafts.finish(ctx, ticket, events)
    return ticket


def timeline(ctx: Ctx, ticket) -> list:
    """Every step, reply and verified file, oldest first (a file still uploading, or refused, is not shown)."""
    events = ctx.uow().repo(TicketEvents).timeline(ticket.ticket_id)
    return [e for e in events if e.kind != "attachment" or e.file_state == "verified"]


def queue(ctx: Ctx, dept_id: str) -> list:
    """RGT-2: the department's open tickets, VIP first, then 优选, then 合格, each by due time (no Scan)."""
    if dept_id == COMPANY:
        authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST, target="company tickets")  # MD handles company tickets
    else:
        authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    return ctx.uow().repo(Tickets).queue(dept_id)


def of_customer(ctx: Ctx) -> list:
    """The signed-in customer's newest tickets (the first page of `customer_page`)."""
    return customer_page(ctx).items


def customer_page(ctx: Ctx, cursor: str | None = None, limit: int = 50) -> Page:
    """A page of the signed-in customer's tickets, newest first (one Query reading at most `limit`; `cursor` from
    the previous page)."""
    if not ctx.actor.is_customer:
        raise Forbidden()
    items, last = ctx.uow().repo(Tickets).latest_of(ctx.actor.customer_id, after=parse_cursor(cursor), limit=limit)
    return Page(items, encode_cursor(last) if last else None)
