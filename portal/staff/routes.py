"""Staff pages: thin views over portal.services.org and portal.services.audit."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import SelectChoice

from portal.auth.forms import ConfirmForm
from portal.domain.roles import DepartmentKind, Perm, Role, may, may_grant, may_manage_user
from portal.domain.timeutil import shanghai_day
from portal.services import audit_trail, grading, mfa, org, todo
from portal.services.access import refuse
from portal.services.auth import find_user_by_email
from portal.services.errors import Invalid
from portal.staff import bp
from portal.web import ctx, staff_required
from portal.web.forms import FORM_ERRORS, apply_errors
from portal.web.forms.staff import (
    ROLE_CHOICES,
    ActiveForm,
    AuditFilterForm,
    DepartmentEditForm,
    DepartmentForm,
    ProductEditForm,
    ProductForm,
    StaffEditForm,
    StaffForm,
)
from portal.web.labels import localized_name


def grantable_choices(dept) -> list:
    """Only the roles this user may hand out in `dept` are offered (the service checks again)."""
    kind = DepartmentKind(dept.kind)
    return [c for c in ROLE_CHOICES if may_grant(g.actor, Role(c.value), dept.dept_id, kind)]


@bp.get("/")
@staff_required()
def home():
    """The staff home: one's to-dos (issue 16 item 5) and department, or every department's for MD and leadership."""
    return render_template("staff/home.html", departments=org.list_departments(ctx()), to_dos=todo.home(ctx()))


@bp.get("/departments")
@staff_required(Perm.VIEW_DEPARTMENT)
def departments():
    """Departments the user may see."""
    return render_template("staff/departments.html", departments=org.list_departments(ctx()),
                           can_create=may(g.actor, Perm.MANAGE_DEPARTMENTS))


@bp.route("/departments/new", methods=["GET", "POST"])
@staff_required(Perm.MANAGE_DEPARTMENTS)
def department_new():
    """MD creates a sales department."""
    form = DepartmentForm()
    problem = None
    if form.validate_on_submit():
        try:
            dept = org.create_department(ctx(), form.dept_id.data.strip(), form.name_zh.data, form.name_en.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Department created."), "success")
            return redirect(url_for("staff.department", dept_id=dept.dept_id))
    return render_template("staff/form.html", form=form, problem=problem, title=_("New department"))


@bp.get("/departments/<dept_id>")
@staff_required(Perm.VIEW_DEPARTMENT)
def department(dept_id: str):
    """One department: its staff (a page at a time) and its product catalogue."""
    dept = org.get_department(ctx(), dept_id)
    staff = org.list_staff(ctx(), dept_id, cursor=request.args.get("cursor"))
    products = org.list_products(ctx(), dept_id) if dept.kind == DepartmentKind.SALES.value else []
    return render_template(
        "staff/department.html", dept=dept, staff=staff, products=products,
        can_manage_staff=may(g.actor, Perm.MANAGE_STAFF, dept_id),
        can_manage_products=may(g.actor, Perm.MANAGE_PRODUCTS, dept_id) and dept.kind == DepartmentKind.SALES.value,
        can_edit=may(g.actor, Perm.MANAGE_DEPARTMENTS),
        quota=grading.quota(ctx(), dept_id) if dept.kind == DepartmentKind.SALES.value else None,
    )


@bp.route("/departments/<dept_id>/edit", methods=["GET", "POST"])
@staff_required(Perm.MANAGE_DEPARTMENTS)
def department_edit(dept_id: str):
    """MD renames a department (stale forms are refused)."""
    dept = org.get_department(ctx(), dept_id)
    form = DepartmentEditForm(obj=dept)
    problem = None
    if form.validate_on_submit():
        try:
            org.update_department(ctx(), dept_id, form.name_zh.data, form.name_en.data, form.version.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("staff.department", dept_id=dept_id))
    return render_template("staff/form.html", form=form, problem=problem, title=_("Edit department"))


@bp.route("/departments/<dept_id>/staff/new", methods=["GET", "POST"])
@staff_required(Perm.MANAGE_STAFF)
def staff_new(dept_id: str):
    """MD or the department's leader creates a staff account."""
    dept = org.get_department(ctx(), dept_id)
    form = StaffForm()
    form.role.choices = grantable_choices(dept)
    problem = None
    if form.validate_on_submit():
        try:
            user = org.create_staff(ctx(), email=form.email.data, name=form.name.data, role=form.role.data,
                                    dept_id=dept_id, password=form.password.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Account created."), "success")
            return redirect(url_for("staff.staff_member", user_id=user.user_id))
    return render_template("staff/form.html", form=form, problem=problem, dept=dept,
                           title=_("New staff account"))


@bp.route("/users/<user_id>", methods=["GET", "POST"])
@staff_required(Perm.VIEW_STAFF)
def staff_member(user_id: str):
    """A staff account; those who manage it can change its name and role."""
    user = org.get_staff(ctx(), user_id)
    can_manage = may(g.actor, Perm.MANAGE_STAFF, user.dept_id) and may_manage_user(
        g.actor, Role(user.role), user.dept_id, user.user_id)
    if request.method == "POST" and not can_manage:
        raise refuse(ctx(), "staff.update", user_id, user.dept_id)
    form = StaffEditForm(obj=user)
    form.role.choices = grantable_choices(org.get_department(ctx(), user.dept_id)) if can_manage else []
    problem = None
    if form.validate_on_submit():
        try:
            org.update_staff(ctx(), user_id, name=form.name.data, role=form.role.data, version=form.version.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("staff.staff_member", user_id=user_id))
    return render_template("staff/user.html", user=user, form=form, problem=problem, can_manage=can_manage,
                           active_form=ActiveForm(obj=user),
                           reset_form=ConfirmForm() if may(g.actor, Perm.RESET_TWO_FACTOR) else None)


@bp.post("/users/<user_id>/two-factor-reset")
@staff_required(Perm.RESET_TWO_FACTOR)
def staff_totp_reset(user_id: str):
    """MD resets a staff member's two-factor sign-in (a lost device): audited, the owner told and signed out."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    mfa.reset(ctx(), user_id)
    flash(_("Two-factor sign-in was reset. The owner was told by mail and signed out everywhere."), "success")
    return redirect(url_for("staff.staff_member", user_id=user_id))


@bp.post("/users/<user_id>/active")
@staff_required(Perm.MANAGE_STAFF)
def staff_active(user_id: str):
    """Disable (ending every session at once) or re-enable an account."""
    org.get_staff(ctx(), user_id)  # another department's account: 403 before the form is read
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    enable = request.form.get("action") == "enable"
    try:
        org.set_staff_active(ctx(), user_id, enable, form.version.data)
    except FORM_ERRORS as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Account enabled.") if enable else _("Account disabled; its sessions have ended."), "success")
    return redirect(url_for("staff.staff_member", user_id=user_id))


@bp.route("/departments/<dept_id>/products/new", methods=["GET", "POST"])
@staff_required(Perm.MANAGE_PRODUCTS)
def product_new(dept_id: str):
    """The department leader (or MD) adds a product."""
    dept = org.get_department(ctx(), dept_id)
    form = ProductForm()
    problem = None
    if form.validate_on_submit():
        try:
            org.create_product(ctx(), dept_id, form.product_id.data.strip(), form.name_zh.data, form.name_en.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Product added."), "success")
            return redirect(url_for("staff.department", dept_id=dept_id))
    return render_template("staff/form.html", form=form, problem=problem, dept=dept, title=_("New product"))


@bp.route("/departments/<dept_id>/products/<product_id>", methods=["GET", "POST"])
@staff_required(Perm.MANAGE_PRODUCTS)
def product_edit(dept_id: str, product_id: str):
    """Rename, withdraw or restore a product (stale forms are refused)."""
    product = org.get_product(ctx(), dept_id, product_id)
    dept = org.get_department(ctx(), dept_id)
    form = ProductEditForm(obj=product)
    if request.method == "GET":
        tiers = product.discounts or {}
        form.vip_discount.data, form.preferred_discount.data, form.qualified_discount.data = (
            tiers.get("VIP"), tiers.get("PREFERRED"), tiers.get("QUALIFIED"))
    problem = None
    if form.validate_on_submit():
        try:
            org.update_product(ctx(), dept_id, product_id, name_zh=form.name_zh.data, name_en=form.name_en.data,
                               active=form.active.data, version=form.version.data,
                               discounts={"VIP": form.vip_discount.data, "PREFERRED": form.preferred_discount.data,
                                          "QUALIFIED": form.qualified_discount.data})
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("staff.department", dept_id=dept_id))
    return render_template("staff/form.html", form=form, problem=problem, dept=dept, title=_("Edit product"))


@bp.get("/audit")
@staff_required(Perm.VIEW_AUDIT)
def audit_log():
    """MD browses the audit trail by day, filtered by who, department and action."""
    form = AuditFilterForm(request.args)
    form.dept.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(d.dept_id, localized_name(d, str(get_locale()))) for d in org.list_departments(ctx())]
    form.validate()
    day = form.day.data or shanghai_day(ctx().now)
    actor_key = None
    unknown_actor = False
    if form.actor.data:
        user = find_user_by_email(form.actor.data)
        actor_key = user.user_id if user else None
        unknown_actor = user is None
    try:
        page = None if unknown_actor else audit_trail.browse(
            ctx(), day=day, actor_key=actor_key, dept_id=form.dept.data or None, action=form.action.data or None,
            cursor=request.args.get("cursor"),
        )
    except Invalid as exc:  # a day outside the trail: said next to the day field
        apply_errors(form, exc)
        page = None
    details = [_readable(e.detail) for e in page.items] if page else []
    return render_template("staff/audit.html", form=form, page=page, day=day, unknown_actor=unknown_actor,
                           details=details)


def _readable(detail: str | None) -> str:
    """An event's detail as indented JSON (shown on demand), or as it was stored if it is not JSON."""
    import json

    try:
        return json.dumps(json.loads(detail), ensure_ascii=False, indent=2) if detail else ""
    except ValueError:
        return detail
