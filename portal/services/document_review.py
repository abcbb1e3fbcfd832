"""A person reviews a file-checked document (issue 17): 文件已检查 (type, size and first bytes checked by the
portal) becomes 已审核 once staff compared the content with the customer's record, or it is refused with a reason.

Who: MD, or staff of a department the customer applied to or stands in (SEC-1); a customer never. Admission keeps
relying on file-checked documents (ADM-4: a department sees a customer's documents only once it applied, so
requiring a review before applying would lock everyone out); the ADM-2 (a)/(e) reviewer sees whether the
evidence was reviewed, and a refusal takes the document out of use at once.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.customers import Applications, Customers, Documents
from portal.adapters.repos.document_reviews import DocumentReviews
from portal.adapters.repos.grading import Standings
from portal.adapters.uow import WriteConflict
from portal.domain.roles import Perm
from portal.services import audiences, audit, notifications
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.documents import required_types
from portal.services.errors import Conflict, Invalid, NotFound

REVIEWED_ALREADY = _l("This document was reviewed already, or replaced by a newer version.")
REASON_REQUIRED = _l("Say why the document is refused: the customer reads it.")
REASON_MAX = 500


def deals_with(ctx: Ctx, customer_id: str, uow) -> bool:
    """MD reviews any customer's documents; a department those of customers that stand in it or applied to it."""
    actor = ctx.actor
    if actor.company_wide:
        return True
    if uow.repo(Standings).get(actor.dept_id, customer_id):
        return True
    return any(a.dept_id == actor.dept_id for a in uow.repo(Applications).of_customer(customer_id))


def reviewable(ctx: Ctx, doc_id: str, uow):
    """The document the actor may review: 403 without the right or for a customer the actor's department does not
    deal with (SEC-1, the refusal audited), 404 for a forged id."""
    authorize(ctx, Perm.REVIEW_DOCUMENTS, target=doc_id)
    document = uow.repo(Documents).find(doc_id)
    if document is None:
        raise NotFound()
    if not deals_with(ctx, document.customer_id, uow):
        raise refuse(ctx, "document.review", doc_id)
    return document


def review(ctx: Ctx, doc_id: str, *, accept: bool, reason: str | None = None, version: int | None = None):
    """Confirm the document's content (已审核, the customer told "accepted") or refuse it with a reason (it stops
    counting; the customer told why); who and when are kept on the document and in the audit."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise Invalid(fields={"reason": [REASON_REQUIRED]})
    if len(reason) > REASON_MAX:
        raise Invalid(fields={"reason": [_l("At most %(n)s characters.", n=REASON_MAX)]})
    with ctx.uow() as uow:
        document = reviewable(ctx, doc_id, uow)
        if document.status != "verified" or document.reviewed_at is not None or (
                version is not None and int(version) != int(document.version or 0)):
            raise Conflict(REVIEWED_ALREADY)
        repo, actor = uow.repo(DocumentReviews), ctx.actor
        customer = uow.repo(Customers).find(document.customer_id)
        if accept:
            repo.confirm(document, by=actor.user_id, name=actor.name, when=ctx.now)
        else:
            repo.refuse(document, by=actor.user_id, name=actor.name, when=ctx.now, note=reason)
            _flag_standings(uow, customer, document)
        notifications.notify(uow, ctx, audiences.customer_users(uow, customer),
                             "document_accepted" if accept else "document_refused", "/customer/documents",
                             document=document.original_name, reason=reason or None)
        audit.stage(uow, ctx, "document.reviewed" if accept else "document.refused", target_type="document",
                    target_id=doc_id, detail={"customer": document.customer_id, "type": document.type_id,
                                              "reason": reason or None})
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(REVIEWED_ALREADY) from exc
    document.reviewed_at, document.reviewed_by, document.reviewed_by_name = ctx.now, actor.user_id, actor.name
    if not accept:
        document.status, document.refusal_note = "refused", reason
    return document


def _flag_standings(uow, customer, document) -> None:
    """A refused required document leaves ADM-2 (a)/(e) unmet where the customer stands, as an expired one does,
    until a valid new version is file-checked."""
    if customer is None or document.type_id not in {t.type_id for t in required_types(customer.kind, uow)}:
        return
    for standing in uow.repo(Standings).of_customer(customer.customer_id):
        uow.repo(Standings).flag_licence(standing, document.type_id, True)
