"""Customers, prospects, qualification documents and admission applications (ADM-*, ONB-*)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from portal.adapters.tables.base import BaseModel


class Customer(BaseModel):
    """A customer company (one legal entity); it can stand in several departments."""

    base_name = "customers"

    class Meta(BaseModel.Meta):
        table_name = "customers"

    customer_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    credit_code = UnicodeAttribute()  # 统一社会信用代码, unique through Unique("uscc#…")
    kind = UnicodeAttribute()  # CustomerType
    hospital_level = UnicodeAttribute(null=True)
    beds = NumberAttribute(null=True)
    region = UnicodeAttribute()
    industry = UnicodeAttribute()
    scale = UnicodeAttribute()
    contact_name = UnicodeAttribute()
    mobile = UnicodeAttribute()  # E.164
    email = UnicodeAttribute()
    prospect_id = UnicodeAttribute(null=True)
    legal_representative = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)  # the registered address (OBL-1: changed by a change report)
    mailing_address = UnicodeAttribute(null=True)  # where mail and goods go: the administrator edits it (issue 15)
    business_scope = UnicodeAttribute(null=True)
    cancelled = BooleanAttribute(null=True)  # OBL-1: the registration was cancelled (注销)
    imported = UnicodeAttribute(null=True)  # ONB-1: brought in by an import (JSON: file, by, at); no review
    created_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class ProspectsByDepartment(GlobalSecondaryIndex):
    """A department's prospects, newest last."""

    class Meta:
        index_name = "by_dept"
        projection = AllProjection()

    dept_id = UnicodeAttribute(hash_key=True)
    prospect_id = UnicodeAttribute(range_key=True)


class Prospect(BaseModel):
    """A potential customer (潜在客户) recorded by a department and invited to register (ONB-2)."""

    base_name = "prospects"

    class Meta(BaseModel.Meta):
        table_name = "prospects"

    prospect_id = UnicodeAttribute(hash_key=True)  # ULID
    dept_id = UnicodeAttribute()
    name = UnicodeAttribute()
    contact_name = UnicodeAttribute(null=True)
    email = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    invite_hash = UnicodeAttribute(null=True)  # SHA-256 of the invitation secret
    invited_at = UTCDateTimeAttribute(null=True)
    customer_id = UnicodeAttribute(null=True)  # set when the invitation is used
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    by_dept = ProspectsByDepartment()


class DocumentType(BaseModel):
    """A kind of qualification document and the customer types that must provide it (configurable by MD)."""

    base_name = "document_types"

    class Meta(BaseModel.Meta):
        table_name = "document_types"

    org = UnicodeAttribute(hash_key=True, default="org")
    type_id = UnicodeAttribute(range_key=True)
    name_zh = UnicodeAttribute()
    name_en = UnicodeAttribute()
    required_for = UnicodeSetAttribute(null=True)  # CustomerType values
    version = VersionAttribute()


class DocumentsByCustomer(GlobalSecondaryIndex):
    """A customer's documents, every version, by upload (ULID)."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    doc_id = UnicodeAttribute(range_key=True)


class CurrentDocuments(GlobalSecondaryIndex):
    """Sparse: a customer's current verified version of each document type (its older versions are history)."""

    class Meta:
        index_name = "current"
        projection = AllProjection()

    current_of = UnicodeAttribute(hash_key=True)  # the customer's id while the version is verified and current
    doc_id = UnicodeAttribute(range_key=True)


class ExpiringDocuments(GlobalSecondaryIndex):
    """Sparse: verified documents with an expiry day, by that day (the licence-expiry job reads only these)."""

    class Meta:
        index_name = "expiring"
        projection = AllProjection()

    expiry_bucket = UnicodeAttribute(hash_key=True)  # "exp" while verified and not yet past its expiry
    expiry_key = UnicodeAttribute(range_key=True)  # "<expiry day>#<doc id>"


class PendingUploads(GlobalSecondaryIndex):
    """Sparse: uploads requested but not yet checked, oldest first (the clean-up job reads only these)."""

    class Meta:
        index_name = "pending"
        projection = AllProjection()

    pending_bucket = UnicodeAttribute(hash_key=True)  # "up" while awaiting its file
    pending_key = UnicodeAttribute(range_key=True)  # "<requested at, ISO>#<record id>"


