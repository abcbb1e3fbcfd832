"""API for registration, documents, applications and admitted customers (ADM-*, ONB-*)."""

from __future__ import annotations

from flask import jsonify, request
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.api import bp
from portal.api.spec import operation
from portal.api.validation import parse
from portal.customer.forms import RegistrationForm, UploadRequestForm
from portal.domain.grading import Grade, rank
from portal.domain.roles import Perm
from portal.services import applications, customers, documents, grading
from portal.validators import Items
from portal.web import ctx


class ApiApplicationForm(FlaskForm):
    """Apply to a department for some of its products (ADM-4)."""

    dept_id = StringField(validators=[DataRequired(), Length(max=32)])
    products = SelectMultipleField(validators=[DataRequired(), Length(max=50), Items(max_length=32)],
                                   validate_choice=False, description="product ids of the department")


class ApiDecisionForm(FlaskForm):
    """The department leader's decision."""

    decision = SelectField(choices=[SelectChoice("admit"), SelectChoice("reject")], validators=[DataRequired()])
    reason = StringField(validators=[DataRequired(), Length(max=2000)])
    version = IntegerField(validators=[DataRequired(), NumberRange(min=1)])


class ApiConditionForm(FlaskForm):
    """One ADM-2 condition as met or not, with evidence."""

    code = SelectField(choices=[SelectChoice(c) for c in "abcdef"], validators=[DataRequired()])
    met = BooleanField()
    evidence_doc = StringField(validators=[Optional(), Length(max=64)])
    contract_no = StringField(validators=[Optional(), Length(max=100)])
    note = StringField(validators=[Optional(), Length(max=1000)])
    version = IntegerField(validators=[DataRequired(), NumberRange(min=1)])


def customer_json(c) -> dict:
    """The API's view of a customer."""
    return {"id": c.customer_id, "name": c.name, "credit_code": c.credit_code, "kind": c.kind,
            "hospital_level": c.hospital_level, "beds": c.beds, "region": c.region, "industry": c.industry,
            "scale": c.scale, "contact_name": c.contact_name, "mobile": c.mobile, "email": c.email}


def document_json(d) -> dict:
    """The API's view of a document (never its storage key)."""
    return {"id": d.doc_id, "customer": d.customer_id, "type": d.type_id, "status": d.status,
            "original_name": d.original_name, "content_type": d.content_type, "size": d.size,
            "issue_date": d.issue_date, "expiry_date": d.expiry_date, "long_term": d.expiry_date is None,
            "reject_reason": d.reject_reason, "message": documents.rejection_message(d)}


def application_json(a) -> dict:
    """The API's view of an application."""
    return {"id": a.app_id, "customer": a.customer_id, "customer_name": a.customer_name, "department": a.dept_id,
            "products": sorted(a.products), "status": a.status, "assignee": a.assignee_id,
            "background_check": applications.background_of(a), "conditions": applications.conditions_of(a),
            "decision_reason": a.decision_reason, "decided_by": a.decided_by,
            "decided_at": a.decided_at.isoformat() if a.decided_at else None,
            "submitted_at": a.submitted_at.isoformat(), "version": a.version}


@operation(bp, "/customers", "POST", "Register a company and its first user (409 when the credit code is taken)",
           form=RegistrationForm, response="Customer", status=201, auth=False, errors=(404, 409, 429))
def customer_register():
    """Registration through the API."""
    form = parse(RegistrationForm)
    customer, _user = customers.register(ctx(), customers.Registration(
        name=form.name.data, credit_code=form.credit_code.data, kind=form.kind.data, region=form.region.data,
        industry=form.industry.data, scale=form.scale.data, contact_name=form.contact_name.data,
        mobile=form.mobile.data, email=form.email.data, password=form.password.data,
        hospital_level=form.hospital_level.data or None, beds=form.beds.data,
        invitation=form.invitation.data or None))
    return jsonify(customer_json(customer)), 201


@operation(bp, "/customers/<customer_id>", "GET", "A customer (its own users, or staff per SEC-1)",
           response="Customer")
def customer_get(customer_id: str):
    """One customer."""
    return jsonify(customer_json(customers.get_customer(ctx(), customer_id)))


@operation(bp, "/customers/<customer_id>/documents", "GET", "A customer's documents, with their history",
           response="DocumentList")
