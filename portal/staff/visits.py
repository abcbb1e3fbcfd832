"""Staff pages for visits: the department's plan, VIP first (RGT-2), planning one, recording what came of it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from portal.domain.grading import PRIORITY_RANK
from portal.domain.roles import Perm, may
from portal.services import grading, org, visits
from portal.staff import bp
from portal.web import ctx, staff_required
from portal.web.forms import FORM_ERRORS, apply_errors
from portal.web.forms.service import VisitForm, VisitOutcomeForm


@bp.get("/departments/<dept_id>/visits")
@staff_required(Perm.VIEW_CUSTOMERS)
def visit_plan(dept_id: str):
    """RGT-2: visits still to make, VIP first, then 优选, then 合格, each by day."""
    page = visits.planned_page(ctx(), dept_id, request.args.get("cursor"))
    return render_template("staff/visits.html", dept=org.get_department(ctx(), dept_id),
                           items=page.items, cursor=page.cursor, ranks=PRIORITY_RANK)


@bp.route("/departments/<dept_id>/customers/<customer_id>/visits/new", methods=["GET", "POST"])
@staff_required(Perm.PROPOSE_GRADES)
def visit_new(dept_id: str, customer_id: str):
    """Plan a visit to a customer of the department (who goes, when, how, what for)."""
    standing = grading.get_standing(ctx(), dept_id, customer_id)
    people = visits.assignees(ctx(), dept_id)
    form = VisitForm()
    form.assignee_id.choices = [SelectChoice(u.user_id, f"{u.name} · {u.email}") for u in people]
    if request.method == "GET":
        form.assignee_id.data = ctx().actor.user_id
    problem = None
    if form.validate_on_submit():
        try:
            visits.plan(ctx(), dept_id, customer_id, planned_on=form.planned_on.data, mode=form.mode.data,
                        purpose=form.purpose.data, assignee_id=form.assignee_id.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Visit planned."), "success")
            return redirect(url_for("staff.visit_plan", dept_id=dept_id))
    return render_template("staff/form.html", form=form, problem=problem, dept=org.get_department(ctx(), dept_id),
                           title=_("Plan a visit to %(name)s", name=standing.customer_name))


@bp.route("/visits/<visit_id>", methods=["GET", "POST"])
@staff_required(Perm.VIEW_CUSTOMERS)
def visit(visit_id: str):
    """One visit: its plan, and (for the department's staff) recording it as made or cancelled."""
    item = visits.get(ctx(), visit_id)
    if request.method == "POST":
        visits.check_may_record(ctx(), item)  # before the form is read
    form = VisitOutcomeForm()
    if request.method == "GET":
        form.version.data = item.version
    problem = None
    if form.validate_on_submit():
        try:
            visits.record(ctx(), visit_id, form.outcome.data, form.notes.data, form.version.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Visit recorded."), "success")
            return redirect(url_for("staff.visit_plan", dept_id=item.dept_id))
    return render_template("staff/visit.html", item=item, form=form, problem=problem,
                           may_record=item.status == "planned" and may(ctx().actor, Perm.PROPOSE_GRADES, item.dept_id))
