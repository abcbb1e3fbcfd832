"""Staff pages for grading: a customer's standing, evaluations, grade changes, quotas, scorecards."""

from __future__ import annotations

import json

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from portal.domain.grading import Grade, rank, scorecard_from_dict
from portal.domain.roles import Perm, may
from portal.services import customers, evaluations, grade_facts, grading, org, people, scorecards
from portal.services.pages import staff as staff_pages
from portal.staff import bp
from portal.web import ctx, staff_required
from portal.web.forms import FORM_ERRORS, apply_errors, first_message
from portal.web.forms.scorecard import SOURCES, ScorecardEditorForm, editor_data
from portal.web.forms.staff import AcceptForm, DeclineForm, EndStandingForm, GradeForm
from portal.web.labels import status_label


def _standing_page(dept_id: str, customer_id: str, grade_form=None, end_form=None, problem=None):
    page = staff_pages.standing_page(ctx(), dept_id, customer_id)
    standing, found = page.standing, page.evaluations
    form = grade_form or GradeForm(grade=standing.grade)  # starts on the current grade, not on the best one
    form.evaluation_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(e.eval_id, f"{e.at:%Y-%m-%d} · {e.total:g} · {status_label(e.proposed)}") for e in found]
    inputs = evaluations.inputs_of(found[0]) if found else {"values": {}, "computed": {}, "overrides": {}}
    return render_template(
        "staff/standing.html", standing=standing, dept=page.dept, evaluations=found, latest_inputs=inputs,
        latest_sources={k: grade_facts.describe(c["source"], c["facts"]) for k, c in inputs["computed"].items()},
        latest_points=json.loads(found[0].points) if found else {},
        latest_card=scorecard_from_dict(json.loads(found[0].card_definition)) if found else None,
        grade_form=form, end_form=end_form or EndStandingForm(prefix="end"), decline_form=DeclineForm(),
        proposals=page.proposals, products=page.products,
        names=people.names_by_email(ctx(), [e.by for e in found] + [p.by for p in page.proposals]
                                    + [o["by"] for o in inputs["overrides"].values()]),
        quota=page.quota, priority=rank(Grade(standing.grade)), problem=problem,
        can_decide=may(g.actor, Perm.DECIDE_GRADES, dept_id), can_propose=may(g.actor, Perm.PROPOSE_GRADES, dept_id),
        can_evaluate=may(g.actor, Perm.EVALUATE, dept_id), last_visit=page.last_visit)


@bp.get("/departments/<dept_id>/customers/<customer_id>")
@staff_required(Perm.VIEW_CUSTOMERS)
def standing(dept_id: str, customer_id: str):
    """A customer's standing in the department: grade, priority, evaluations, proposals and decisions."""
    return _standing_page(dept_id, customer_id)


@bp.post("/departments/<dept_id>/customers/<customer_id>/grade")
@staff_required(Perm.PROPOSE_GRADES)
def grade(dept_id: str, customer_id: str):
    """The leader changes the grade; a clerk or rep proposes it."""
    form = GradeForm()
    if form.validate_on_submit():
        try:
            if may(g.actor, Perm.DECIDE_GRADES, dept_id):
                grading.change(ctx(), dept_id, customer_id, form.grade.data, form.reason.data,
                               evaluation_id=form.evaluation_id.data or None,
                               override_reason=form.override_reason.data, proposal_id=form.proposal_id.data or None,
                               no_evaluation_reason=form.no_evaluation_reason.data or "")
                flash(_("The grade has been changed."), "success")
            else:
                grading.propose(ctx(), dept_id, customer_id, form.grade.data, form.reason.data,
                                form.evaluation_id.data or None)
                flash(_("Your proposal has been sent to the department leader."), "success")
        except FORM_ERRORS as exc:
            return _standing_page(dept_id, customer_id, grade_form=form, problem=apply_errors(form, exc))
        return redirect(url_for("staff.standing", dept_id=dept_id, customer_id=customer_id))
    return _standing_page(dept_id, customer_id, grade_form=form)


@bp.post("/departments/<dept_id>/customers/<customer_id>/accept")
@staff_required(Perm.DECIDE_GRADES)
def accept(dept_id: str, customer_id: str):
    """The leader accepts a proposal with one click (GRD-6: the history names who proposed it)."""
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            grading.accept(ctx(), dept_id, customer_id, form.proposal_id.data,
                           no_evaluation_reason=form.no_evaluation_reason.data or "")
        except FORM_ERRORS as exc:
            flash(first_message(exc), "error")
        else:
            flash(_("The proposal has been accepted and the grade changed."), "success")
    return redirect(url_for("staff.standing", dept_id=dept_id, customer_id=customer_id))


@bp.post("/departments/<dept_id>/customers/<customer_id>/decline")
@staff_required(Perm.DECIDE_GRADES)
def decline(dept_id: str, customer_id: str):
    """The leader declines a proposal."""
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            grading.decline(ctx(), dept_id, customer_id, form.proposal_id.data, form.reason.data)
        except FORM_ERRORS as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("The proposal has been declined."), "success")
    return redirect(url_for("staff.standing", dept_id=dept_id, customer_id=customer_id))


