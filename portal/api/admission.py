"""API for registration, documents, applications and admitted customers (ADM-*, ONB-*)."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.api import bp
from portal.api.spec import operation
from portal.api.validation import parse
from portal.auth.routes import registration_of
from portal.domain.grading import Grade, rank
from portal.domain.roles import Perm
from portal.services import applications, customers, documents, grading
from portal.services import document_review as document_review_service
from portal.services.pages import document_review as review_pages
from portal.web import ctx, settings
from portal.web.forms import FreeText, PortalForm
from portal.web.forms.customer import RegistrationForm, UploadRequestForm
from portal.web.forms.documents import DocumentReviewForm
from portal.web.validators import Items


class ApiApplicationForm(PortalForm):
    """Apply to a department for some of its products (ADM-4)."""

    dept_id = StringField(validators=[DataRequired(), Length(max=32)])
    products = SelectMultipleField(validators=[DataRequired(), Length(max=50), Items(max_length=32)],
                                   validate_choice=False, description="product ids of the department")


class ApiDecisionForm(PortalForm):
    """The department leader's decision."""

    decision = SelectField(choices=[SelectChoice("admit"), SelectChoice("reject")], validators=[DataRequired()])
    reason = StringField(validators=[FreeText(), DataRequired(), Length(max=2000)])
    version = IntegerField(validators=[DataRequired(), NumberRange(min=1)])


class ApiConditionForm(PortalForm):
    """One ADM-2 condition as met or not, with evidence."""

    code = SelectField(choices=[SelectChoice(c) for c in "abcdef"], validators=[DataRequired()])
    met = BooleanField()
    evidence_doc = StringField(validators=[Optional(), Length(max=64)])
    contract_id = StringField(validators=[Optional(), Length(max=64)],
                              description="ADM-2 (c): one of the customer's signed contracts in the department")
    note = StringField(validators=[FreeText(), Optional(), Length(max=1000)])
    version = IntegerField(validators=[DataRequired(), NumberRange(min=1)])


class ApiVersionForm(PortalForm):
    """The version of the record as read (optimistic lock: 409 when it changed meanwhile)."""

    version = IntegerField(validators=[DataRequired(), NumberRange(min=1)])


class ApiAssigneeForm(ApiVersionForm):
    """The designated person (ONB-3): an active member of the application's department."""

    assignee_id = StringField(validators=[DataRequired(), Length(max=64)], description="a staff user id")


class ApiBackgroundForm(ApiVersionForm):
    """What the designated person checked, with sources (ONB-3)."""

    note = StringField(validators=[FreeText(), DataRequired(), Length(max=4000)])


def customer_json(c) -> dict:
    """The API's view of a customer."""
    return {"id": c.customer_id, "name": c.name, "credit_code": c.credit_code, "kind": c.kind,
            "hospital_level": c.hospital_level, "beds": c.beds, "region": c.region, "industry": c.industry,
            "scale": c.scale, "contact_name": c.contact_name, "mobile": c.mobile, "email": c.email,
            "mailing_address": c.mailing_address}


def document_json(d) -> dict:
    """The API's view of a document (never its storage key)."""
    return {"id": d.doc_id, "customer": d.customer_id, "type": d.type_id, "status": d.status,
            "original_name": d.original_name, "content_type": d.content_type, "size": d.size,
            "issue_date": d.issue_date, "expiry_date": d.expiry_date, "long_term": d.expiry_date is None,
            "reject_reason": d.reject_reason, "message": documents.rejection_message(d),
            "reviewed": d.reviewed_at is not None, "reviewed_at": d.reviewed_at.isoformat() if d.reviewed_at else None,
            "reviewed_by": d.reviewed_by_name, "refusal_note": d.refusal_note, "version": d.version}


def application_json(a) -> dict:
    """The API's view of an application."""
    return {"id": a.app_id, "customer": a.customer_id, "customer_name": a.customer_name, "department": a.dept_id,
            "products": sorted(a.products), "status": a.status, "assignee": a.assignee_id,
            "confirm_only": bool(a.confirm_only), "reentry": bool(a.reentry),
            "background_check": applications.background_of(a), "conditions": applications.conditions_of(a),
            "decision_reason": a.decision_reason, "decided_by": a.decided_by,
            "decided_at": a.decided_at.isoformat() if a.decided_at else None,
            "submitted_at": a.submitted_at.isoformat(), "version": a.version}


@operation(bp, "/customers", "POST", "Register a company and its first user. 202 also when the e-mail has an account "
           "(its owner is mailed; nothing is created); 409 when the credit code is taken; throttled per address",
           form=RegistrationForm, response="RegistrationReceived", status=202, auth=False, errors=(404, 409, 429))
def customer_register():
    """Registration through the API."""
    customers.count_registration_try(ctx())  # every try counts, those the form refuses too
    form = parse(RegistrationForm)
    customers.register(ctx(), registration_of(form), settings().public_url, throttle=None)
    return jsonify({"status": "received", "email": form.email.data.strip(),
                    "message": str(_l("We have sent an e-mail to this address. Sign in with it and the password "
                                      "you chose."))}), 202


