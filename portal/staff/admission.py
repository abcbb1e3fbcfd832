"""Staff pages for admission: prospects, the review queue, one application's review, admitted customers."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import SelectChoice

from portal.domain.customers import Condition
from portal.domain.roles import Perm, may
from portal.services import applications, customers, documents, export_jobs, grading, org, prospects
from portal.services.access import authorize
from portal.services.pages import staff as staff_pages
from portal.staff import bp
from portal.web import ctx, settings, staff_required
from portal.web.forms import FORM_ERRORS, apply_errors, first_message
from portal.web.forms.staff import (
    AssignForm,
    BackgroundForm,
    ConditionForm,
    DecisionForm,
    DocumentTypeForm,
    ProspectForm,
    VersionedForm,
)
from portal.web.labels import CUSTOMER_KIND_LABELS, document_status, localized_name, role_label


@bp.route("/departments/<dept_id>/prospects", methods=["GET", "POST"])
@staff_required(Perm.MANAGE_PROSPECTS)
def prospect_list(dept_id: str):
    """A department's prospects (潜在客户) and a form to record one (ONB-2)."""
    dept = org.get_department(ctx(), dept_id)
    form = ProspectForm()
    problem = None
    if form.validate_on_submit():
        try:
            prospects.create(ctx(), dept_id, name=form.name.data, email=form.email.data,
                             contact_name=form.contact_name.data, note=form.note.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Prospect recorded."), "success")
            return redirect(url_for("staff.prospect_list", dept_id=dept_id))
    page = prospects.listing(ctx(), dept_id, request.args.get("cursor"))
    return render_template("staff/prospects.html", dept=dept, form=form, page=page, problem=problem)


@bp.post("/prospects/<prospect_id>/invite")
@staff_required(Perm.MANAGE_PROSPECTS)
def prospect_invite(prospect_id: str):
    """E-mail the prospect a registration link that ties its registration to the prospect."""
    dept_id = request.form.get("dept_id", "")
    try:
        prospects.invite(ctx(), prospect_id, settings().public_url)
    except FORM_ERRORS as exc:
        flash(apply_errors(ProspectForm(), exc) or str(exc.message), "error")
    else:
        flash(_("Invitation sent."), "success")
    return redirect(url_for("staff.prospect_list", dept_id=dept_id) if dept_id else url_for("staff.home"))


@bp.get("/departments/<dept_id>/applications")
@staff_required(Perm.VIEW_CUSTOMERS)
def application_queue(dept_id: str):
    """The department's undecided applications, oldest first."""
    dept = org.get_department(ctx(), dept_id)
    page = applications.queue(ctx(), dept_id, request.args.get("cursor"))
    return render_template("staff/queue.html", dept=dept, page=page,
                           can_review=may(ctx().actor, Perm.REVIEW_APPLICATIONS, dept_id))


def _review_page(app_id: str, **forms):
    page = staff_pages.review_page(ctx(), app_id)
    app, types, staff = page.app, page.types, page.staff
    view = customers.Overview(page.customer, page.documents, [], [])
    verified = [d for d in view.documents if d.status in ("verified", "superseded")]
    locale = str(get_locale())
    assign = forms.get("assign") or AssignForm(obj=app)
    assign.assignee_id.choices = [SelectChoice(u.user_id, f"{u.name} · {role_label(u.role)}") for u in staff]
    condition_forms = {}
    recorded = applications.conditions_of(app)
    for code in Condition:
        found = recorded.get(code.value)  # a recorded finding shows as it stands; an unrecorded one as blank
        form = forms.get(f"condition_{code.value}") or ConditionForm(
            code=code.value, version=app.version, prefix=f"c{code.value}",
            met=None if found is None else ("yes" if found.get("met") else "no"))
        form.evidence_doc.choices = [SelectChoice("", "—")] + [
            SelectChoice(d.doc_id, f"{localized_name(types[d.type_id], locale)} · {d.original_name} · "
                                   f"{document_status(d)}")  # issue 17: reviewed (已审核) or only file-checked
            for d in verified if d.type_id in types]
        form.contract_id.choices = [SelectChoice("", "—")] + [  # ADM-2 (c): picked, no longer typed (REL-3)
            SelectChoice(v.head.contract_id, f"{v.head.contract_no} · {v.head.title}") for v in page.contracts]
        condition_forms[code.value] = form
    return render_template(
        "staff/application.html", app=app, view=view, staff={u.user_id: u for u in staff},
        names={**{u.email: u.name for u in staff}, **{u.user_id: u.name for u in staff}},
        assign=assign, background=forms.get("background") or BackgroundForm(version=app.version),
        condition_forms=condition_forms, recorded=recorded,
        decision=forms.get("decision") or DecisionForm(version=app.version),
        types=types, problem=forms.get("problem"), dept=page.dept,
        background_check=applications.background_of(app),
        can_decide=may(ctx().actor, Perm.DECIDE_APPLICATIONS, app.dept_id),
        can_review=may(ctx().actor, Perm.REVIEW_APPLICATIONS, app.dept_id),
    )


@bp.get("/applications/<app_id>")
@staff_required(Perm.VIEW_CUSTOMERS)
def application(app_id: str):
    """Review one application: designated person, background check, the six conditions, the decision."""
    return _review_page(app_id)


def _post(app_id: str, form, action, form_key: str):
    if form.validate_on_submit():
        try:
            action(form)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
            return _review_page(app_id, **{form_key: form, "problem": problem}), 200
        flash(_("Saved."), "success")
        return redirect(url_for("staff.application", app_id=app_id))
    return _review_page(app_id, **{form_key: form}), 200


@bp.post("/applications/<app_id>/assign")
@staff_required(Perm.DECIDE_APPLICATIONS)
def application_assign(app_id: str):
    """The leader designates the person who checks the customer."""
    return _post(app_id, AssignForm(), lambda f: applications.assign(ctx(), app_id, f.assignee_id.data,
                                                                    f.version.data), "assign")


@bp.post("/applications/<app_id>/background")
@staff_required(Perm.REVIEW_APPLICATIONS)
def application_background(app_id: str):
    """The designated person records the background check."""
    return _post(app_id, BackgroundForm(), lambda f: applications.record_background_check(
        ctx(), app_id, f.note.data, f.version.data), "background")


@bp.post("/applications/<app_id>/conditions/<code>")
@staff_required(Perm.REVIEW_APPLICATIONS)
def application_condition(app_id: str, code: str):
    """Record one ADM-2 condition as met or not, with evidence."""
    form = ConditionForm(prefix=f"c{code}")
    return _post(app_id, form, lambda f: applications.record_condition(ctx(), app_id, applications.ConditionRecord(
        code=code, met=f.met.data == "yes", evidence_doc=f.evidence_doc.data or None,
        contract_id=f.contract_id.data or None, note=f.note.data), f.version.data), f"condition_{code}")


@bp.post("/applications/<app_id>/decision")
@staff_required(Perm.DECIDE_APPLICATIONS)
def application_decision(app_id: str):
    """The department leader admits or rejects, with a reason."""
    return _post(app_id, DecisionForm(), lambda f: applications.decide(
        ctx(), app_id, f.decision.data == "admit", f.reason.data, f.version.data), "decision")


@bp.post("/applications/<app_id>/confirm")
@staff_required(Perm.REVIEW_APPLICATIONS)
def application_confirm(app_id: str):
    """ADM-1: a member of the department confirms a retail or internal related-party customer in one click."""
    app = applications.get_application(ctx(), app_id)
    authorize(ctx(), Perm.REVIEW_APPLICATIONS, app.dept_id, target=app_id)  # SEC-1 before anything else
    form = VersionedForm()
    if not form.validate_on_submit():
        flash(_("This form has expired. Reload the page and try again."), "error")
        return redirect(url_for("staff.application", app_id=app_id))
    try:
        app = applications.confirm(ctx(), app_id, form.version.data)
    except FORM_ERRORS as exc:
        flash(first_message(exc), "error")
        return redirect(url_for("staff.application", app_id=app_id))
    flash(_("%(name)s is confirmed and now stands in the department as Qualified.", name=app.customer_name), "success")
    return redirect(url_for("staff.application_queue", dept_id=app.dept_id))


@bp.get("/departments/<dept_id>/customers")
@staff_required(Perm.VIEW_CUSTOMERS)
def customer_list(dept_id: str):
    """The customers admitted in the department, with their grade."""
    dept = org.get_department(ctx(), dept_id)
    grade = request.args.get("grade") or None
    page = grading.by_grade(ctx(), dept_id, grade, request.args.get("cursor"))
    return render_template("staff/customers.html", dept=dept, page=page, grade=grade,
                           quota=grading.quota(ctx(), dept_id),
                           recent_exports=export_jobs.my_exports(ctx(), limit=5).items)


@bp.get("/customers/<customer_id>")
@staff_required(Perm.VIEW_CUSTOMERS)
def customer(customer_id: str):
    """One customer's archive: registration data, documents, applications and standings (SEC-1)."""
    page = staff_pages.customer_archive(ctx(), customer_id, request.args.get("cursor"))  # SEC-1
    view = customers.Overview(page.customer, page.documents, page.applications, page.standings)
    return render_template("staff/customer.html", view=view, types=page.types,
                           rejection=documents.rejection_message, visits=page.visits)


@bp.get("/customers/<customer_id>/documents")
@staff_required(Perm.VIEW_CUSTOMERS)
def customer_documents(customer_id: str):
    """Every version of a customer's documents, newest first, a page at a time (SEC-1)."""
    page = staff_pages.document_history(ctx(), customer_id, request.args.get("cursor"))
    return render_template("staff/customer_documents.html", customer=page.customer, page=page.documents,
                           view=customers.Overview(page.customer, page.documents.items, [], []), types=page.types)


@bp.get("/documents/<doc_id>/open")
@staff_required(Perm.VIEW_CUSTOMERS)
def document_open(doc_id: str):
    """Open a customer's document through a short-lived presigned link; every opening is audited."""
    return redirect(documents.open_document(ctx(), doc_id))


def _type_form(record=None, formdata=None):
    form = DocumentTypeForm(formdata=formdata, obj=record, prefix=record.type_id if record else "new")
    form.required_for.choices = [SelectChoice(value, label) for value, label in CUSTOMER_KIND_LABELS.items()]
    if record is not None and formdata is None:
        form.required_for.data = sorted(record.required_for or [])
    return form


@bp.route("/document-types", methods=["GET", "POST"])
@staff_required(Perm.MANAGE_DOCUMENT_TYPES)
def document_types():
    """MD keeps the list of qualification documents and, per customer type, which are required."""
    records = documents.document_types()
    forms = {r.type_id: _type_form(r) for r in records}
    new = _type_form()
    problem = None
    if request.method == "POST":
        target = request.form.get("target", "new")
        record = next((r for r in records if r.type_id == target), None)
        form = _type_form(record, formdata=request.form)
        if form.validate():
            try:
                documents.save_type(ctx(), form.type_id.data if record is None else record.type_id,
                                    name_zh=form.name_zh.data, name_en=form.name_en.data,
                                    required_for=set(form.required_for.data or []),
                                    version=None if record is None else form.version.data)
            except FORM_ERRORS as exc:
                problem = apply_errors(form, exc)
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("staff.document_types"))
        if record is None:
            new = form
        else:
            forms[record.type_id] = form
    return render_template("staff/document_types.html", forms=forms, new=new, problem=problem)
