"""What both halves of admission share (submission and review): who may read an application, the documents an
application needs, and how a review step is saved (ADM-1, ADM-3, ADM-4, SEC-1)."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.customers import Applications
from portal.adapters.uow import WriteConflict
from portal.domain.customers import missing_documents
from portal.domain.roles import Perm
from portal.domain.timeutil import shanghai_day
from portal.services import audit
from portal.services.access import authorize, refuse
from portal.services.context import Ctx, names_in_reader_language
from portal.services.customers import check_customer_access
from portal.services.documents import required_types, verified_validity
from portal.services.eligibility import blocked_scope
from portal.services.errors import Conflict, Invalid, NotFound


def require_customer(ctx: Ctx) -> None:
    """Only a customer's users apply; staff are refused (and the refusal audited)."""
    if ctx.actor is None or not ctx.actor.is_customer:
        raise refuse(ctx, "application.submit")


def get_application(ctx: Ctx, app_id: str, uow=None):
    """An application: its customer's users (404 for others) and the department's staff and MD (403 for others)."""
    uow = uow or ctx.uow()
    app = uow.repo(Applications).find(app_id)
    if app is None:
        raise NotFound()
    if ctx.actor is not None and ctx.actor.is_customer:
        check_customer_access(ctx, app.customer_id, uow)
    else:
        authorize(ctx, Perm.VIEW_CUSTOMERS, app.dept_id, target=app_id)
    return app


def background_of(app) -> dict | None:
    """The recorded background check (note, by, at), if any."""
    return json.loads(app.background_check) if app.background_check else None


def conditions_of(app) -> dict[str, dict]:
    """The recorded ADM-2 conditions of an application."""
    return json.loads(app.conditions) if app.conditions else {}


def check_documents(uow, customer, ctx: Ctx) -> None:
    """The documents its customer type requires are verified and valid today (ADM-2 a/e; ADM-1 types too)."""
    types = {t.type_id: t for t in required_types(customer.kind, uow)}
    validity = verified_validity(customer.customer_id, uow)
    missing = missing_documents(list(types), set(validity), shanghai_day(ctx.now), validity)
    if missing:
        raise Invalid(_l("Upload and verify the required documents first."),
                      fields={"documents": [_l("Missing or expired: %(types)s",
                                               types=names_in_reader_language([types[m] for m in missing]))]})


def blacklist_problem(uow, app) -> dict:
    """ADM-3 / BLK-2, checked again at decision: the customer is barred in the application's department."""
    if blocked_scope(uow, app.customer_id, app.dept_id):
        return {"decision": [_l("The customer is blacklisted in this department.")]}
    return {}


def editable(ctx: Ctx, uow, app_id: str, perm: Perm, version):
    """An undecided application the actor may work on in its department, as read with the form's version."""
    app = get_application(ctx, app_id, uow)
    authorize(ctx, perm, app.dept_id, target=app_id)
    if app.status != "submitted":
        raise Conflict(_l("This application has been decided already."))
    if version is None or int(version) != int(app.version or 0):
        raise Conflict()
    return app


def save_step(uow, ctx: Ctx, app, action: str, detail: dict):
    """Save a review step with its audit event; a change made meanwhile is a 409."""
    uow.repo(Applications).save_review(app)
    audit.stage(uow, ctx, action, target_type="application", target_id=app.app_id, dept_id=app.dept_id,
                detail=detail)
    try:
        uow.commit()
    except WriteConflict as exc:
        raise Conflict() from exc
    return app
