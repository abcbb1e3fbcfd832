"""Staff pages for contracts (REL-3): the department's list, one contract with its versions and history and the
step its reader may take next, a form for each step, and MD's approval threshold."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from portal.domain.roles import Perm, Role, may
from portal.services import contract_changes, contract_reads, contracts, customers, org
from portal.services.contracts import Terms
from portal.staff import bp
from portal.web import ctx, staff_required
from portal.web.forms import FORM_ERRORS, apply_errors
from portal.web.forms.contracts import (
    ContractReasonForm,
    ContractSignPageForm,
    ContractStepForm,
    ContractTermsForm,
    ContractThresholdForm,
)


def _terms(form) -> Terms:
    return Terms(form.contract_no.data or "", form.title.data or "", form.amount.data, form.start_date.data,
                 form.end_date.data)


@bp.get("/departments/<dept_id>/contracts")
@staff_required(Perm.VIEW_CUSTOMERS)
def contract_list(dept_id: str):
    """The department's contracts, newest first, each with where it stands."""
    page = contract_reads.department_page(ctx(), dept_id, request.args.get("cursor"))
    return render_template("staff/contracts.html", dept=org.get_department(ctx(), dept_id), items=page.items,
                           cursor=page.cursor)


@bp.route("/departments/<dept_id>/customers/<customer_id>/contracts/new", methods=["GET", "POST"])
@staff_required(Perm.DRAFT_CONTRACTS)
def contract_new(dept_id: str, customer_id: str):
    """Draft a contract with a customer."""
    customer = customers.get_customer(ctx(), customer_id)
    form = ContractTermsForm()
    del form.note  # a first version changes nothing
    problem = None
    if form.validate_on_submit():
        try:
            head = contracts.create(ctx(), dept_id, customer_id, _terms(form))
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Contract drafted."), "success")
            return redirect(url_for("staff.contract", contract_id=head.contract_id))
    return render_template("staff/form.html", form=form, problem=problem, dept=org.get_department(ctx(), dept_id),
                           title=_("New contract with %(name)s", name=customer.name))


@bp.get("/contracts/<contract_id>")
@staff_required(Perm.VIEW_CUSTOMERS)
def contract(contract_id: str):
    """One contract: its terms, versions (all kept) and history, and the steps its reader may take."""
    view = contract_reads.contract_page(ctx(), contract_id)
    actor, dept = ctx().actor, view.head.dept_id
    latest = view.versions[-1] if view.versions else None
    ended = view.head.state in ("terminated", "expired")
    pending = latest is not None and latest.state not in ("signed", "superseded")
    steps = {
        "edit": pending and latest.state == "draft" and may(actor, Perm.DRAFT_CONTRACTS, dept),
        "submit": pending and latest.state == "draft" and may(actor, Perm.DRAFT_CONTRACTS, dept),
        "approve": pending and latest.state == "submitted" and may(actor, Perm.APPROVE_CONTRACTS, dept),
        "send_back": pending and latest.state == "submitted" and may(actor, Perm.APPROVE_CONTRACTS, dept),
        "sign": pending and latest.state == "approved" and may(actor, Perm.DRAFT_CONTRACTS, dept),
        "amend": view.head.state == "signed" and not pending and may(actor, Perm.DRAFT_CONTRACTS, dept),
        "terminate": view.head.state == "signed" and may(actor, Perm.APPROVE_CONTRACTS, dept),
    }
    md_only = steps["approve"] and contract_reads.md_approves(ctx(), latest)
    if md_only and actor.role != Role.MD:
        steps["approve"] = False  # above MD's threshold: MD approves (the service refuses a leader anyway)
    if ended:
        steps = dict.fromkeys(steps, False)
    form = ContractStepForm()
    form.version.data = view.head.version
    return render_template("staff/contract.html", view=view, steps=steps, form=form, latest=latest, md_only=md_only)


@bp.post("/contracts/<contract_id>/step")
@staff_required(Perm.VIEW_CUSTOMERS)
def contract_step(contract_id: str):
    """Submit the draft version, or approve the submitted one (buttons on the contract's page)."""
    contracts.load(ctx(), contract_id)  # the department's staff and MD (403 elsewhere, 404 when unknown)
    action = request.form.get("action")
    if action not in ("submit", "approve"):
        abort(400)
    form = ContractStepForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        (contracts.submit if action == "submit" else contracts.approve)(ctx(), contract_id, form.version.data)
    except FORM_ERRORS as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Contract submitted for approval.") if action == "submit" else _("Contract approved."), "success")
    return redirect(url_for("staff.contract", contract_id=contract_id))


