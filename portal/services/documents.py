"""Qualification documents: presigned upload straight to S3, a server-side check, history, audited opening."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from ulid import ULID

from portal.adapters import files, mail
from portal.adapters.tables import Customer, Document, DocumentType, Standing, User, transaction
from portal.domain.customers import MAX_UPLOAD_BYTES, CustomerType, Validity, validity_problem
from portal.domain.org import valid_slug
from portal.domain.roles import Perm
from portal.domain.timeutil import shanghai_day, to_iso
from portal.services import audit, uploads
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.customers import check_customer_access
from portal.services.errors import Conflict, Invalid, NotFound

DATE_PROBLEMS = {
    "required": _l("Required."),
    "future": _l("The issue date cannot be in the future."),
    "both": _l("Give an expiry date or tick long-term, not both."),
    "before_issue": _l("The expiry date is before the issue date."),
    "expired": _l("This document has expired already."),
}


def document_types() -> list[DocumentType]:
    """Every configured document type."""
    return list(DocumentType.query("org"))


def required_types(kind: str) -> list[DocumentType]:
    """The document types a customer of `kind` must provide."""
    return [t for t in document_types() if kind in (t.required_for or set())]


@dataclass(frozen=True)
class UploadTicket:
    """A created document record and the presigned POST that uploads its file."""

    document: Document
    url: str
    fields: dict


def check_may_upload(ctx: Ctx, customer_id: str) -> None:
    """Only the customer's own users upload its documents (others: 404 for customers, 403 for staff)."""
    check_customer_access(ctx, customer_id)
    if not ctx.actor.is_customer:
        raise refuse(ctx, "document.upload", customer_id)


def request_upload(ctx: Ctx, customer_id: str, *, type_id: str, filename: str, content_type: str,
                   issue_date: date | None, expiry_date: date | None, long_term: bool) -> UploadTicket:
    """Record a document awaiting its file and return the presigned POST (the app never sees the file)."""
    check_may_upload(ctx, customer_id)
    problems: dict = {}
    try:
        DocumentType.get("org", type_id)
    except DoesNotExist:
        problems["type_id"] = [_l("Choose a document type.")]
    problems.update(uploads.file_problems(filename, content_type))
    name = uploads.clean_name(filename)
    dates = validity_problem(issue_date, expiry_date, long_term, shanghai_day(ctx.now))
    for field, code in dates.items():
        problems[field] = [DATE_PROBLEMS[code]]
    if problems:
        raise Invalid(fields=problems)
    doc_id = str(ULID.from_datetime(ctx.now))
    key = uploads.new_key(f"documents/{customer_id}", doc_id, content_type)
    document = Document(
        doc_id=doc_id, customer_id=customer_id, type_id=type_id, status="awaiting_upload", original_name=name,
        content_type=content_type, s3_key=key, issue_date=issue_date.isoformat(),
        expiry_date=None if long_term else expiry_date.isoformat(), uploaded_by=ctx.actor.user_id,
        created_at=ctx.now, pending_bucket=uploads.PENDING, pending_key=f"{to_iso(ctx.now)}#{doc_id}",
    )
    with transaction() as tx:
        tx.save(document, condition=Document.doc_id.does_not_exist())
        tx.save(audit.event(ctx, "document.upload_requested", target_type="document", target_id=doc_id,
                            detail={"customer": customer_id, "type": type_id, "name": name}))
    post = files.upload_form(key, content_type, MAX_UPLOAD_BYTES)
    return UploadTicket(document, post["url"], post["fields"])


def get_document(ctx: Ctx, doc_id: str) -> Document:
    """One document of a customer the actor may see (a customer's users: their own only, else 404)."""
    try:
        document = Document.get(doc_id)
    except DoesNotExist as exc:
        raise NotFound() from exc
    check_customer_access(ctx, document.customer_id)
    return document


def confirm(ctx: Ctx, doc_id: str) -> Document:
    """Check the stored object (exists, size, real type); keep it as verified or delete it and reject."""
    document = get_document(ctx, doc_id)
    check_may_upload(ctx, document.customer_id)
    if document.status != "awaiting_upload":
        raise Conflict(_l("This document was checked already."))
    return check(ctx, document)


