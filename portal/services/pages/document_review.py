"""The staff pages of the document review (issue 17), each read in one call within DESIGN rule 12: the queue of
file-checked documents waiting for a person (a page of the sparse `awaiting_review` index, then one batch read
of their customers, the catalogue and the department's standings, and one of its open applications) and one
document beside the customer's record."""

from __future__ import annotations

from dataclasses import dataclass

from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.customers import Applications, Customers
from portal.adapters.repos.document_reviews import DocumentReviews
from portal.adapters.repos.grading import Standings
from portal.domain.roles import Perm
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.document_review import reviewable
from portal.services.errors import NotFound
from portal.services.paging import Page, encode_cursor, parse_cursor

QUEUE_PAGE = 40  # documents read per page: their customers, standings and the catalogue fit one BatchGetItem (100)


@dataclass(frozen=True)
class Waiting:
    """One document waiting for a review, with its customer and type."""

    document: object
    customer: object
    type: object | None


@dataclass(frozen=True)
class ReviewQueue:
    """A page of the documents waiting for a review that the actor may review, oldest first."""

    items: list  # Waiting
    page: Page  # the cursor continues after the last document read (some read may belong to others)


@dataclass(frozen=True)
class DocumentReview:
    """One document to review beside the customer's record."""

    document: object
    customer: object
    type: object | None


def review_queue(ctx: Ctx, cursor: str | None = None) -> ReviewQueue:
    """The documents waiting for a review: MD all of them, a department those of its customers (standing there
    or with an open application there). At most three DynamoDB calls, `QUEUE_PAGE` documents read."""
    authorize(ctx, Perm.REVIEW_DOCUMENTS)
    uow = ctx.uow()
    documents, last = uow.repo(DocumentReviews).waiting(after=parse_cursor(cursor), limit=QUEUE_PAGE)
    ids = sorted({d.customer_id for d in documents})
    actor = ctx.actor
    dept = None if actor.company_wide else actor.dept_id
    found, copy, standing = uow.fetch((Customers, [(c,) for c in ids]), (Catalogue, [Catalogue.key]),
                                      (Standings, [(dept, c) for c in ids] if dept else []))
    ours = set(ids) if dept is None else {s.customer_id for s in standing}
    if dept is not None and set(ids) - ours:
        ours |= uow.repo(Applications).open_of(dept, sorted(set(ids) - ours))
    customers = {c.customer_id: c for c in found}
    types = {t.type_id: t for t in uow.repo(Catalogue).read(copy[0] if copy else None).types}
    items = [Waiting(d, customers[d.customer_id], types.get(d.type_id)) for d in documents
             if d.customer_id in ours and d.customer_id in customers]
    return ReviewQueue(items=items, page=Page(items, encode_cursor(last) if last else None))


def document_review(ctx: Ctx, doc_id: str) -> DocumentReview:
    """A document the actor may review, its customer's record and its type (404 otherwise)."""
    uow = ctx.uow()
    document = reviewable(ctx, doc_id, uow)
    found, copy = uow.fetch((Customers, [(document.customer_id,)]), (Catalogue, [Catalogue.key]))
    if not found:
        raise NotFound()
    types = {t.type_id: t for t in uow.repo(Catalogue).read(copy[0] if copy else None).types}
    return DocumentReview(document=document, customer=found[0], type=types.get(document.type_id))
