"""Admission applications: submission, the department's queue and its lists (ADM-1, ADM-3, ADM-4, BLK-6).

The review and the decision (ONB-3, ADM-2, GRD-4) live in `application_review`; their functions are importable
from here too, so pages, API and tests keep one module to call.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.customers import Applications, Customers
from portal.adapters.repos.dynamics import COMPANY, BlacklistEntries
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.identity import Users
from portal.adapters.repos.org import Departments, Products
from portal.adapters.uow import UnitOfWork, WriteConflict
from portal.domain.customers import CustomerType, needs_admission_review
from portal.domain.roles import DepartmentKind, Perm, Role
from portal.services import audiences, audit, notifications, org, verification
from portal.services.access import authorize
from portal.services.application_access import (  # noqa: F401  (part of this module's interface)
    background_of,
    check_documents,
    conditions_of,
    get_application,
    require_customer,
)
from portal.services.application_review import (  # noqa: F401  (part of this module's interface)
    CONFIRMED_REASON,
    EVIDENCE_NEEDED,
    ConditionRecord,
    approve_reentry,
    assign,
    confirm,
    decide,
    record_background_check,
    record_condition,
)
from portal.services.context import Ctx
from portal.services.eligibility import blocked_scope, was_listed
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.paging import Page, encode_cursor, parse_cursor


def _sales_department(uow, dept_id: str):
    dept = uow.repo(Departments).find(dept_id)
    if dept is None or dept.kind != DepartmentKind.SALES.value:
        raise Invalid(fields={"dept_id": [_l("Choose a sales department.")]})
    return dept


def submit(ctx: Ctx, dept_id: str, product_ids: list[str], requested_grade: str | None = None):
    """A customer applies to one department for some of its products (ADM-4), once its address is verified."""
    require_customer(ctx)
    verification.require_verified(ctx)  # issue 15 item 2
    with ctx.uow() as uow:
        customer = uow.repo(Customers).find(ctx.actor.customer_id)
        if customer is None:
            raise NotFound()
        dept = _sales_department(uow, dept_id)
        catalogue = {p.product_id for p in uow.repo(Products).of_department(dept_id) if p.active}
        chosen = sorted(set(product_ids or []))
        if not chosen or not set(chosen) <= catalogue:
            raise Invalid(fields={"products": [_l("Choose one or more of the department's products.")]})
        if blocked_scope(uow, customer.customer_id, dept_id):  # ADM-3 / BLK-2
            raise Forbidden(_l("Your company is on a blacklist that covers this department and cannot apply."))
        if uow.repo(Standings).get(dept_id, customer.customer_id):
            raise Conflict(_l("Your company is admitted in this department already."))
        check_documents(uow, customer, ctx)  # ADM-1 exempts no one from verified documents
        reentry = was_listed(uow, customer.customer_id, dept_id)  # BLK-6: re-entry is re-reviewed, never review-free
        confirm_only = not needs_admission_review(CustomerType(customer.kind)) and not reentry
        app = records.Application(app_id=str(ULID.from_datetime(ctx.now)), customer_id=customer.customer_id,
                                  customer_name=customer.name, dept_id=dept_id, products=set(chosen),
                                  submitted_at=ctx.now, reentry=reentry or None, confirm_only=confirm_only or None,
                                  requested_grade=requested_grade)
        uow.repo(Applications).submit(app)
        audit.stage(uow, ctx, "application.submitted", target_type="application", target_id=app.app_id,
                    dept_id=dept_id, detail={"customer": customer.customer_id, "products": chosen,
                                             "confirm_only": confirm_only})
        _notify_submitted(uow, ctx, app, dept)
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(_l("Your company has an open application to this department already.")) from exc
    return app


@dataclass(frozen=True)
class ApplyChoice:
    """A sales department on the apply form: its products on sale, and why the customer cannot apply, if so."""

    dept: object
    products: list
    closed: str | None  # "admitted" | "open" (an application waits) | "blacklisted" | None: may apply


def apply_choices(ctx: Ctx) -> list[ApplyChoice]:
    """The apply form's departments (ADM-4): each with its products and whether this customer may still apply —
    not where it is admitted, has an open application or is barred (ADM-3, BLK-2). Four reads, whatever the
    number of departments: the catalogue, the customer's standings, its open claims and its active listings."""
    require_customer(ctx)
    uow = ctx.uow()
    customer_id = ctx.actor.customer_id
    catalogue = org.sales_catalogue(ctx)
    admitted = {s.dept_id for s in uow.repo(Standings).of_customer(customer_id)}
    waiting = uow.repo(Applications).open_in(customer_id, [d.dept_id for d, _p in catalogue])
    scopes = {e.scope for e in uow.repo(BlacklistEntries).of_customer(customer_id, active_only=True)}
    barred = {d.dept_id for d, _p in catalogue if COMPANY in scopes or d.dept_id in scopes}
    return [ApplyChoice(d, products, "admitted" if d.dept_id in admitted else "open" if d.dept_id in waiting
                        else "blacklisted" if d.dept_id in barred else None) for d, products in catalogue]


def _notify_submitted(uow, ctx: Ctx, app, dept) -> None:
    """Issue 16: the customer hears the application was received, the department's queue that it arrived."""
    names = {"dept_zh": dept.name_zh, "dept_en": dept.name_en}
    notifications.notify(uow, ctx, audiences.user(uow, ctx.actor.user_id), "application_received",
                         f"/customer/applications/{app.app_id}", **names)
    notifications.notify(uow, ctx, audiences.department_staff(uow, app.dept_id), "application_new",
                         f"/staff/applications/{app.app_id}", customer=app.customer_name, **names)


def queue(ctx: Ctx, dept_id: str, cursor: str | None = None, limit: int = 50) -> Page:
    """The department's undecided applications, oldest first (sparse index: cost follows the queue)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    items, last = ctx.uow().repo(Applications).queue(dept_id, after=parse_cursor(cursor), limit=limit)
    return Page(items, encode_cursor(last) if last else None)


def standings(ctx: Ctx, dept_id: str, cursor: str | None = None, limit: int = 50) -> Page:
    """The customers admitted in a department, a page at a time (Query on the department)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    items, last = ctx.uow().repo(Standings).in_department(dept_id, after=parse_cursor(cursor), limit=limit)
    return Page(items, encode_cursor(last) if last else None)


def department_staff(dept_id: str, uow=None, limit: int | None = None) -> list:
    """Active staff of a department who can be designated (ONB-3): every one, or those among its first `limit`
    accounts by e-mail (one Query reading at most `limit`)."""
    repo = (uow or UnitOfWork()).repo(Users)
    people = repo.of_department(dept_id) if limit is None else repo.in_department(dept_id, limit=limit)[0]
    return [u for u in people if u.active and u.role in (Role.DM, Role.CLERK, Role.REP)]