def check(ctx: Ctx, document: Document) -> Document:
    """The check itself, run by the customer's confirmation, or by the clean-up job for an upload nobody
    confirmed (`functions.finish_uploads`): a sound file is verified, anything else deleted and rejected."""
    checked = uploads.check_stored(document.s3_key, document.content_type)
    if checked.problem:
        _finish(ctx, document, status="rejected", reason=checked.problem, size=checked.size, key=None)
        return document
    verified = [d for d in Document.by_customer.query(document.customer_id)
                if d.type_id == document.type_id and d.status == "verified" and d.doc_id != document.doc_id]
    if any(d.created_at > document.created_at for d in verified):
        # a version requested later is verified already (this one was finished late): this one is history
        _finish(ctx, document, status="superseded", reason=None, size=checked.size, key=checked.key)
        return document
    _finish(ctx, document, status="verified", reason=None, size=checked.size, key=checked.key, superseded=verified)
    return document


def _finish(ctx: Ctx, document: Document, *, status: str, reason: str | None, size: int | None, key: str | None,
            superseded: list[Document] = ()) -> None:
    """Record the outcome of the check (and where the checked copy is kept), and mark older verified versions
    as history, in one transaction."""
    try:
        with transaction() as tx:
            actions = [Document.status.set(status), Document.reject_reason.set(reason), Document.size.set(size),
                       Document.confirmed_at.set(ctx.now), Document.pending_bucket.remove(),
                       Document.pending_key.remove()]
            if key:
                actions.append(Document.s3_key.set(key))
            if status == "verified" and document.expiry_date:  # watched by the licence-expiry job
                actions += [Document.expiry_bucket.set("exp"),
                            Document.expiry_key.set(f"{document.expiry_date}#{document.doc_id}")]
            tx.update(document, actions=actions, condition=Document.status == "awaiting_upload")
            for old in superseded:
                tx.update(old, actions=[Document.status.set("superseded"), Document.expiry_bucket.remove(),
                                        Document.expiry_key.remove()])
            if status == "verified":  # a valid new version lifts an expiry flag of this type
                for standing in Standing.by_customer.query(document.customer_id):
                    if document.type_id in (standing.licence_flags or set()):
                        tx.update(standing, actions=[Standing.licence_flags.delete({document.type_id})])
            tx.save(audit.event(ctx, f"document.{status}", target_type="document", target_id=document.doc_id,
                                detail={"customer": document.customer_id, "type": document.type_id,
                                        "reason": reason, "size": size}))
    except (TransactWriteError, UpdateError) as exc:
        raise Conflict(_l("This document was checked already.")) from exc
    document.status, document.reject_reason, document.size = status, reason, size
    document.s3_key = key or document.s3_key


def rejection_message(document: Document) -> str | None:
    """Why a document was rejected, in the reader's language."""
    return uploads.rejection_message(document.reject_reason)


def open_document(ctx: Ctx, doc_id: str) -> str:
    """Staff (and the customer itself) open a verified document through a short-lived presigned GET; audited."""
    document = get_document(ctx, doc_id)
    if document.status not in ("verified", "superseded"):
        raise NotFound()
    if ctx.actor.is_staff:
        authorize(ctx, Perm.VIEW_CUSTOMERS, target=doc_id)
    audit.record(ctx, "document.opened", target_type="document", target_id=doc_id,
                 detail={"customer": document.customer_id, "type": document.type_id})
    return files.download_url(document.s3_key, document.original_name, document.content_type)


def verified_validity(customer_id: str) -> dict[str, Validity]:
    """The current verified version of each document type a customer holds, with its validity."""
    current: dict[str, Validity] = {}
    for d in Document.by_customer.query(customer_id, filter_condition=Document.status == "verified"):
        current[d.type_id] = Validity(date.fromisoformat(d.issue_date),
                                      date.fromisoformat(d.expiry_date) if d.expiry_date else None)
    return current


# --- configuration by MD -----------------------------------------------------------------------

