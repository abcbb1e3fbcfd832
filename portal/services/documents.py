"""Qualification documents: presigned upload straight to S3, a server-side check, history, audited opening."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import files, records
from portal.adapters.repos.customers import Customers, Documents, DocumentTypes
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.identity import Users
from portal.adapters.uow import Unavailable, UnitOfWork, WriteConflict
from portal.domain.customers import MAX_UPLOAD_BYTES, CustomerType, Validity, validity_problem
from portal.domain.org import valid_slug
from portal.domain.roles import Perm
from portal.domain.timeutil import shanghai_day, to_iso
from portal.services import audiences, audit, notifications, site, uploads
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
CHECKED_ALREADY = _l("This document was checked already.")


def document_types(uow=None) -> list:
    """Every configured document type."""
    return (uow or UnitOfWork()).repo(DocumentTypes).every()


def required_types(kind: str, uow=None) -> list:
    """The document types a customer of `kind` must provide."""
    return [t for t in document_types(uow) if kind in (t.required_for or set())]


@dataclass(frozen=True)
class UploadTicket:
    """A created document record and the presigned POST that uploads its file."""

    document: object
    url: str
    fields: dict


def check_may_upload(ctx: Ctx, customer_id: str, uow=None) -> None:
    """Only the customer's own users upload its documents (others: 404 for customers, 403 for staff)."""
    check_customer_access(ctx, customer_id, uow)
    if not ctx.actor.is_customer:
        raise refuse(ctx, "document.upload", customer_id)


def request_upload(ctx: Ctx, customer_id: str, *, type_id: str, filename: str, content_type: str,
                   issue_date: date | None, expiry_date: date | None, long_term: bool) -> UploadTicket:
    """Record a document awaiting its file and return the presigned POST (the app never sees the file)."""
    with ctx.uow() as uow:
        check_may_upload(ctx, customer_id, uow)
        problems: dict = {}
        if uow.repo(DocumentTypes).find(type_id) is None:
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
        document = records.Document(
            doc_id=doc_id, customer_id=customer_id, type_id=type_id, status="awaiting_upload", original_name=name,
            content_type=content_type, s3_key=key, issue_date=issue_date.isoformat(),
            expiry_date=None if long_term else expiry_date.isoformat(), uploaded_by=ctx.actor.user_id,
            created_at=ctx.now)
        uow.repo(Documents).request(document, to_iso(ctx.now))
        audit.stage(uow, ctx, "document.upload_requested", target_type="document", target_id=doc_id,
                    detail={"customer": customer_id, "type": type_id, "name": name})
        uow.commit()
    post = files.upload_form(key, content_type, MAX_UPLOAD_BYTES)
    return UploadTicket(document, post["url"], post["fields"])


def get_document(ctx: Ctx, doc_id: str, uow=None):
    """One document of a customer the actor may see (a customer's users: their own only, else 404)."""
    uow = uow or ctx.uow()
    document = uow.repo(Documents).find(doc_id)
    if document is None:
        raise NotFound()
    check_customer_access(ctx, document.customer_id, uow)
    return document


def confirm(ctx: Ctx, doc_id: str):
    """Check the stored object (exists, size, real type); keep it as verified or delete it and reject."""
    uow = ctx.uow()
    document = get_document(ctx, doc_id, uow)
    check_may_upload(ctx, document.customer_id, uow)
    if document.status != "awaiting_upload":
        raise Conflict(CHECKED_ALREADY)
    return check(ctx, document)


def check(ctx: Ctx, document):
    """The check itself, run by the customer's confirmation, or by the clean-up job for an upload nobody
    confirmed (`functions.finish_uploads`): a sound file is verified, anything else deleted and rejected."""
    checked = uploads.check_stored(document.s3_key, document.content_type)
    with ctx.uow() as uow:
        if checked.problem:
            return _finish(uow, ctx, document, status="rejected", reason=checked.problem, size=checked.size)
        verified = [d for d in uow.repo(Documents).verified_of(document.customer_id)
                    if d.type_id == document.type_id and d.doc_id != document.doc_id]
        if any(d.created_at > document.created_at for d in verified):
            # a version requested later is verified already (this one was finished late): this one is history
            return _finish(uow, ctx, document, status="superseded", size=checked.size, key=checked.key)
        return _finish(uow, ctx, document, status="verified", size=checked.size, key=checked.key,
                       superseded=verified)


