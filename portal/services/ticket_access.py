"""Who sees and who writes a ticket (SEC-1, CMP-1, RGT-1 b), and the timeline steps they add."""

from __future__ import annotations

from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.tickets import COMPANY, Tickets
from portal.domain.roles import Perm, may
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Forbidden, NotFound


def dept_of(scope: str) -> str | None:
    """The department a ticket scope belongs to (None for company tickets), as audit records and checks take it."""
    return None if scope == COMPANY else scope


def answer_perm(scope: str) -> Perm:
    """Who answers tickets of `scope`: MD the company's (RGT-1 b), the department's clerks, reps and leader its own."""
    return Perm.MANAGE_COMPANY_BLACKLIST if scope == COMPANY else Perm.PROPOSE_GRADES


def check_may_enter(ctx: Ctx, scope: str, customer_id: str | None = None) -> None:
    """CMP-1: a ticket received offline is entered by those who answer it."""
    authorize(ctx, answer_perm(scope), dept_of(scope), target=customer_id)


def offline_scope(ctx: Ctx) -> str:
    """Where the acting staff member's offline tickets go: MD's to the company, others' to their department."""
    return COMPANY if may(ctx.actor, Perm.MANAGE_COMPANY_BLACKLIST) else ctx.actor.dept_id


def new_event(ctx: Ctx, ticket_id: str, kind: str, status: str | None, text: str | None):
    """A step of the ticket's timeline by the acting user, stamped now."""
    return records.TicketEvent(ticket_id=ticket_id, event_id=str(ULID.from_datetime(ctx.now)), kind=kind,
                               status=status, text=text, by=ctx.actor.email, by_staff=bool(ctx.actor.is_staff),
                               at=ctx.now)


def get(ctx: Ctx, ticket_id: str, uow=None):
    """SEC-1: a ticket for its customer's users (404 for others), the department's staff and MD (403 for others)."""
    ticket = (uow or ctx.uow()).repo(Tickets).find(ticket_id)
    if ticket is None:
        raise NotFound()
    actor = ctx.actor
    if actor.is_customer:
        if actor.customer_id != ticket.customer_id:
            refuse(ctx, "ticket", ticket_id)
            raise NotFound()
        return ticket
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_of(ticket.dept_id), target=ticket_id)
    if ticket.dept_id == COMPANY and not actor.company_wide:
        raise refuse(ctx, "ticket", ticket_id)
    return ticket


def check_may_write(ctx: Ctx, ticket) -> None:
    """The ticket's customer writes on it; of the staff, the department's own (MD for company tickets)."""
    if not ctx.actor.is_customer:
        check_staff_answers(ctx, ticket)


def check_customer_step(ctx: Ctx, ticket) -> None:
    """Closing and reopening are the customer's (CMP-3); staff are refused."""
    if not ctx.actor.is_customer:
        raise refuse(ctx, "ticket.customer_step", ticket.ticket_id)


def staff_may_answer(ctx: Ctx, ticket) -> bool:
    """Whether the acting staff member answers this ticket (for showing the forms; actions check with
    `check_staff_answers`, which audits a refusal)."""
    return may(ctx.actor, answer_perm(ticket.dept_id), dept_of(ticket.dept_id))


def check_staff_answers(ctx: Ctx, ticket) -> None:
    """Only staff who answer the ticket's scope take staff steps (403 otherwise, audited)."""
    if ctx.actor.is_customer:
        raise Forbidden()
    authorize(ctx, answer_perm(ticket.dept_id), dept_of(ticket.dept_id), target=ticket.ticket_id)
