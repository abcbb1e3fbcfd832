"""Staff pages for dynamic management: blacklists, incidents, reviews, re-entries, timelines, jobs (BLK, INC, REV)."""

from __future__ import annotations

import json

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from functions import JOBS
from functions.registry import registry
from portal.domain.roles import Perm, may
from portal.services import (
    applications,
    audit,
    blacklist,
    customers,
    grading,
    incidents,
    org,
    people,
    review_prefill,
    reviews,
)
from portal.services.pages import timeline as timeline_pages
from portal.staff import bp
from portal.web import ctx, dept_label, settings, staff_required
from portal.web.forms import FORM_ERRORS, apply_errors
from portal.web.forms.staff import (
    BlacklistForm,
    IncidentForm,
    JobForm,
    ReasonOnlyForm,
    ReviewDecisionForm,
    StageEvaluationForm,
)


def _scopes() -> list[SelectChoice]:
    choices = []
    if may(g.actor, Perm.MANAGE_COMPANY_BLACKLIST):
        choices.append(SelectChoice("company", _("Company blacklist")))
    if g.actor.dept_id and may(g.actor, Perm.MANAGE_DEPARTMENT_BLACKLIST, g.actor.dept_id):
        choices.append(SelectChoice(g.actor.dept_id, _("Department blacklist (%(d)s)", d=dept_label(g.actor.dept_id))))
    return choices


@bp.get("/blacklist")
@staff_required(Perm.VIEW_CUSTOMERS)
def blacklist_page():
    """BLK-3: the company blacklist for every staff user; department lists for their staff and MD; a page of each
    (with `scope` and `cursor`: the next page of that list alone)."""
    scopes = ["company"] + org.sales_scopes(ctx())
    if request.args.get("scope"):
        scopes = [request.args["scope"]]
    everything = request.args.get("all") == "1"
    lists = {scope: blacklist.entry_page(ctx(), scope, active_only=not everything,
                                         cursor=request.args.get("cursor") if len(scopes) == 1 else None)
             for scope in scopes}
    may_lift = {scope: (may(g.actor, Perm.MANAGE_COMPANY_BLACKLIST) if scope == "company"
                        else may(g.actor, Perm.MANAGE_DEPARTMENT_BLACKLIST, scope)) for scope in scopes}
    return render_template("staff/blacklist.html", lists=lists, may_lift=may_lift, lift_form=ReasonOnlyForm(),
                           everything=everything,
                           reports=incidents.open_reports(ctx()) if may(g.actor, Perm.MANAGE_COMPANY_BLACKLIST)
                           else [], overdue=incidents.overdue_downgrades(ctx()))


@bp.route("/customers/<customer_id>/blacklist", methods=["GET", "POST"])
@staff_required(Perm.VIEW_CUSTOMERS)
def blacklist_new(customer_id: str):
    """List a customer: a department leader on its department's list, MD on the company list (BLK-1)."""
    customer = customers.get_customer(ctx(), customer_id)
    form = BlacklistForm(scope=request.args.get("scope"))
    form.scope.choices = _scopes()
    if not form.scope.choices:
        abort(403)
    problem = None
    if form.validate_on_submit():
        try:
            blacklist.list_customer(ctx(), customer_id, form.scope.data, form.reason.data, form.expires_on.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Listed. The customer's standing in scope has ended."), "success")
            return redirect(url_for("staff.blacklist_page"))
    return render_template("staff/form.html", form=form, problem=problem,
                           title=_("Blacklist %(name)s", name=customer.name), submit_label=_("Blacklist"),
                           confirm=_("Blacklist %(name)s? Its standing in this scope ends at once and cannot be "
                                     "restored; coming back needs a new application.", name=customer.name))


@bp.post("/blacklist/<entry_id>/lift")
@staff_required(Perm.VIEW_CUSTOMERS)
def blacklist_lift(entry_id: str):
    """End a listing early (it does not re-admit; BLK-6 re-entry is a new application)."""
    entry = blacklist.get_entry(ctx(), entry_id)
    blacklist.check_scope(ctx(), entry.scope, entry_id)  # before the form is read
    form = ReasonOnlyForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for lifting."), "error")
    else:
        try:
            blacklist.lift(ctx(), entry_id, form.reason.data)
        except FORM_ERRORS as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The listing has been lifted."), "success")
    return redirect(url_for("staff.blacklist_page"))


@bp.post("/reports/<customer_id>/<incident_id>")
@staff_required(Perm.MANAGE_COMPANY_BLACKLIST)
def report_decide(customer_id: str, incident_id: str):
    """MD decides a major-loss report: list on the company blacklist, or close it (INC-3)."""
    form = ReasonOnlyForm()
    if form.validate_on_submit():
        try:
            incidents.decide_report(ctx(), customer_id, incident_id, request.form.get("action") == "list",
                                    form.reason.data)
        except FORM_ERRORS as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("Report decided."), "success")
    return redirect(url_for("staff.blacklist_page"))


