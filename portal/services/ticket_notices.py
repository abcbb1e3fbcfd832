"""Who hears of a ticket's steps (issue 16): the customer of acknowledgements, replies and resolutions (with the
day it closes by itself unless confirmed), the department (or MD for the company's tickets) of new, reopened and
overdue tickets. Staged in the unit of work of the step."""

from __future__ import annotations

from datetime import datetime

from portal.adapters.repos.org import Departments
from portal.adapters.repos.tickets import COMPANY
from portal.domain.timeutil import shanghai_day
from portal.services import audiences, notifications
from portal.services.context import Ctx

WHAT = {"first_response": ("首次响应", "first response"), "resolution": ("解决", "resolution")}


def _names(uow, ticket) -> dict:
    if ticket.dept_id == COMPANY:
        return {"dept_zh": "营销事业部", "dept_en": "the Marketing Division"}
    dept = uow.repo(Departments).find(ticket.dept_id)
    return {"dept_zh": dept.name_zh, "dept_en": dept.name_en} if dept else {"dept": ticket.dept_id}


def staff_of(uow, ticket, roles: set[str] = audiences.QUEUE_ROLES) -> list:
    """Who answers for a ticket: the department's staff in `roles`, or MD for the company's tickets."""
    if ticket.dept_id == COMPANY:
        return audiences.marketing_division(uow)
    return audiences.department_staff(uow, ticket.dept_id, roles)


def tell_customer(uow, ctx: Ctx, ticket, kind: str, closes_at: datetime | None = None) -> None:
    """The customer hears of a staff step on its ticket."""
    extra = {"day": shanghai_day(closes_at).isoformat()} if closes_at else {}
    notifications.notify(uow, ctx, audiences.customer_users(uow, customer_id=ticket.customer_id), kind,
                         f"/customer/tickets/{ticket.ticket_id}", subject=ticket.subject, **_names(uow, ticket),
                         **extra)


def tell_staff(uow, ctx: Ctx, ticket, kind: str, recipients: list | None = None, what: str | None = None,
               due: datetime | None = None) -> None:
    """The department (MD for the company's tickets) hears of a new, reopened or overdue ticket."""
    extra = {}
    if what:
        zh, en = WHAT.get(what, (what, what))
        extra = {"what_zh": zh, "what_en": en}
    if due:
        extra["due"] = shanghai_day(due).isoformat()
    notifications.notify(uow, ctx, staff_of(uow, ticket) if recipients is None else recipients, kind,
                         f"/staff/tickets/{ticket.ticket_id}", subject=ticket.subject,
                         customer=ticket.customer_name, **_names(uow, ticket), **extra)