def _finish(uow, ctx: Ctx, document, *, status: str, size: int | None, reason: str | None = None,
            key: str | None = None, superseded: list = ()):
    """Record the outcome of the check (and where the checked copy is kept), mark older verified versions as
    history and lift expiry flags a valid new version answers, in one transaction (SEC-2: nothing lost)."""
    repo = uow.repo(Documents)
    repo.finish(document, status=status, reason=reason, size=size, key=key, when=ctx.now)
    for old in superseded:
        repo.supersede(old)
    if status == "verified":  # a valid new version lifts an expiry flag of this type
        for standing in uow.repo(Standings).of_customer(document.customer_id):
            if document.type_id in (standing.licence_flags or set()):
                uow.repo(Standings).flag_licence(standing, document.type_id, False)
    if status == "rejected":  # the customer hears of it (issue 16), the reason as its code; a sound file is
        # only "file checked": "accepted" is told when a person reviews it (issue 17, services.document_review)
        notifications.notify(uow, ctx, audiences.customer_users(uow, customer_id=document.customer_id),
                             "document_refused", "/customer/documents", document=document.original_name,
                             reason_code=reason)
    audit.stage(uow, ctx, f"document.{status}", target_type="document", target_id=document.doc_id,
                detail={"customer": document.customer_id, "type": document.type_id, "reason": reason,
                        "size": size})
    try:
        uow.commit()
    except WriteConflict as exc:
        current = uow.repo(Documents).find(document.doc_id)
        uploads.after_conflict(document.s3_key, current and current.s3_key,
                               finished=current is None or current.status != "awaiting_upload")
        raise Conflict(CHECKED_ALREADY) from exc
    uploads.settle(document.s3_key)  # only now: the record points at the kept copy (issue 13)
    document.status, document.reject_reason, document.size = status, reason, size
    document.s3_key, document.confirmed_at = key or document.s3_key, ctx.now
    document.pending_bucket = document.pending_key = None
    document.version = (document.version or 0) + 1
    return document


def rejection_message(document) -> str | None:
    """Why a document was rejected, in the reader's language."""
    return uploads.rejection_message(document.reject_reason)


def open_document(ctx: Ctx, doc_id: str) -> str:
    """Staff (and the customer itself) open a checked document (current, history, or refused by a reviewer: kept as
    what was reviewed) through a short-lived presigned GET; audited."""
    document = get_document(ctx, doc_id)
    if document.status not in ("verified", "superseded", "refused"):
        raise NotFound()
    if ctx.actor.is_staff:
        authorize(ctx, Perm.VIEW_CUSTOMERS, target=doc_id)
    audit.record(ctx, "document.opened", target_type="document", target_id=doc_id,
                 detail={"customer": document.customer_id, "type": document.type_id})
    return files.download_url(document.s3_key, document.original_name, document.content_type)


def verified_validity(customer_id: str, uow=None) -> dict[str, Validity]:
    """The current verified version of each document type a customer holds, with its validity."""
    current: dict[str, Validity] = {}
    for d in (uow or UnitOfWork()).repo(Documents).verified_of(customer_id):
        current[d.type_id] = Validity(date.fromisoformat(d.issue_date),
                                      date.fromisoformat(d.expiry_date) if d.expiry_date else None)
    return current


# --- configuration by MD -----------------------------------------------------------------------

TYPE_EXISTS = _l("A document type with this id exists already.")