def customer_documents(customer_id: str):
    """A customer's documents."""
    return jsonify({"items": [document_json(d) for d in customers.overview(ctx(), customer_id).documents]})


@operation(bp, "/customers/<customer_id>/documents", "POST",
           "Record a document and get the presigned POST that uploads its file straight to S3",
           form=UploadRequestForm, response="UploadTicket", status=201)
def document_create(customer_id: str):
    """Start a document upload."""
    documents.check_may_upload(ctx(), customer_id)
    form = parse(UploadRequestForm)
    ticket = documents.request_upload(
        ctx(), customer_id, type_id=form.type_id.data, filename=form.filename.data,
        content_type=form.content_type.data or "", issue_date=form.issue_date.data,
        expiry_date=form.expiry_date.data, long_term=form.long_term.data)
    return jsonify({"document_id": ticket.document.doc_id, "url": ticket.url, "fields": ticket.fields}), 201


@operation(bp, "/documents/<doc_id>/confirm", "POST", "Check the uploaded file; keep it as verified or reject it",
           response="Document")
def document_confirm(doc_id: str):
    """Confirm an upload."""
    return jsonify(document_json(documents.confirm(ctx(), doc_id)))


@operation(bp, "/documents/<doc_id>/download", "GET", "A presigned link (minutes) to the file; audited",
           response="Link")
def document_download(doc_id: str):
    """A short-lived download link."""
    return jsonify({"url": documents.open_document(ctx(), doc_id)})


@operation(bp, "/applications", "POST", "Apply for admission to a department (customers)",
           form=ApiApplicationForm, response="Application", status=201)
def application_create():
    """Submit an application."""
    applications.require_customer(ctx())
    form = parse(ApiApplicationForm)
    return jsonify(application_json(applications.submit(ctx(), form.dept_id.data, form.products.data))), 201


@operation(bp, "/applications/<app_id>", "GET", "One application", response="Application")
def application_get(app_id: str):
    """One application."""
    return jsonify(application_json(applications.get_application(ctx(), app_id)))


@operation(bp, "/applications/<app_id>/conditions", "POST", "Record one ADM-2 condition with its evidence",
           form=ApiConditionForm, response="Application", perm=Perm.REVIEW_APPLICATIONS)
def application_condition(app_id: str):
    """Record a condition."""
    applications.get_application(ctx(), app_id)
    form = parse(ApiConditionForm)
    record = applications.ConditionRecord(code=form.code.data, met=form.met.data, evidence_doc=form.evidence_doc.data
                                          or None, contract_no=form.contract_no.data, note=form.note.data)
    return jsonify(application_json(applications.record_condition(ctx(), app_id, record, form.version.data)))


@operation(bp, "/applications/<app_id>/decision", "POST", "Admit (all six conditions met) or reject, with a reason",
           form=ApiDecisionForm, response="Application", perm=Perm.DECIDE_APPLICATIONS)
def application_decision(app_id: str):
    """The department leader's decision."""
    applications.get_application(ctx(), app_id)
    form = parse(ApiDecisionForm)
    app = applications.decide(ctx(), app_id, form.decision.data == "admit", form.reason.data, form.version.data)
    return jsonify(application_json(app))


@operation(bp, "/departments/<dept_id>/applications", "GET", "Undecided applications, oldest first",
           response="ApplicationPage", query=("cursor",), perm=Perm.VIEW_CUSTOMERS)
def department_applications(dept_id: str):
    """The review queue."""
    page = applications.queue(ctx(), dept_id, request.args.get("cursor"))
    return jsonify({"items": [application_json(a) for a in page.items], "cursor": page.cursor})


@operation(bp, "/departments/<dept_id>/customers", "GET", "Customers admitted in the department, a page at a time",
           response="StandingPage", query=("grade", "cursor"), perm=Perm.VIEW_CUSTOMERS)
def department_customers(dept_id: str):
    """Admitted customers with their grade and priority rank, optionally of one grade."""
    page = grading.by_grade(ctx(), dept_id, request.args.get("grade"), request.args.get("cursor"))
    return jsonify({"items": [{"customer": s.customer_id, "name": s.customer_name, "grade": s.grade,
                               "priority_rank": rank(Grade(s.grade)), "products": sorted(s.products),
                               "admitted_at": s.admitted_at.isoformat()} for s in page.items], "cursor": page.cursor})
