"""Tickets: filing, the graded queue, the lifecycle, satisfaction, and SLA escalation (CMP-1…3, RGT-1, RGT-2)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from ulid import ULID

from portal.adapters import mail
from portal.adapters.tables import Application, Customer, SlaSetting, Standing, Ticket, TicketEvent, transaction
from portal.domain.grading import PRIORITY_RANK, Grade
from portal.domain.roles import Perm, may
from portal.domain.tickets import (
    MAX_DESCRIPTION,
    OPEN,
    Channel,
    Kind,
    Sla,
    Status,
    after_working_days,
    queue_key,
    staff_may_move,
)
from portal.domain.timeutil import to_iso
from portal.services import audit, org
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound

COMPANY = "company"


def sla_of(scope: str) -> tuple[SlaSetting, Sla]:
    """The department's SLA setting, else MD's company default, else the built-in one."""
    for key in (scope, COMPANY):
        try:
            record = SlaSetting.get(key)
        except DoesNotExist:
            continue
        return record, Sla(int(record.first_response_days), int(record.resolution_days),
                           None if record.vip_first_response_days is None else int(record.vip_first_response_days),
                           None if record.vip_resolution_days is None else int(record.vip_resolution_days))
    return SlaSetting(scope=scope), Sla()


def _deals_with(customer_id: str, dept_id: str) -> Standing | bool | None:
    try:
        return Standing.get(dept_id, customer_id)
    except DoesNotExist:
        return any(a.dept_id == dept_id for a in Application.by_customer.query(customer_id)) or None


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


def file(ctx: Ctx, dept_id: str, kind: str, subject: str, description: str, *, category: str | None = None,
         customer_id: str | None = None, channel: str = Channel.PORTAL.value) -> Ticket:
    """A customer files a ticket (or staff enter one received offline, CMP-1) to a department it deals with,
    or to the company about a department's sales process (RGT-1 b)."""
    actor = ctx.actor
    if actor.is_customer:
        customer_id, channel = actor.customer_id, Channel.PORTAL.value
    else:
        check_may_enter(ctx, dept_id, customer_id)
        if not customer_id:  # filing as oneself is for customers' users: staff enter a customer's offline ticket
            raise refuse(ctx, "file_ticket_as_staff", dept_id, dept_of(dept_id))
        if channel not in {c.value for c in Channel} - {Channel.PORTAL.value}:
            raise Invalid(fields={"channel": [_l("Choose hotline, in person or e-mail.")]})
    problems = _problems(kind, subject, description)
    if not customer_id:
        problems["customer_id"] = [_l("Required.")]
    if problems:
        raise Invalid(fields=problems)
    try:
        customer = Customer.get(customer_id)
    except DoesNotExist as exc:
        raise NotFound() from exc
    standing = None
    if dept_id != COMPANY:
        standing = _deals_with(customer.customer_id, dept_id)
        if not standing:
            raise Invalid(fields={"dept_id": [_l("Your company does not deal with this department.")]})
    if category and category not in categories_of(dept_id):
        raise Invalid(fields={"category": [_l("Not one of this department's categories.")]})
    grade = Grade(standing.grade) if isinstance(standing, Standing) else None
    _setting, sla = sla_of(dept_id)
    first_days, resolve_days = sla.for_grade(grade)
    ticket_id = str(ULID.from_datetime(ctx.now))
    first_due, resolve_due = after_working_days(ctx.now, first_days), after_working_days(ctx.now, resolve_days)
    ticket = Ticket(ticket_id=ticket_id, customer_id=customer.customer_id, customer_name=customer.name,
                    dept_id=dept_id, kind=kind, category=category or None, channel=channel, subject=subject.strip(),
                    description=description.strip(), status=Status.SUBMITTED.value,
                    grade=grade.value if grade else None, created_by=actor.email, created_at=ctx.now,
                    first_response_due=first_due, resolution_due=resolve_due, queue_dept=dept_id,
                    queue_key=queue_key(PRIORITY_RANK.get(grade, 3), resolve_due, ticket_id),
                    due_bucket="due", due_key=f"{to_iso(first_due)}#first_response#{ticket_id}")
    with transaction() as tx:
        tx.save(ticket, condition=Ticket.ticket_id.does_not_exist())
        tx.save(new_event(ctx, ticket_id, "status", Status.SUBMITTED.value, None))
        tx.save(audit.event(ctx, "ticket.filed", target_type="ticket", target_id=ticket_id,
                            dept_id=dept_of(dept_id),
                            detail={"customer": customer.customer_id, "kind": kind, "channel": channel}))
    return ticket


