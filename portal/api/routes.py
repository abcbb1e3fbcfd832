"""API views: parse JSON with the pages' own forms, call the same services, answer JSON."""

from __future__ import annotations

from datetime import date

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l

from portal.api import bp
from portal.api.schemas import QUERY_PARAMS
from portal.api.spec import document, operation
from portal.api.validation import parse, query_value
from portal.auth.forms import ForgotForm, ResetForm
from portal.domain.roles import Perm
from portal.domain.timeutil import shanghai_day
from portal.services import audit_trail, org, password_reset
from portal.web import ctx, settings
from portal.web.forms.staff import (
    ActiveForm,
    DepartmentForm,
    ProductEditForm,
    ProductForm,
    StaffEditForm,
    StaffForm,
)


def department_json(d) -> dict:
    """The API's view of a department."""
    return {"id": d.dept_id, "name_zh": d.name_zh, "name_en": d.name_en, "kind": d.kind, "version": d.version}


def staff_json(u) -> dict:
    """The API's view of a staff account (never its password hash)."""
    return {"id": u.user_id, "email": u.email, "name": u.name, "role": u.role, "department": u.dept_id,
            "active": u.active, "version": u.version}


def product_json(p) -> dict:
    """The API's view of a product."""
    return {"id": p.product_id, "department": p.dept_id, "name_zh": p.name_zh, "name_en": p.name_en,
            "active": p.active, "version": p.version}


def _limit() -> int:
    return query_value("limit", QUERY_PARAMS["limit"]) or 50


@operation(bp, "/openapi.json", "GET", "This document", auth=False)
def openapi():
    """The OpenAPI document."""
    return jsonify(document())


@operation(bp, "/password-resets", "POST", "Mail a single-use link (30 minutes) to set a new password. 202 whether or "
           "not an account has the address; throttled per client address", form=ForgotForm,
           response="ResetRequested", status=202, auth=False, errors=(429,))
def password_reset_request():
    """Forgotten password, through the API."""
    form = parse(ForgotForm)
    password_reset.request_reset(ctx(), form.email.data, settings().public_url)
    return jsonify({"status": "received", "message": str(_l(
        "If an account uses this address, a link to set a new password is on its way."))}), 202


@operation(bp, "/password-resets/<token>", "POST", "Set a new password with a reset link's token (once; every "
           "session and API token of the account ends). 404 for an expired, used, replaced or forged link",
           form=ResetForm, response="PasswordReset", auth=False, errors=(404, 429))
def password_reset_finish(token: str):
    """Finish a password reset through the API."""
    form = parse(ResetForm)
    password_reset.reset_password(ctx(), token, form.password.data)
    return jsonify({"status": "changed"})


@operation(bp, "/me", "GET", "Who the token belongs to", response="Me")
def me():
    """The signed-in user."""
    a = g.actor
    return jsonify({"id": a.user_id, "email": a.email, "name": a.name, "kind": a.kind,
                    "role": a.role.value if a.role else None, "department": a.dept_id, "customer": a.customer_id})


@operation(bp, "/departments", "GET", "Departments the caller may see", response="DepartmentList",
           perm=Perm.VIEW_DEPARTMENT)
def departments():
    """All departments for MD and leadership, one's own for other staff."""
    return jsonify({"items": [department_json(d) for d in org.list_departments(ctx())]})


@operation(bp, "/departments", "POST", "Create a sales department (MD)", form=DepartmentForm,
           response="Department", status=201, perm=Perm.MANAGE_DEPARTMENTS)
def department_create():
    """MD creates a department."""
    form = parse(DepartmentForm)
    dept = org.create_department(ctx(), form.dept_id.data.strip(), form.name_zh.data, form.name_en.data)
    return jsonify(department_json(dept)), 201


@operation(bp, "/departments/<dept_id>", "GET", "One department", response="Department",
           perm=Perm.VIEW_DEPARTMENT)
def department(dept_id: str):
    """One department the caller may see."""
    return jsonify(department_json(org.get_department(ctx(), dept_id)))


@operation(bp, "/departments/<dept_id>/staff", "GET", "Staff of a department, a page at a time",
           response="StaffPage", query=("limit", "cursor"), perm=Perm.VIEW_STAFF)
def department_staff(dept_id: str):
    """Staff of a department."""
    page = org.list_staff(ctx(), dept_id, limit=_limit(), cursor=request.args.get("cursor"))
    return jsonify({"items": [staff_json(u) for u in page.items], "cursor": page.cursor})