@operation(bp, "/customers/<customer_id>", "GET", "A customer (its own users, or staff per SEC-1)",
           response="Customer")
def customer_get(customer_id: str):
    """One customer."""
    return jsonify(customer_json(customers.get_customer(ctx(), customer_id)))


@operation(bp, "/customers/<customer_id>/documents", "GET",
           "A customer's documents, every version (its history), newest first, a page at a time (give `cursor` "
           "back for older ones); the current version of each type is the newest `verified` one",
           response="DocumentPage", query=("cursor",))
def customer_documents(customer_id: str):
    """A customer's documents."""
    page = customers.document_history(ctx(), customer_id, request.args.get("cursor"))
    return jsonify({"items": [document_json(d) for d in page.items], "cursor": page.cursor})


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


@operation(bp, "/documents/review-queue", "GET",
           "Issue 17: file-checked documents waiting for a person's review, oldest first (MD: all; a department: "
           "those of customers that applied to it or stand in it), a page at a time", response="ReviewQueue",
           perm=Perm.REVIEW_DOCUMENTS, query=("cursor",))
def document_review_queue():
    """The review queue, as /staff/documents/review shows it."""
    queue = review_pages.review_queue(ctx(), request.args.get("cursor"))
    return jsonify({"items": [{**document_json(w.document), "customer_name": w.customer.name}
                              for w in queue.items], "cursor": queue.page.cursor})


@operation(bp, "/documents/<doc_id>/review", "POST",
           "A person's review of a file-checked document (issue 17): `confirm` marks it reviewed (已审核, the customer "
           "is told it was accepted), `refuse` takes it out of use with a `reason` the customer reads. MD, or staff "
           "of a department the customer applied to or stands in; 404 for any other document; 409 once reviewed",
           form=DocumentReviewForm, response="Document", perm=Perm.REVIEW_DOCUMENTS)
def document_review(doc_id: str):
    """Review a document."""
    document_review_service.reviewable(ctx(), doc_id, ctx().uow())  # the record first: 404 before the body
    form = parse(DocumentReviewForm)
    return jsonify(document_json(document_review_service.review(
        ctx(), doc_id, accept=form.decision.data == "confirm", reason=form.reason.data, version=form.version.data)))


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
                                          or None, contract_id=form.contract_id.data or None, note=form.note.data)
    return jsonify(application_json(applications.record_condition(ctx(), app_id, record, form.version.data)))


@operation(bp, "/applications/<app_id>/decision", "POST", "Admit (all six conditions met) or reject, with a reason",
           form=ApiDecisionForm, response="Application", perm=Perm.DECIDE_APPLICATIONS)
def application_decision(app_id: str):
    """The department leader's decision."""
    applications.get_application(ctx(), app_id)
    form = parse(ApiDecisionForm)
    app = applications.decide(ctx(), app_id, form.decision.data == "admit", form.reason.data, form.version.data)
    return jsonify(application_json(app))


@operation(bp, "/applications/<app_id>/assignee", "POST", "Designate the person who checks the customer (ONB-3)",
           form=ApiAssigneeForm, response="Application", perm=Perm.DECIDE_APPLICATIONS)
def application_assign(app_id: str):
    """The department leader designates the person."""
    applications.get_application(ctx(), app_id)
    form = parse(ApiAssigneeForm)
    return jsonify(application_json(applications.assign(ctx(), app_id, form.assignee_id.data, form.version.data)))


@operation(bp, "/applications/<app_id>/background-check", "POST",
           "The designated person records the background check and answers for its truth (ONB-3)",
           form=ApiBackgroundForm, response="Application", perm=Perm.REVIEW_APPLICATIONS)
def application_background(app_id: str):
    """Record the background check."""
    applications.get_application(ctx(), app_id)
    form = parse(ApiBackgroundForm)
    return jsonify(application_json(applications.record_background_check(ctx(), app_id, form.note.data,
                                                                         form.version.data)))


@operation(bp, "/applications/<app_id>/confirm", "POST",
           "Confirm a retail or internal related-party customer (ADM-1: no six-condition review); it stands as 合格",
           form=ApiVersionForm, response="Application", perm=Perm.REVIEW_APPLICATIONS)
def application_confirm(app_id: str):
    """A member of the department confirms the customer."""
    applications.get_application(ctx(), app_id)
    form = parse(ApiVersionForm)
    return jsonify(application_json(applications.confirm(ctx(), app_id, form.version.data)))


@operation(bp, "/document-types", "GET", "Qualification document types and the customer types that must provide "
           "each (ADM-2 a/e)", response="DocumentTypeList", auth=False)
def document_type_list():
    """Which documents each customer type needs, before registering or applying."""
    return jsonify({"items": [{"id": t.type_id, "name_zh": t.name_zh, "name_en": t.name_en,
                               "required_for": sorted(t.required_for or [])} for t in documents.document_types()]})


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