def dept_of(scope: str) -> str | None:
    """The department a ticket scope belongs to (None for company tickets), as audit records and checks take it."""
    return None if scope == COMPANY else scope


def _answer_perm(scope: str) -> Perm:
    """Who answers tickets of `scope`: MD the company's (RGT-1 b), the department's clerks, reps and leader its own."""
    return Perm.MANAGE_COMPANY_BLACKLIST if scope == COMPANY else Perm.PROPOSE_GRADES


def check_may_enter(ctx: Ctx, scope: str, customer_id: str | None = None) -> None:
    """CMP-1: a ticket received offline is entered by those who answer it."""
    authorize(ctx, _answer_perm(scope), dept_of(scope), target=customer_id)


def offline_scope(ctx: Ctx) -> str:
    """Where the acting staff member's offline tickets go: MD's to the company, others' to their department."""
    return COMPANY if may(ctx.actor, Perm.MANAGE_COMPANY_BLACKLIST) else ctx.actor.dept_id


def new_event(ctx: Ctx, ticket_id: str, kind: str, status: str | None, text: str | None) -> TicketEvent:
    """A step of the ticket's timeline by the acting user, stamped now."""
    return TicketEvent(ticket_id=ticket_id, event_id=str(ULID.from_datetime(ctx.now)), kind=kind, status=status,
                       text=text, by=ctx.actor.email, by_staff=bool(ctx.actor.is_staff), at=ctx.now)


def get(ctx: Ctx, ticket_id: str) -> Ticket:
    """A ticket: its customer's users (404 for others), the department's staff and MD (403 for others)."""
    try:
        ticket = Ticket.get(ticket_id)
    except DoesNotExist as exc:
        raise NotFound() from exc
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


def timeline(ctx: Ctx, ticket: Ticket) -> list[TicketEvent]:
    """Every step, reply and verified file, oldest first (a file still uploading, or refused, is not shown)."""
    return [e for e in TicketEvent.query(ticket.ticket_id) if e.kind != "attachment" or e.file_state == "verified"]


def queue(ctx: Ctx, dept_id: str) -> list[Ticket]:
    """RGT-2: the department's open tickets, VIP first, then 优选, then 合格, each by due time (no Scan)."""
    if dept_id == COMPANY:
        authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST, target="company tickets")  # MD handles company tickets
    else:
        authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    return list(Ticket.queue.query(dept_id, limit=100))


def of_customer(ctx: Ctx) -> list[Ticket]:
    """The signed-in customer's tickets, newest first."""
    if not ctx.actor.is_customer:
        raise Forbidden()
    return list(Ticket.by_customer.query(ctx.actor.customer_id, scan_index_forward=False))


def _save(ctx: Ctx, ticket: Ticket, event: TicketEvent, action: str, detail: dict) -> Ticket:
    try:
        with transaction() as tx:
            tx.save(ticket)  # version condition: a stale action loses with 409
            tx.save(event)
            tx.save(audit.event(ctx, action, target_type="ticket", target_id=ticket.ticket_id,
                                dept_id=dept_of(ticket.dept_id), detail=detail))
    except TransactWriteError as exc:
        raise Conflict(_l("This ticket was changed meanwhile. Reload the page.")) from exc
    return ticket


def check_may_write(ctx: Ctx, ticket: Ticket) -> None:
    """The ticket's customer writes on it; of the staff, the department's own (MD for company tickets)."""
    if not ctx.actor.is_customer:
        _staff_may_answer(ctx, ticket)


def check_customer_step(ctx: Ctx, ticket: Ticket) -> None:
    """Closing and reopening are the customer's (CMP-3); staff are refused."""
    if not ctx.actor.is_customer:
        raise refuse(ctx, "ticket.customer_step", ticket.ticket_id)


def staff_may_answer(ctx: Ctx, ticket: Ticket) -> bool:
    """Whether the acting staff member answers this ticket (for showing the forms; actions check with
    `_staff_may_answer`, which audits a refusal)."""
    return may(ctx.actor, _answer_perm(ticket.dept_id), dept_of(ticket.dept_id))


def _staff_may_answer(ctx: Ctx, ticket: Ticket) -> None:
    if ctx.actor.is_customer:
        raise Forbidden()
    authorize(ctx, _answer_perm(ticket.dept_id), dept_of(ticket.dept_id), target=ticket.ticket_id)