@bp.route("/departments/<dept_id>/customers/<customer_id>/incidents", methods=["GET", "POST"])
@staff_required(Perm.RECORD_INCIDENTS)
def incident_new(dept_id: str, customer_id: str):
    """INC-1: record an incident; a VIP's downgrade falls due in 5 days (INC-2)."""
    standing = grading.get_standing(ctx(), dept_id, customer_id)
    form = IncidentForm()
    problem = None
    if form.validate_on_submit():
        try:
            incident = incidents.record(ctx(), dept_id, customer_id, form.kind.data, form.description.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            if incident.downgrade_due_at:
                flash(_("Incident recorded. The customer is VIP here: a downgrade is due by %(when)s.",
                        when=incident.downgrade_due_at.strftime("%Y-%m-%d %H:%M UTC")), "error")
            else:
                flash(_("Incident recorded."), "success")
            return redirect(url_for("staff.standing", dept_id=dept_id, customer_id=customer_id))
    return render_template("staff/form.html", form=form, problem=problem,
                           title=_("Incident: %(name)s", name=standing.customer_name))


@bp.get("/reviews")
@staff_required(Perm.VIEW_CUSTOMERS)
def review_cycles():
    """REV-2/3: the cycles and each department's progress (MD sees every department's)."""
    all_cycles = reviews.cycles(ctx())
    chosen = request.args.get("cycle") or (all_cycles[0].cycle_id if all_cycles else None)
    return render_template("staff/reviews.html", cycles=all_cycles, chosen=chosen,
                           progress=reviews.progress(ctx(), chosen) if chosen else [])


@bp.get("/reviews/<cycle_id>/<dept_id>")
@staff_required(Perm.VIEW_CUSTOMERS)
def review_tasks(cycle_id: str, dept_id: str):
    """A department's review tasks in a cycle (results filed with MD)."""
    page = reviews.task_page(ctx(), cycle_id, dept_id, request.args.get("cursor"))
    return render_template("staff/review_tasks.html", cycle_id=cycle_id, dept=org.get_department(ctx(), dept_id),
                           tasks=page.items, cursor=page.cursor)


@bp.route("/reviews/<cycle_id>/<dept_id>/<customer_id>", methods=["GET", "POST"])
@staff_required(Perm.VIEW_CUSTOMERS)
def review_task(cycle_id: str, dept_id: str, customer_id: str):
    """附件2: staff fill the stage evaluation; the leader decides the grade (through the quotas)."""
    task = reviews.get_task(ctx(), cycle_id, dept_id, customer_id)
    saved = json.loads(task.form) if task.form else {}
    pre = review_prefill.prefill(ctx(), task) if task.status == "open" else review_prefill.Prefill()
    form = StageEvaluationForm(data={**pre.values, **saved, "version": task.version}) if request.method == "GET" \
        else StageEvaluationForm()
    decision = ReviewDecisionForm(data={"grade": task.recommended or task.grade_at_open, "version": task.version})
    problem = None
    if request.method == "POST":
        try:
            if request.form.get("step") == "decide":
                decision = ReviewDecisionForm()
                if decision.validate_on_submit():
                    reviews.decide(ctx(), cycle_id, dept_id, customer_id, decision.grade.data, decision.reason.data,
                                   decision.version.data)
                    flash(_("Review decided."), "success")
                    return redirect(url_for("staff.review_tasks", cycle_id=cycle_id, dept_id=dept_id))
            elif form.validate_on_submit():
                reviews.submit(ctx(), cycle_id, dept_id, customer_id, reviews.StageEvaluation(
                    form.contract_performance.data, form.payment.data, form.integrity.data, form.tickets.data or 0,
                    form.score.data, form.recommended.data, form.note.data or ""), form.version.data)
                flash(_("Review submitted to the department leader."), "success")
                return redirect(url_for("staff.review_task", cycle_id=cycle_id, dept_id=dept_id,
                                        customer_id=customer_id))
        except FORM_ERRORS as exc:
            problem = apply_errors(decision if request.form.get("step") == "decide" else form, exc)
    return render_template("staff/review_task.html", task=task, form=form, decision=decision, problem=problem,
                           saved=saved, prefill=pre, can_review=may(g.actor, Perm.REVIEW_CUSTOMERS, dept_id),
                           names=people.names_by_email(ctx(), [task.submitted_by]),
                           can_decide=may(g.actor, Perm.DECIDE_GRADES, dept_id))


@bp.post("/applications/<app_id>/reentry")
@staff_required(Perm.APPROVE_REENTRY)
def reentry_approve(app_id: str):
    """BLK-6: company leadership's approval of a re-entry."""
    form = ReasonOnlyForm()
    if form.validate_on_submit():
        try:
            applications.approve_reentry(ctx(), app_id, form.reason.data, form.version.data)
        except FORM_ERRORS as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("Re-entry approved by company leadership."), "success")
    return redirect(url_for("staff.application", app_id=app_id))


@bp.get("/customers/<customer_id>/timeline")
@staff_required(Perm.VIEW_CUSTOMERS)
def timeline(customer_id: str):
    """Issue 17 item 3 (BLK-7, GRD-6): the customer's whole timeline in the departments the actor sees, newest
    first."""
    page = timeline_pages.customer_timeline(ctx(), customer_id, request.args.get("cursor"))
    return render_template("staff/timeline.html", page=page)


@bp.route("/jobs", methods=["GET", "POST"])
@staff_required(Perm.RUN_JOBS)
def jobs():
    """Local and dev stages only: MD runs a scheduled function by hand, optionally at another moment."""
    if settings().env not in ("local", "test", "dev"):
        abort(404)
    form = JobForm()
    result = None
    if form.validate_on_submit():
        run = registry().get(request.form.get("job") or "")
        if run is None:
            abort(404)
        name = request.form.get("job")
        try:
            result = run({"now": form.now.data or None})
        except ValueError:
            form.now.errors = [_("Use ISO-8601, e.g. 2027-07-01T00:05:00+08:00.")]
        else:
            audit.record(ctx(), "job.run_by_hand", target_type="job", target_id=name, detail={"now": form.now.data})
    return render_template("staff/jobs.html", jobs=JOBS, form=form, result=json.dumps(result, ensure_ascii=False,
                                                                                       indent=2) if result else None)