def save_type(ctx: Ctx, type_id: str, *, name_zh: str, name_en: str, required_for: set[str],
              version: int | None):
    """MD adds a document type (version None) or changes one (stale forms refused)."""
    authorize(ctx, Perm.MANAGE_DOCUMENT_TYPES, target=type_id)
    if not valid_slug(type_id):
        raise Invalid(fields={"type_id": [_l("2-32 lower-case letters, digits or dashes, starting with a letter.")]})
    unknown = set(required_for) - {k.value for k in CustomerType}
    if unknown:
        raise Invalid(fields={"required_for": [_l("Not a customer type.")]})
    with ctx.uow() as uow:
        types = uow.repo(DocumentTypes)
        if version is None:
            record = records.DocumentType(type_id=type_id)
        else:
            record = types.find(type_id)
            if record is None:
                raise NotFound()
            if int(version) != int(record.version or 0):
                raise Conflict()
        record.name_zh, record.name_en = name_zh.strip(), name_en.strip()
        record.required_for = set(required_for) or None
        if version is None:
            types.create(record)
        else:
            types.change(record)
        audit.stage(uow, ctx, "document_type.saved", target_type="document_type", target_id=type_id,
                    detail={"name_zh": record.name_zh, "required_for": sorted(required_for)})
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(TYPE_EXISTS, fields={"type_id": [TYPE_EXISTS]} if version is None else None) from exc
    site.document_types_changed()  # the 准入指南 pages list them: published again (static site)
    return record


# --- licence expiry (the daily job) ----------------------------------------------------------------

WARN_DAYS = (60, 30, 7)


@dataclass(frozen=True)
class ExpiryRun:
    """What one run of the licence-expiry job did."""

    warned: list[str]
    flagged: list[str]
    failed: list[str] = field(default_factory=list)  # could not be done now: still due, the run is retried


def _stage_of(expiry_day: str, today: date, sent: set[str]) -> str | None:
    """The warning due now ("60", "30", "7" or "expired"), or None when none is due or it was sent."""
    left = (date.fromisoformat(expiry_day) - today).days
    stage = "expired" if left < 0 else next((str(d) for d in reversed(WARN_DAYS) if left <= d), None)
    return None if stage in sent else stage


def watch_expiry(ctx: Ctx) -> ExpiryRun:
    """Warn the customer and its designated staff 60, 30 and 7 days before a required licence expires (once
    each); once it has expired, flag the customer as not meeting ADM-2 (a)/(e) where it stands, until a valid
    new version is verified. Reads only documents expiring within 60 days (sparse index)."""
    today = shanghai_day(ctx.now)
    uow = ctx.uow()
    due = uow.repo(Documents).expiring_by((today + timedelta(days=WARN_DAYS[0])).isoformat())
    owners = {c.customer_id: c for c in uow.repo(Customers).many([(d.customer_id,) for d in due])}
    types = document_types(uow)
    warned, flagged, failed = [], [], []
    for doc in due:
        customer = owners.get(doc.customer_id)
        stage = _stage_of(doc.expiry_date, today, set(doc.warnings_sent or set()))
        if customer is None or stage is None or doc.type_id not in {
                t.type_id for t in types if customer.kind in (t.required_for or set())}:
            continue
        try:
            with ctx.uow() as work:
                standings = work.repo(Standings).of_customer(doc.customer_id)
                work.repo(Documents).warned(doc, stage)
                if stage == "expired":
                    for standing in standings:
                        work.repo(Standings).flag_licence(standing, doc.type_id, True)
                audit.stage(work, ctx, f"document.expiry_{stage}", target_type="customer",
                            target_id=doc.customer_id,
                            detail={"document": doc.doc_id, "type": doc.type_id, "expires": doc.expiry_date})
                _mail_expiry(work, ctx, customer, doc, stage, today, standings)
                work.commit()
        except WriteConflict:
            continue  # replaced or ended meanwhile: the next run looks again
        except Unavailable:
            failed.append(f"{doc.doc_id}:{stage}")  # not warned: still due, reported (the run is retried)
            continue
        (flagged if stage == "expired" else warned).append(f"{doc.doc_id}:{stage}")
    return ExpiryRun(warned, flagged, failed)


def _mail_expiry(uow, ctx: Ctx, customer, doc, stage: str, today: date, standings: list) -> None:
    """Tell the customer and the designated staff where it stands, with the warning (issue 16 notifications)."""
    staff = uow.repo(Users).many([(s.designated_staff,) for s in standings if s.designated_staff])
    kind = "licence_expired" if stage == "expired" else "licence_expiring"
    params = {"document": doc.original_name, "customer": customer.name, "day": doc.expiry_date}
    notifications.notify(uow, ctx, audiences.customer_users(uow, customer), kind, "/customer/documents", **params)
    notifications.notify(uow, ctx, staff, kind, f"/staff/customers/{customer.customer_id}", **params)