class DocumentsAwaitingReview(GlobalSecondaryIndex):
    """Sparse: file-checked documents nobody has reviewed yet, oldest first (the staff review queue)."""

    class Meta:
        index_name = "awaiting_review"
        projection = AllProjection()

    review_bucket = UnicodeAttribute(hash_key=True)  # "rev" while file-checked, current and not yet reviewed
    doc_id = UnicodeAttribute(range_key=True)


class Document(BaseModel):
    """One uploaded version of a qualification document; the file itself lives in S3 under a random key."""

    base_name = "documents"

    class Meta(BaseModel.Meta):
        table_name = "documents"

    doc_id = UnicodeAttribute(hash_key=True)  # ULID
    customer_id = UnicodeAttribute()
    type_id = UnicodeAttribute()
    status = UnicodeAttribute()  # awaiting_upload | verified (file checked) | rejected | refused | superseded
    original_name = UnicodeAttribute()  # kept as data only, never in the key
    content_type = UnicodeAttribute()
    s3_key = UnicodeAttribute()
    size = NumberAttribute(null=True)
    issue_date = UnicodeAttribute()
    expiry_date = UnicodeAttribute(null=True)  # None: long-term (长期)
    reject_reason = UnicodeAttribute(null=True)
    uploaded_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    confirmed_at = UTCDateTimeAttribute(null=True)
    expiry_bucket = UnicodeAttribute(null=True)
    expiry_key = UnicodeAttribute(null=True)
    warnings_sent = UnicodeSetAttribute(null=True)  # "60", "30", "7", "expired": each once
    pending_bucket = UnicodeAttribute(null=True)
    pending_key = UnicodeAttribute(null=True)
    current_of = UnicodeAttribute(null=True)
    reviewed_at = UTCDateTimeAttribute(null=True)  # a person confirmed (or refused) the content: 已审核
    reviewed_by = UnicodeAttribute(null=True)
    reviewed_by_name = UnicodeAttribute(null=True)  # as shown then (the audit keeps the id)
    refusal_note = UnicodeAttribute(null=True)  # why a reviewer refused it, in the reviewer's words
    review_bucket = UnicodeAttribute(null=True)
    version = VersionAttribute()
    by_customer = DocumentsByCustomer()
    current = CurrentDocuments()
    expiring = ExpiringDocuments()
    pending = PendingUploads()
    awaiting_review = DocumentsAwaitingReview()


class ApplicationsByCustomer(GlobalSecondaryIndex):
    """A customer's applications, oldest first."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    app_id = UnicodeAttribute(range_key=True)


class OpenApplicationsByDepartment(GlobalSecondaryIndex):
    """Sparse: a department's undecided applications only, oldest first (the review queue)."""

    class Meta:
        index_name = "open_by_dept"
        projection = AllProjection()

    queue_dept = UnicodeAttribute(hash_key=True)
    app_id = UnicodeAttribute(range_key=True)


class Application(BaseModel):
    """An admission application to one department for some of its products (ADM-4)."""

    base_name = "applications"

    class Meta(BaseModel.Meta):
        table_name = "applications"

    app_id = UnicodeAttribute(hash_key=True)  # ULID: sorts by submission time
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    dept_id = UnicodeAttribute()
    products = UnicodeSetAttribute()
    status = UnicodeAttribute()  # submitted | admitted | rejected
    queue_dept = UnicodeAttribute(null=True)  # present only while undecided
    assignee_id = UnicodeAttribute(null=True)  # the designated person (ONB-3)
    background_check = UnicodeAttribute(null=True)
    conditions = UnicodeAttribute(null=True)  # JSON: {"a": {"met", "evidence_doc", "contract_no", "note", "by", "at"}}
    reentry = BooleanAttribute(null=True)  # BLK-6: after a blacklisting, both approvals are needed
    confirm_only = BooleanAttribute(null=True)  # ADM-1: retail/internal, confirmed by the department, no review
    requested_grade = UnicodeAttribute(null=True)  # the customer's wish; admission is always 合格 (GRD-4, BLK-6)
    dm_approval = UnicodeAttribute(null=True)  # JSON {by, at, reason}
    lead_approval = UnicodeAttribute(null=True)  # JSON {by, at, reason}
    decision_reason = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    submitted_at = UTCDateTimeAttribute()
    version = VersionAttribute()
    todo_counted = UnicodeAttribute(null=True)  # JSON: its share of the staff to-dos (domain.todo)
    by_customer = ApplicationsByCustomer()
    open_by_dept = OpenApplicationsByDepartment()