def advance(ctx: Ctx, ticket_id: str, new_status: str, reply: str | None) -> Ticket:
    """Staff acknowledge, work on, or resolve (with a reply); the first staff step is the first response."""
    ticket = get(ctx, ticket_id)
    _staff_may_answer(ctx, ticket)
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
    ticket.status = target.value
    if target == Status.RESOLVED:
        setting, _sla = sla_of(ticket.dept_id)
        ticket.resolved_at = ctx.now
        ticket.queue_dept = ticket.queue_key = None
        close_by = ctx.now + timedelta(days=int(setting.autoclose_days or 7))
        ticket.due_bucket, ticket.due_key = "due", f"{to_iso(close_by)}#autoclose#{ticket.ticket_id}"
    elif "resolution" not in (ticket.breaches or set()):
        ticket.due_bucket, ticket.due_key = "due", f"{to_iso(ticket.resolution_due)}#resolution#{ticket.ticket_id}"
    return _save(ctx, ticket, new_event(ctx, ticket_id, "status", target.value, (reply or "").strip() or None),
                 "ticket.advanced", {"status": target.value})


def reply(ctx: Ctx, ticket_id: str, text: str) -> TicketEvent:
    """A message on the ticket from the customer or the department's staff."""
    ticket = get(ctx, ticket_id)
    check_may_write(ctx, ticket)
    text = (text or "").strip()
    if not text or len(text) > MAX_DESCRIPTION:
        raise Invalid(fields={"text": [_l("Write 1 to %(n)s characters.", n=MAX_DESCRIPTION)]})
    event = new_event(ctx, ticket_id, "reply", None, text)
    with transaction() as tx:
        tx.save(event)
        tx.save(audit.event(ctx, "ticket.replied", target_type="ticket", target_id=ticket_id,
                            dept_id=dept_of(ticket.dept_id)))
    return event


def close(ctx: Ctx, ticket_id: str, rating: int, comment: str | None) -> Ticket:
    """CMP-3: the customer confirms the resolution and rates its satisfaction (1–5)."""
    ticket = get(ctx, ticket_id)
    check_customer_step(ctx, ticket)
    if ticket.status != Status.RESOLVED.value:
        raise Conflict(_l("Only a resolved ticket can be closed."))
    if rating is None or not 1 <= int(rating) <= 5:
        raise Invalid(fields={"rating": [_l("Rate from 1 to 5.")]})
    ticket.status, ticket.closed_at, ticket.rating = Status.CLOSED.value, ctx.now, int(rating)
    ticket.comment = (comment or "").strip()[:2000] or None
    ticket.due_bucket = ticket.due_key = None
    return _save(ctx, ticket, new_event(ctx, ticket_id, "status", Status.CLOSED.value, ticket.comment),
                 "ticket.closed", {"rating": ticket.rating})


def reopen(ctx: Ctx, ticket_id: str, reason: str) -> Ticket:
    """The customer is not satisfied: the ticket goes back to the department's queue."""
    ticket = get(ctx, ticket_id)
    check_customer_step(ctx, ticket)
    if ticket.status != Status.RESOLVED.value:
        raise Conflict(_l("Only a resolved ticket can be reopened."))
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Say what is still wrong.")]})
    ticket.status = Status.IN_PROGRESS.value
    ticket.queue_dept = ticket.dept_id
    rank = PRIORITY_RANK.get(Grade(ticket.grade), 3) if ticket.grade else 3
    ticket.queue_key = queue_key(rank, ticket.resolution_due, ticket.ticket_id)
    if "resolution" not in (ticket.breaches or set()):
        ticket.due_bucket, ticket.due_key = "due", f"{to_iso(ticket.resolution_due)}#resolution#{ticket.ticket_id}"
    else:
        ticket.due_bucket = ticket.due_key = None
    return _save(ctx, ticket, new_event(ctx, ticket_id, "status", "reopened", reason.strip()), "ticket.reopened", {})


@dataclass(frozen=True)
class SlaRun:
    """What one run of the ticket job did."""

    escalated: list[str]
    auto_closed: list[str]