def _terms_page(contract_id: str, amend: bool):
    view = contract_reads.contract_page(ctx(), contract_id)
    contracts.load(ctx(), contract_id, Perm.DRAFT_CONTRACTS)
    form = ContractTermsForm()
    if not amend:
        del form.note
    source = view.versions[-1] if view.versions else view.head
    if request.method == "GET":
        form.contract_no.data, form.title.data, form.amount.data = source.contract_no, source.title, int(
            source.amount)
        from datetime import date

        form.start_date.data = date.fromisoformat(source.start_date)
        form.end_date.data = date.fromisoformat(source.end_date)
        form.version.data = view.head.version
    problem = None
    if form.validate_on_submit():
        try:
            if amend:
                contract_changes.amend(ctx(), contract_id, _terms(form), form.note.data or "", form.version.data)
            else:
                contracts.edit(ctx(), contract_id, _terms(form), form.version.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Amendment drafted.") if amend else _("Terms saved."), "success")
            return redirect(url_for("staff.contract", contract_id=contract_id))
    title = _("Amend %(title)s", title=view.head.title) if amend else _("Terms of %(title)s", title=view.head.title)
    return render_template("staff/form.html", form=form, problem=problem, title=title)


@bp.route("/contracts/<contract_id>/terms", methods=["GET", "POST"])
@staff_required(Perm.DRAFT_CONTRACTS)
def contract_terms(contract_id: str):
    """Change the draft version's terms."""
    return _terms_page(contract_id, amend=False)


@bp.route("/contracts/<contract_id>/amend", methods=["GET", "POST"])
@staff_required(Perm.DRAFT_CONTRACTS)
def contract_amend(contract_id: str):
    """Open an amendment: a new version with the changed terms, approved like the first."""
    return _terms_page(contract_id, amend=True)


@bp.route("/contracts/<contract_id>/sign", methods=["GET", "POST"])
@staff_required(Perm.DRAFT_CONTRACTS)
def contract_sign(contract_id: str):
    """Record the signing, choosing the customer's signed scan (uploaded as a document, checked, confirmed)."""
    contracts.load(ctx(), contract_id, Perm.DRAFT_CONTRACTS)
    form = ContractSignPageForm()
    scans = contract_reads.scans(ctx(), contract_id)
    form.doc_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(d.doc_id, f"{d.original_name} · {d.issue_date}") for d in scans]
    problem = None
    if request.method == "GET":
        form.version.data = None
    if form.validate_on_submit():
        try:
            contracts.sign(ctx(), contract_id, form.doc_id.data, form.version.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Signing recorded."), "success")
            return redirect(url_for("staff.contract", contract_id=contract_id))
    return render_template("staff/form.html", form=form, problem=problem, title=_("Record the signing"),
                           lead=_("The customer uploads the signed contract on its documents page as “Signed sales "
                                  "contract”; once the file is checked and a person of the department has "
                                  "confirmed it, choose it here."))


def _reason_page(contract_id: str, terminate: bool):
    contracts.load(ctx(), contract_id, Perm.APPROVE_CONTRACTS)
    form = ContractReasonForm()
    problem = None
    if form.validate_on_submit():
        try:
            if terminate:
                contract_changes.terminate(ctx(), contract_id, form.reason.data, form.version.data)
            else:
                contracts.send_back(ctx(), contract_id, form.reason.data, form.version.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Contract terminated.") if terminate else _("Sent back to draft."), "success")
            return redirect(url_for("staff.contract", contract_id=contract_id))
    title = _("Terminate the contract") if terminate else _("Send back to draft")
    return render_template("staff/form.html", form=form, problem=problem, title=title,
                           confirm=_("Terminate this contract? This cannot be undone.") if terminate else None)


@bp.route("/contracts/<contract_id>/send-back", methods=["GET", "POST"])
@staff_required(Perm.APPROVE_CONTRACTS)
def contract_send_back(contract_id: str):
    """Send a submitted version back to draft, saying why."""
    return _reason_page(contract_id, terminate=False)


@bp.route("/contracts/<contract_id>/terminate", methods=["GET", "POST"])
@staff_required(Perm.APPROVE_CONTRACTS)
def contract_terminate(contract_id: str):
    """Terminate a signed contract, saying why."""
    return _reason_page(contract_id, terminate=True)


@bp.route("/contract-threshold", methods=["GET", "POST"])
@staff_required(Perm.MANAGE_COMPANY_STANDARDS)
def contract_threshold():
    """MD sets the amount above which MD approves contracts instead of the department leader."""
    form = ContractThresholdForm()
    if request.method == "GET":
        form.amount.data = contract_reads.threshold(ctx())
    problem = None
    if form.validate_on_submit():
        try:
            contract_changes.set_threshold(ctx(), form.amount.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("staff.contract_threshold"))
    return render_template("staff/form.html", form=form, problem=problem, title=_("Contract approval threshold"))