@bp.post("/departments/<dept_id>/customers/<customer_id>/end")
@staff_required(Perm.DECIDE_GRADES)
def end_standing(dept_id: str, customer_id: str):
    """The customer leaves the department (QTA-5: never blocked by a quota)."""
    form = EndStandingForm(prefix="end")  # its own field ids: the grade form on the same page has a reason too
    if form.validate_on_submit():
        try:
            grading.end_standing(ctx(), dept_id, customer_id, form.reason.data)
        except FORM_ERRORS as exc:
            return _standing_page(dept_id, customer_id, end_form=form, problem=apply_errors(form, exc))
        flash(_("The customer's standing in this department has ended."), "success")
        return redirect(url_for("staff.customer_list", dept_id=dept_id))
    return _standing_page(dept_id, customer_id, end_form=form)


@bp.route("/departments/<dept_id>/customers/<customer_id>/evaluate", methods=["GET", "POST"])
@staff_required(Perm.EVALUATE)
def evaluate(dept_id: str, customer_id: str):
    """Fill the applicable scorecard (附件1): the portal computes points, total and the proposed grade."""
    standing = grading.get_standing(ctx(), dept_id, customer_id)
    product = request.values.get("product") or None
    scope, card_id, _record, card = scorecards.card_for(ctx().uow(), dept_id, product)
    errors, reasons = {}, {}
    values, computed, proven = evaluations.form_start(ctx(), standing, card, customers.get_customer(ctx(), customer_id))
    hard = dict(proven)
    if request.method == "POST":
        values = {i.key: request.form.get(f"v_{i.key}", "") for i in card.indicators}
        reasons = {key: request.form.get(f"why_{key}", "") for key in computed}
        hard = {key: request.form.get(f"hard_{key}") == "y" or key in proven for key in card.caps}
        try:
            evaluation = evaluations.evaluate(ctx(), dept_id, customer_id, values, hard, product, reasons=reasons)
        except FORM_ERRORS as exc:
            errors = {k: [str(m) for m in v] for k, v in exc.fields.items()}
        else:
            flash(_("Evaluated: %(total)s points, proposed grade %(grade)s.", total=f"{evaluation.total:g}",
                    grade=status_label(evaluation.proposed)), "success")
            return redirect(url_for("staff.standing", dept_id=dept_id, customer_id=customer_id))
    sources = {k: grade_facts.describe(c.kind, c.facts) for k, c in computed.items()}
    return render_template("staff/evaluate.html", standing=standing, card=card, scope=scope, card_id=card_id,
                           product=product, values=values, hard=hard, errors=errors, computed=computed,
                           sources=sources, reasons=reasons, proven=proven)


@bp.get("/customers/<customer_id>/grades")
@staff_required(Perm.VIEW_CUSTOMERS)
def grade_history(customer_id: str):
    """GRD-6: every grade change with who, when, from, to, why and the evaluation behind it."""
    dept = request.args.get("dept") or None
    page = grading.history_page(ctx(), customer_id, dept, request.args.get("cursor"))
    customer = customers.get_customer(ctx(), customer_id)
    return render_template("staff/grade_history.html", changes=page.items, cursor=page.cursor, dept=dept,
                           customer=customer, names=people.names_by_email(ctx(), [c.by for c in page.items]))


@bp.get("/scorecards")
@staff_required(Perm.VIEW_CUSTOMERS)
def scorecard_list():
    """The company default and the scorecards of the departments the user sees."""
    departments = [d.dept_id for d in org.list_departments(ctx()) if d.kind == "sales"]
    records = scorecards.visible(ctx(), departments)
    return render_template("staff/scorecards.html", records=records, departments=departments,
                           names=people.names_by_email(ctx(), [r.updated_by for r in records]))


@bp.route("/scorecards/<scope>/<card_id>", methods=["GET", "POST"])
@staff_required(Perm.VIEW_CUSTOMERS)
def scorecard(scope: str, card_id: str):
    """One scorecard: its table, and a structured editor for those who may change it (stale edits refused; the
    JSON form stays in the API)."""
    record = scorecards.get_or_start(ctx(), scope, card_id)
    if request.method == "POST":
        scorecards.check_may_save(ctx(), scope, card_id)
        form = ScorecardEditorForm()
    else:
        form = ScorecardEditorForm(data={**editor_data(json.loads(record.definition)), "version": record.version})
    problem = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            scorecards.save(ctx(), scope, card_id, json.dumps(form.definition, ensure_ascii=False), form.version.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Scorecard saved. Earlier evaluations keep the version they were scored with."), "success")
            return redirect(url_for("staff.scorecard", scope=scope, card_id=card_id))
    elif request.method == "POST":
        problem = form.form_errors[0] if form.form_errors else _("Please correct the marked fields.")
    may_edit = may(g.actor, Perm.MANAGE_COMPANY_STANDARDS) if scope == "company" else \
        may(g.actor, Perm.MANAGE_SCORECARDS, scope)
    return render_template("staff/scorecard.html", record=record, form=form, problem=problem, may_edit=may_edit,
                           card=scorecard_from_dict(json.loads(record.definition)), scope=scope, card_id=card_id,
                           source_labels={c.value: c.label for c in SOURCES})
