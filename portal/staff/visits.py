"""Staff pages for visits: the department's plan by day with grade badges (RGT-2), planning one, recording what
came of it (made: not before its day)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from portal.domain.roles import Perm, may
from portal.services import grading, org, people, visits
from portal.staff import bp
from portal.web import ctx, staff_required
from portal.web.forms import FORM_ERRORS, apply_errors
from portal.web.forms.service import VisitForm, VisitOutcomeForm
from portal.web.labels import role_label


@bp.get("/departments/<dept_id>/visits")
@staff_required(Perm.VIEW_CUSTOMERS)
def visit_plan(dept_id: str):
    """Visits still to make by day, earliest (overdue) first, each with its customer's grade (RGT-2)."""
    page = visits.planned_page(ctx(), dept_id, request.args.get("cursor"))
    return render_template("staff/visits.html", dept=org.get_department(ctx(), dept_id),
                           items=page.items, cursor=page.cursor)


@bp.route("/departments/<dept_id>/customers/<customer_id>/visits/new", methods=["GET", "POST"])
@staff_required(Perm.PROPOSE_GRADES)
def visit_new(dept_id: str, customer_id: str):
    """Plan a visit to a customer of the department (who goes, when, how, what for)."""
    standing = grading.get_standing(ctx(), dept_id, customer_id)
    staff = visits.assignees(ctx(), dept_id)
    form = VisitForm()
    form.assignee_id.choices = [SelectChoice(u.user_id, f"{u.name} · {role_label(u.role)}") for u in staff]
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
    made_now = visits.made_from_today(ctx(), item)
    if not made_now:  # before its day only cancelling is offered (the server refuses "made" anyway)
        form.outcome.choices = [c for c in form.outcome.choices if c.value != "done"]
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
    names = people.names_by_email(ctx(), [item.assignee_email, item.created_by, item.finished_by])
    return render_template("staff/visit.html", item=item, form=form, problem=problem, made_now=made_now, names=names,
                           may_record=item.status == "planned" and may(ctx().actor, Perm.PROPOSE_GRADES, item.dept_id))