@operation(bp, "/departments/<dept_id>/staff", "POST", "Create a staff account (MD; leaders in their department)",
           form=StaffForm, response="Staff", status=201, perm=Perm.MANAGE_STAFF)
def staff_create(dept_id: str):
    """Create a staff account."""
    form = parse(StaffForm)
    user = org.create_staff(ctx(), email=form.email.data, name=form.name.data, role=form.role.data,
                            dept_id=dept_id, password=form.password.data)
    return jsonify(staff_json(user)), 201


@operation(bp, "/staff/<user_id>", "GET", "One staff account", response="Staff", perm=Perm.VIEW_STAFF)
def staff_get(user_id: str):
    """One staff account in a department the caller may see."""
    return jsonify(staff_json(org.get_staff(ctx(), user_id)))


@operation(bp, "/staff/<user_id>", "PATCH", "Change name or role (send the version you read)",
           form=StaffEditForm, response="Staff", perm=Perm.MANAGE_STAFF)
def staff_update(user_id: str):
    """Change a staff account's name or role."""
    org.get_staff(ctx(), user_id)  # another department's account: 403 before the body is read
    form = parse(StaffEditForm)
    user = org.update_staff(ctx(), user_id, name=form.name.data, role=form.role.data, version=form.version.data)
    return jsonify(staff_json(user))


@operation(bp, "/staff/<user_id>/disable", "POST", "Disable an account and end all its sessions",
           form=ActiveForm, response="Staff", perm=Perm.MANAGE_STAFF)
def staff_disable(user_id: str):
    """Disable a staff account."""
    org.get_staff(ctx(), user_id)
    form = parse(ActiveForm)
    return jsonify(staff_json(org.set_staff_active(ctx(), user_id, False, form.version.data)))


@operation(bp, "/staff/<user_id>/enable", "POST", "Enable a disabled account", form=ActiveForm, response="Staff",
           perm=Perm.MANAGE_STAFF)
def staff_enable(user_id: str):
    """Re-enable a staff account."""
    org.get_staff(ctx(), user_id)
    form = parse(ActiveForm)
    return jsonify(staff_json(org.set_staff_active(ctx(), user_id, True, form.version.data)))


@operation(bp, "/departments/<dept_id>/products", "GET", "A department's product catalogue",
           response="ProductList", perm=Perm.VIEW_DEPARTMENT)
def products(dept_id: str):
    """A department's products."""
    return jsonify({"items": [product_json(p) for p in org.list_products(ctx(), dept_id)]})


@operation(bp, "/departments/<dept_id>/products", "POST", "Add a product (department leader or MD)",
           form=ProductForm, response="Product", status=201, perm=Perm.MANAGE_PRODUCTS)
def product_create(dept_id: str):
    """Add a product."""
    form = parse(ProductForm)
    product = org.create_product(ctx(), dept_id, form.product_id.data.strip(), form.name_zh.data, form.name_en.data)
    return jsonify(product_json(product)), 201


@operation(bp, "/departments/<dept_id>/products/<product_id>", "PATCH",
           "Rename, withdraw or restore a product (send the version you read)", form=ProductEditForm,
           response="Product", perm=Perm.MANAGE_PRODUCTS)
def product_update(dept_id: str, product_id: str):
    """Change a product."""
    form = parse(ProductEditForm)
    product = org.update_product(ctx(), dept_id, product_id, name_zh=form.name_zh.data, name_en=form.name_en.data,
                                 active=form.active.data, version=form.version.data)
    return jsonify(product_json(product))


@operation(bp, "/audit", "GET", "The audit trail of one day in Asia/Shanghai (MD)", response="AuditPage",
           query=("day", "actor", "department", "action", "limit", "cursor"), perm=Perm.VIEW_AUDIT)
def audit_events():
    """MD reads the audit trail."""
    day = query_value("day", QUERY_PARAMS["day"])  # checked against the document's `format: date` already
    day = date.fromisoformat(day) if day else shanghai_day(ctx().now)
    page = audit_trail.browse(ctx(), day=day, actor_key=request.args.get("actor") or None,
                              dept_id=request.args.get("department") or None,
                              action=request.args.get("action") or None, limit=_limit(),
                              cursor=request.args.get("cursor"))
    return jsonify({"items": [_event_json(e) for e in page.items], "cursor": page.cursor})


def _event_json(e) -> dict:
    return {"id": e.event_id, "at": e.at.isoformat(), "actor": e.actor_key, "actor_email": e.actor_email,
            "role": e.actor_role, "department": e.dept_id, "action": e.action, "outcome": e.outcome,
            "target_type": e.target_type, "target_id": e.target_id, "detail": e.detail, "ip": e.ip}