def save_type(ctx: Ctx, type_id: str, *, name_zh: str, name_en: str, required_for: set[str],
              version: int | None) -> DocumentType:
    """MD adds a document type (version None) or changes one (stale forms refused)."""
    authorize(ctx, Perm.MANAGE_DOCUMENT_TYPES, target=type_id)
    if not valid_slug(type_id):
        raise Invalid(fields={"type_id": [_l("2-32 lower-case letters, digits or dashes, starting with a letter.")]})
    unknown = set(required_for) - {k.value for k in CustomerType}
    if unknown:
        raise Invalid(fields={"required_for": [_l("Not a customer type.")]})
    if version is None:
        record = DocumentType(org="org", type_id=type_id)
        condition = DocumentType.type_id.does_not_exist()
    else:
        try:
            record = DocumentType.get("org", type_id)
        except DoesNotExist as exc:
            raise NotFound() from exc
        if int(version) != int(record.version or 0):
            raise Conflict()
        condition = None
    record.name_zh, record.name_en = name_zh.strip(), name_en.strip()
    record.required_for = set(required_for) or None
    try:
        with transaction() as tx:
            tx.save(record, condition=condition)
            tx.save(audit.event(ctx, "document_type.saved", target_type="document_type", target_id=type_id,
                                detail={"name_zh": record.name_zh, "required_for": sorted(required_for)}))
    except TransactWriteError as exc:
        raise Conflict(_l("A document type with this id exists already."),
                       fields={"type_id": [_l("A document type with this id exists already.")]}
                       if version is None else None) from exc
    return record


WARN_DAYS = (60, 30, 7)


@dataclass(frozen=True)
class ExpiryRun:
    """What one run of the licence-expiry job did."""

    warned: list[str]
    flagged: list[str]


def watch_expiry(ctx: Ctx) -> ExpiryRun:
    """Warn the customer and its designated staff 60, 30 and 7 days before a required licence expires (once
    each); once it has expired, flag the customer as not meeting ADM-2 (a)/(e) where it stands, until a valid
    new version is verified. Reads only documents expiring within 60 days (sparse index)."""
    today = shanghai_day(ctx.now)
    horizon = (today + timedelta(days=WARN_DAYS[0])).isoformat()
    required_by_kind: dict[str, set[str]] = {}
    warned, flagged = [], []
    for doc in Document.expiring.query("exp", Document.expiry_key <= f"{horizon}#~"):
        customer = Customer.get(doc.customer_id)
        required = required_by_kind.setdefault(customer.kind, {t.type_id for t in required_types(customer.kind)})
        if doc.type_id not in required:
            continue
        left = (date.fromisoformat(doc.expiry_date) - today).days
        sent = set(doc.warnings_sent or set())
        stage = "expired" if left < 0 else next((str(d) for d in reversed(WARN_DAYS) if left <= d), None)
        if stage is None or stage in sent:
            continue
        standings = list(Standing.by_customer.query(doc.customer_id))
        with transaction() as tx:
            tx.update(doc, actions=[Document.warnings_sent.add({stage})]
                      + ([Document.expiry_bucket.remove(), Document.expiry_key.remove()] if stage == "expired"
                         else []),
                      condition=Document.status == "verified")
            if stage == "expired":
                for standing in standings:
                    tx.update(standing, actions=[Standing.licence_flags.add({doc.type_id})])
            tx.save(audit.event(ctx, f"document.expiry_{stage}", target_type="customer", target_id=doc.customer_id,
                                detail={"document": doc.doc_id, "type": doc.type_id, "expires": doc.expiry_date}))
        staff_emails = set()
        for standing in standings:
            if standing.designated_staff:
                try:
                    staff_emails.add(User.get(standing.designated_staff).email)
                except DoesNotExist:
                    pass
        subject = (f"【资质已过期】{doc.original_name} / Licence expired" if stage == "expired" else
                   f"【资质即将到期】{doc.original_name} 将于 {doc.expiry_date} 到期 / Expires in {left} days")
        body = (f"{customer.name}：{doc.original_name}（{doc.type_id}）有效期至 {doc.expiry_date}。"
                f"请上传新的有效文件。\nPlease upload a valid new version.\n")
        for address in sorted({customer.email} | staff_emails):
            mail.send(address, subject, body)
        (flagged if stage == "expired" else warned).append(f"{doc.doc_id}:{stage}")
    return ExpiryRun(warned, flagged)
