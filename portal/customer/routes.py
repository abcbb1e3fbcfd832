"""Customer pages: thin views over the services (a customer's users see only their own company)."""

from __future__ import annotations

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import SelectChoice

from portal.customer import bp
from portal.services import applications, documents, org, people
from portal.services.errors import Invalid
from portal.services.pages import customer as customer_pages
from portal.services.pages import timeline as timeline_pages
from portal.web import ctx, customer_required
from portal.web.forms import FORM_ERRORS, apply_errors
from portal.web.forms.customer import ApplicationForm, UploadRequestForm
from portal.web.labels import localized_name


@bp.get("/")
@customer_required
def home():
    """The customer's dashboard: its company, each department's status, documents and applications."""
    view = customer_pages.dashboard(ctx())
    return render_template("customer/home.html", view=view, departments=view.departments, products=view.products,
                           priorities=view.priorities, listings=view.listings, required=view.required,
                           types=view.types, rejection=documents.rejection_message)


@bp.get("/timeline")
@customer_required
def timeline():
    """Issue 17 item 3: the company's own history (what concerns it and is its to know), newest first."""
    page = timeline_pages.own_timeline(ctx(), request.args.get("cursor"))
    return render_template("customer/timeline.html", page=page)


@bp.get("/contracts")
@customer_required
def contracts_page():
    """REL-3: the company's signed contracts with each department (in force, and ended ones), read only."""
    from portal.services import contract_reads

    return render_template("customer/contracts.html", items=contract_reads.own_contracts(ctx()))


@bp.get("/contracts/<contract_id>")
@customer_required
def contract(contract_id: str):
    """REL-3: one of the company's signed contracts with its signed versions, read only."""
    from portal.services import contract_reads

    return render_template("customer/contract.html", view=contract_reads.own_contract(ctx(), contract_id))


@bp.get("/documents")
@customer_required
def documents_page():
    """Upload qualification documents; the file goes straight from the browser to S3."""
    view = customer_pages.documents_page(ctx(), request.args.get("cursor"))
    return render_template("customer/documents.html", view=view, form=UploadRequestForm(), types=view.types,
                           required=view.required, rejection=documents.rejection_message,
                           people=people.names(ctx(), customer_id=g.actor.customer_id))


@bp.post("/documents/request")
@customer_required
def document_request():
    """JSON for the upload script: a document record and its presigned POST (fields next to errors)."""
    form = UploadRequestForm()
    if not form.validate():
        return jsonify({"error": {"code": "invalid", "fields": form.errors}}), 422
    try:
        ticket = documents.request_upload(
            ctx(), g.actor.customer_id, type_id=form.type_id.data, filename=form.filename.data,
            content_type=form.content_type.data or "", issue_date=form.issue_date.data,
            expiry_date=form.expiry_date.data, long_term=form.long_term.data)
    except Invalid as exc:
        return jsonify({"error": {"code": exc.code, "message": str(exc.message),
                                  "fields": {k: [str(m) for m in v] for k, v in exc.fields.items()}}}), 422
    return jsonify({"document_id": ticket.document.doc_id, "url": ticket.url, "fields": ticket.fields,
                    "confirm_url": url_for("customer.document_confirm", doc_id=ticket.document.doc_id)}), 201


@bp.post("/documents/<doc_id>/confirm")
@customer_required
def document_confirm(doc_id: str):
    """Run after the upload: the server checks the stored file and keeps or rejects it."""
    document = documents.confirm(ctx(), doc_id)
    return jsonify({"document_id": doc_id, "status": document.status,
                    "message": documents.rejection_message(document)})


@bp.get("/documents/<doc_id>/open")
@customer_required
def document_open(doc_id: str):
    """Download one's own document through a short-lived link."""
    return redirect(documents.open_document(ctx(), doc_id))


@bp.route("/applications/new", methods=["GET", "POST"])
@customer_required
def apply():
    """Apply to a department for some of its products (ADM-4)."""
    choices = applications.apply_choices(ctx())
    form = ApplicationForm()
    locale = str(get_locale())
    open_ones = [c for c in choices if c.closed is None]  # only where the company may still apply
    form.dept_id.choices = [SelectChoice(c.dept.dept_id, localized_name(c.dept, locale)) for c in open_ones]
    chosen = request.values.get("dept_id") or (open_ones[0].dept.dept_id if open_ones else None)
    # every open department's products in one list: the page shows the chosen department's (the server still
    # refuses products of another department, ADM-4)
    form.products.choices = [SelectChoice(p.product_id, localized_name(p, locale)) for c in open_ones
                             for p in c.products]
    problem = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            app = applications.submit(ctx(), form.dept_id.data, form.products.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
            if exc.fields.get("documents"):
                problem = f"{exc.message} {exc.fields['documents'][0]}"
        else:
            flash(_("Your application has been submitted.") if app.status == "submitted"
                  else _("Your company has been recorded and admitted as Qualified."), "success")
            return redirect(url_for("customer.application", app_id=app.app_id))
    return render_template("customer/apply.html", form=form, choices=choices, open_ones=open_ones, chosen=chosen,
                           problem=problem)


@bp.get("/applications/<app_id>")
@customer_required
def application(app_id: str):
    """One of the company's applications: its status and, once decided, the reason."""
    app = applications.get_application(ctx(), app_id)
    if app.customer_id != g.actor.customer_id:
        abort(404)
    dept = next((d for d, _p in org.sales_catalogue(ctx()) if d.dept_id == app.dept_id), None)
    return render_template("customer/application.html", app=app, dept=dept)
