"""SLA deadlines (CMP-3): the queue's staff warned before a deadline (issue 16), breaches escalated to the leader
once each, resolved tickets closed when the customer never answers, and the overdue list. The job reads only
what is due (the sparse `due` index)."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.adapters.repos.tickets import Tickets
from portal.adapters.uow import Unavailable, WriteConflict
from portal.domain.roles import Perm
from portal.domain.tickets import OPEN, Status
from portal.services import ticket_notices
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Conflict
from portal.services.paging import Page, encode_cursor, parse_cursor
from portal.services.ticket_access import new_event
from portal.services.ticket_lifecycle import commit_step, stage_step

OPEN_STATUSES = {s.value for s in OPEN}


@dataclass(frozen=True)
class SlaRun:
    """What one run of the ticket job did."""

    escalated: list[str]
    auto_closed: list[str]
    failed: list[str] = field(default_factory=list)  # could not be done now: still due, the run is retried
    warned: list[str] = field(default_factory=list)  # deadlines near: the staff were told (issue 16)


def _step(ctx: Ctx, ticket, status: str, text: str | None, action: str, detail: dict, also=None) -> bool:
    """Commit the job's step on one ticket (with `also(uow)`, e.g. its mails); False when the ticket changed
    meanwhile (the next run sees it)."""
    with ctx.uow() as uow:
        stage_step(uow, ctx, ticket, new_event(ctx, ticket.ticket_id, "status", status, text), action, detail)
        if also:
            also(uow)
        try:
            commit_step(uow)
        except Conflict:
            return False
    return True


def _escalate(ctx: Ctx, ticket, what: str, to: list) -> bool:
    """Record the breach once (CMP-3), and the leader's mail with it; after a late first response the resolution
    is watched next."""
    ticket.breaches = (ticket.breaches or set()) | {what}
    if what == "first_response" and ticket.status in OPEN_STATUSES:
        Tickets.watch(ticket, "resolution", ticket.resolution_due)
    else:
        Tickets.unwatch(ticket)
    return _step(ctx, ticket, f"overdue:{what}", None, "ticket.escalated", {"breach": what},
                 also=lambda uow: _tell(uow, ctx, to, ticket, what))


def _due(ticket, what: str):
    return ticket.first_response_due if what == "first_response" else ticket.resolution_due


def _warn(ctx: Ctx, ticket, what: str, recipients: dict, reader) -> bool:
    """The SLA deadline `what` is near (SLA_SOON ahead): the department's queue staff (MD for the company's) hear
    of it, once, in the transaction that watches the deadline itself next; False when the ticket changed."""
    if ticket.dept_id not in recipients:  # read once per scope
        recipients[ticket.dept_id] = ticket_notices.staff_of(reader, ticket)
    due = _due(ticket, what)
    Tickets.watch(ticket, what, due, soon=False)
    with ctx.uow() as uow:
        uow.repo(Tickets).save_step(ticket)
        ticket_notices.tell_staff(uow, ctx, ticket, "ticket_sla_soon", recipients=recipients[ticket.dept_id],
                                  what=what, due=due)
        try:
            uow.commit()
        except WriteConflict:
            return False
    return True


def _tell(uow, ctx: Ctx, to: list, ticket, what: str) -> None:
    """The leaders (MD for the company's tickets) hear of the breach: a notification (issue 16), mailed."""
    due = ticket.first_response_due if what == "first_response" else ticket.resolution_due
    ticket_notices.tell_staff(uow, ctx, ticket, "ticket_overdue", recipients=to, what=what, due=due)


def escalate_and_autoclose(ctx: Ctx) -> SlaRun:
    """CMP-3: breached first responses and resolutions are escalated to the leader once each; resolved tickets
    without an answer close themselves after the configured days. Reads only what is due (sparse index)."""
    escalated, closed, failed, warned = [], [], [], []
    recipients: dict[str, list] = {}
    warned_to: dict[str, list] = {}
    uow = ctx.uow()
    for ticket in uow.repo(Tickets).due_by(ctx.now):
        what = Tickets.watched(ticket)
        try:
            if what == "autoclose":
                ticket.status, ticket.closed_at = Status.CLOSED.value, ctx.now
                Tickets.unwatch(ticket)
                if _step(ctx, ticket, Status.CLOSED.value, "auto", "ticket.auto_closed", {}):
                    closed.append(ticket.ticket_id)
                continue
            if what and what.startswith("soon:"):
                what = what.removeprefix("soon:")
                if _due(ticket, what) > ctx.now:  # near: a warning; past already: escalated at once below
                    if _warn(ctx, ticket, what, warned_to, uow):
                        warned.append(f"{ticket.ticket_id}:{what}")
                    continue
            if what in (ticket.breaches or set()):
                continue
            if ticket.dept_id not in recipients:  # the leaders (MD for the company's), read once per scope
                recipients[ticket.dept_id] = ticket_notices.staff_of(uow, ticket, {"dm"})
            to = recipients[ticket.dept_id]
            if _escalate(ctx, ticket, what, to):
                escalated.append(f"{ticket.ticket_id}:{what}")
        except Unavailable:  # not done: the ticket stays due, the run reports it (and is retried)
            failed.append(f"{ticket.ticket_id}:{what}")
    return SlaRun(escalated, closed, failed, warned)


def overdue(ctx: Ctx) -> list:
    """MD sees every department's (and the company's) open overdue tickets; a department its own."""
    return overdue_page(ctx, limit=None).items


def overdue_page(ctx: Ctx, cursor: str | None = None, limit: int | None = 50) -> Page:
    """A page of the open overdue tickets the actor sees (MD: every department's and the company's; a department
    its own), by department, then VIP first and by due time: one Query on a sparse index."""
    authorize(ctx, Perm.VIEW_CUSTOMERS)
    scope = None if ctx.actor.company_wide else ctx.actor.dept_id
    if scope is None and not ctx.actor.company_wide:
        return Page([], None)
    items, last = ctx.uow().repo(Tickets).overdue(scope, after=parse_cursor(cursor), limit=limit)
    return Page(items, encode_cursor(last) if last else None)
