"""Admission applications: submission, the department's queue and its lists (ADM-1, ADM-3, ADM-4, BLK-6).

The review and the decision (ONB-3, ADM-2, GRD-4) live in `application_review`; their functions are importable
from here too, so pages, API and tests keep one module to call.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.customers import Applications, Customers
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.identity import Users
from portal.adapters.repos.org import Departments, Products
from portal.adapters.uow import UnitOfWork, WriteConflict
from portal.domain.customers import CustomerType, needs_admission_review
from portal.domain.roles import DepartmentKind, Perm, Role
from portal.services import audiences, audit, notifications
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
    """A customer applies to one department for some of its products (ADM-4)."""
    require_customer(ctx)
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


def department_staff(dept_id: str, uow=None) -> list:
    """Active staff of a department who can be designated (ONB-3)."""
    return [u for u in (uow or UnitOfWork()).repo(Users).of_department(dept_id)
            if u.active and u.role in (Role.DM, Role.CLERK, Role.REP)]
