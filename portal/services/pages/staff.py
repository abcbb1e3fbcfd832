"""What the staff pages about one customer show, each read in one call (at most 6 DynamoDB calls with the
sign-in's, items read bounded by a page whatever the history): the customer's archive and its document history,
an application under review and a standing in a department."""

from __future__ import annotations

from dataclasses import dataclass

from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.customers import Applications, Customers, Documents
from portal.adapters.repos.dynamics import BlacklistEntries
from portal.adapters.repos.grading import Counters, Evaluations, GradeChanges, Standings
from portal.adapters.repos.identity import Users
from portal.adapters.repos.visits import Visits
from portal.domain.roles import Perm
from portal.services.access import authorize, refuse
from portal.services.application_access import get_application
from portal.services.applications import department_staff
from portal.services.context import Ctx
from portal.services.contract_reads import evidence_choices
from portal.services.errors import NotFound
from portal.services.grading import NOT_ADMITTED, Quota
from portal.services.paging import Page, encode_cursor, parse_cursor

STAFF_CHOICES = 100  # staff offered to designate: a department's first hundred by e-mail
VISITS_SHOWN = 20  # the archive's latest visits (older ones: a page further)
HISTORY_PAGE = 50  # versions per page of a document history


@dataclass(frozen=True)
class CustomerArchive:
    """A customer's archive as one department (or MD) may see it (SEC-1)."""

    customer: object
    documents: list  # the current verified version of each type (older ones: `document_history`)
    applications: list
    standings: list
    visits: Page  # the latest visits in sight, newest planned first
    types: dict  # document types by id


@dataclass(frozen=True)
class DocumentHistory:
    """A page of every version of a customer's documents, newest first."""

    customer: object
    documents: Page
    types: dict  # document types by id


@dataclass(frozen=True)
class ReviewPage:
    """An application under review, its customer and current documents, and the department's staff to designate."""

    app: object
    customer: object
    documents: list
    types: dict
    staff: list  # the department's active staff who may be designated, by e-mail (the assignee always among them)
    dept: object
    contracts: tuple = ()  # ADM-2 (c): the customer's signed or in-force contracts in the department (REL-3)


@dataclass(frozen=True)
class StandingPage:
    """A customer's standing in a department, with what deciding its grade needs."""

    standing: object
    dept: object
    products: dict  # the department's products by id
    evaluations: list
    proposals: list  # open proposals
    quota: Quota
    last_visit: str | None


def _in_sight(ctx: Ctx, uow, customer_id: str) -> tuple:
    """The customer, the catalogue and the applications a staff member may see (SEC-1: a department sees those
    that stand in it, applied to it, or that it listed), and the actor's department's standing (None for MD)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, target=customer_id)
    actor = ctx.actor
    mine = [] if actor.company_wide else [(actor.dept_id, customer_id)]
    found, copy, own = uow.fetch((Customers, [(customer_id,)]), (Catalogue, [Catalogue.key]), (Standings, mine))
    applications = uow.repo(Applications).of_customer(customer_id)
    if not actor.company_wide:
        applications = [a for a in applications if a.dept_id == actor.dept_id]
        if not own and not applications and not any(
                e.scope == actor.dept_id for e in uow.repo(BlacklistEntries).of_customer(customer_id)):
            raise refuse(ctx, "customer_record", customer_id)
    if not found:
        raise NotFound()
    return found[0], uow.repo(Catalogue).read(copy[0] if copy else None), applications, own


def customer_archive(ctx: Ctx, customer_id: str, cursor: str | None = None) -> CustomerArchive:
    """The staff's customer page: the company, its current documents, applications, standings and the latest
    visits in sight (`cursor`: a page of older visits)."""
    uow = ctx.uow()
    after = parse_cursor(cursor)
    customer, catalogue, applications, own = _in_sight(ctx, uow, customer_id)
    wide = ctx.actor.company_wide
    visits, last = uow.repo(Visits).latest_of(customer_id, dept_id=None if wide else ctx.actor.dept_id,
                                              after=after, limit=VISITS_SHOWN)
    return CustomerArchive(
        customer=customer, documents=uow.repo(Documents).verified_of(customer_id), applications=applications,
        standings=uow.repo(Standings).of_customer(customer_id) if wide else own,
        visits=Page(visits, encode_cursor(last) if last else None),
        types={t.type_id: t for t in catalogue.types})


def document_history(ctx: Ctx, customer_id: str, cursor: str | None = None) -> DocumentHistory:
    """A page of every version of a customer's documents, newest first (staff who may see it, SEC-1)."""
    uow = ctx.uow()
    after = parse_cursor(cursor)
    customer, catalogue, _applications, _own = _in_sight(ctx, uow, customer_id)
    items, last = uow.repo(Documents).history(customer_id, after=after, limit=HISTORY_PAGE)
    return DocumentHistory(customer=customer, documents=Page(items, encode_cursor(last) if last else None),
                           types={t.type_id: t for t in catalogue.types})


def review_page(ctx: Ctx, app_id: str) -> ReviewPage:
    """An application under review (staff.application)."""
    uow = ctx.uow()
    app = get_application(ctx, app_id, uow)  # the department's staff and MD (SEC-1)
    assignee = [(app.assignee_id,)] if app.assignee_id else []
    found, copy, designated = uow.fetch((Customers, [(app.customer_id,)]), (Catalogue, [Catalogue.key]),
                                        (Users, assignee))
    if not found:
        raise NotFound()
    catalogue = uow.repo(Catalogue).read(copy[0] if copy else None)
    staff = department_staff(app.dept_id, uow, limit=STAFF_CHOICES)
    staff += [u for u in designated if u.user_id not in {s.user_id for s in staff}]
    return ReviewPage(app=app, customer=found[0], documents=uow.repo(Documents).verified_of(app.customer_id),
                      types={t.type_id: t for t in catalogue.types}, staff=staff,
                      dept=catalogue.department(app.dept_id),
                      contracts=tuple(evidence_choices(ctx, app.dept_id, app.customer_id, uow)))


def standing_page(ctx: Ctx, dept_id: str, customer_id: str) -> StandingPage:
    """A customer's standing in a department (staff.standing): open proposals and the last visit made come from
    sparse indexes, the evaluations are the latest."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=customer_id)
    uow = ctx.uow()
    found, copy = uow.fetch((Standings, [(dept_id, customer_id)]), (Catalogue, [Catalogue.key]))
    if not found:
        raise NotFound(NOT_ADMITTED)
    catalogue = uow.repo(Catalogue).read(copy[0] if copy else None)
    dept = catalogue.department(dept_id)
    if dept is None:
        raise NotFound()
    counts, products = uow.repo(Counters).quota(dept_id)
    return StandingPage(
        standing=found[0], dept=dept, products={p.product_id: p for p in catalogue.products_of(dept_id)},
        evaluations=uow.repo(Evaluations).of_standing(dept_id, customer_id),
        proposals=uow.repo(GradeChanges).open_proposals(dept_id, customer_id),
        quota=Quota(dept_id, counts, products), last_visit=uow.repo(Visits).last_made(customer_id, dept_id))