def escalate_and_autoclose(ctx: Ctx) -> SlaRun:
    """CMP-3: breached first responses and resolutions are escalated to the leader once each; resolved tickets
    without an answer close themselves after the configured days. Reads only what is due (sparse index)."""
    escalated, closed = [], []
    recipients = None
    for ticket in Ticket.due.query("due", Ticket.due_key < to_iso(ctx.now)):
        what = ticket.due_key.split("#")[1]
        if what == "autoclose":
            ticket.status, ticket.closed_at = Status.CLOSED.value, ctx.now
            ticket.due_bucket = ticket.due_key = None
            try:
                _save(ctx, ticket, new_event(ctx, ticket.ticket_id, "status", Status.CLOSED.value, "auto"),
                      "ticket.auto_closed", {})
                closed.append(ticket.ticket_id)
            except Conflict:
                pass
            continue
        if what in (ticket.breaches or set()):
            continue
        ticket.breaches = (ticket.breaches or set()) | {what}
        ticket.due_key = (f"{to_iso(ticket.resolution_due)}#resolution#{ticket.ticket_id}"
                          if what == "first_response" and ticket.status in {s.value for s in OPEN} else None)
        if ticket.due_key is None:
            ticket.due_bucket = None
        try:
            _save(ctx, ticket, new_event(ctx, ticket.ticket_id, "status", f"overdue:{what}", None), "ticket.escalated",
                  {"breach": what})
        except Conflict:
            continue
        recipients = recipients or org.leaders_and_md()
        to = recipients.get("md", []) if ticket.dept_id == COMPANY else recipients.get(ticket.dept_id, [])
        step = "首次响应" if what == "first_response" else "解决"
        for address in to:
            mail.send(address, f"【工单逾期】{ticket.subject} / Ticket overdue ({what})",
                      f"{ticket.customer_name} 的工单“{ticket.subject}”{step}已逾期。\n"
                      f"Ticket {ticket.ticket_id}: {what} overdue.\n")
        escalated.append(f"{ticket.ticket_id}:{what}")
    return SlaRun(escalated, closed)


def overdue(ctx: Ctx) -> list[Ticket]:
    """MD sees every department's (and the company's) open overdue tickets; a department its own."""
    authorize(ctx, Perm.VIEW_CUSTOMERS)
    scopes = [d.dept_id for d in org.list_departments(ctx)] + ([COMPANY] if ctx.actor.company_wide else [])
    return [t for scope in scopes for t in Ticket.queue.query(scope, filter_condition=Ticket.breaches.exists())]


def check_may_set_sla(ctx: Ctx, scope: str) -> None:
    """MD sets the company default; a department's leader its own department's."""
    if scope == COMPANY:
        authorize(ctx, Perm.MANAGE_COMPANY_STANDARDS, target="company SLA")
    else:
        authorize(ctx, Perm.DECIDE_GRADES, scope, target=f"{scope} SLA")


def save_sla(ctx: Ctx, scope: str, *, categories: list[str], responsible_role: str, first_response_days: int,
             resolution_days: int, vip_first_response_days: int | None, vip_resolution_days: int | None,
             autoclose_days: int, version: int | None) -> SlaSetting:
    """CMP-2: a department's leader sets its categories, responsible role and times; MD the company default."""
    check_may_set_sla(ctx, scope)
    problems = {}
    names = [c.strip() for c in categories if c.strip()]
    if len(names) != len(set(names)) or any(len(c) > 50 for c in names):
        problems["categories"] = [_l("One category per line, each at most 50 characters, no repeats.")]
    if responsible_role not in ("dm", "clerk", "rep", "md"):
        problems["responsible_role"] = [_l("Not a valid role.")]
    for field, value in (("first_response_days", first_response_days), ("resolution_days", resolution_days),
                         ("autoclose_days", autoclose_days)):
        if value is None or not 0 <= int(value) <= 60:
            problems[field] = [_l("Between 0 and 60 working days.")]
    if "first_response_days" not in problems and "resolution_days" not in problems and \
            first_response_days > resolution_days:
        problems["resolution_days"] = [_l("Resolution cannot be due before the first response.")]
    if problems:
        raise Invalid(fields=problems)
    try:
        record = SlaSetting.get(scope)
        if version is None or int(version) != int(record.version):
            raise Conflict()
    except DoesNotExist:
        record = SlaSetting(scope=scope)
    record.categories = json.dumps(names, ensure_ascii=False)
    record.responsible_role, record.first_response_days, record.resolution_days = (
        responsible_role, int(first_response_days), int(resolution_days))
    record.vip_first_response_days = vip_first_response_days
    record.vip_resolution_days = vip_resolution_days
    record.autoclose_days = int(autoclose_days)
    try:
        with transaction() as tx:
            tx.save(record)
            tx.save(audit.event(ctx, "sla.saved", target_type="sla", target_id=scope,
                                dept_id=dept_of(scope), detail={"categories": names}))
    except TransactWriteError as exc:
        raise Conflict() from exc
    return record


def categories_of(scope: str) -> list[str]:
    """The ticket categories a department defined (CMP-2)."""
    record, _sla = sla_of(scope)
    return json.loads(record.categories or "[]")
