"""What the staff pages about one customer show, each read in one call (at most 6 DynamoDB calls with the
sign-in's): the customer's archive, an application under review and a standing in a department."""

from __future__ import annotations

from dataclasses import dataclass

from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.customers import Applications, Customers, Documents
from portal.adapters.repos.dynamics import BlacklistEntries
from portal.adapters.repos.grading import Counters, Evaluations, GradeChanges, Standings
from portal.adapters.repos.visits import Visits
from portal.domain.roles import Perm
from portal.services.access import authorize, refuse
from portal.services.application_access import get_application
from portal.services.applications import department_staff
from portal.services.context import Ctx
from portal.services.errors import NotFound
from portal.services.grading import NOT_ADMITTED, Quota


@dataclass(frozen=True)
class CustomerArchive:
    """A customer's archive as one department (or MD) may see it (SEC-1)."""

    customer: object
    documents: list
    applications: list
    standings: list
    visits: list
    types: dict  # document types by id


@dataclass(frozen=True)
class ReviewPage:
    """An application under review, its customer and documents, and the department's staff to designate."""

    app: object
    customer: object
    documents: list
    types: dict
    staff: list  # the department's active staff who may be designated, by e-mail
    dept: object


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


def customer_archive(ctx: Ctx, customer_id: str) -> CustomerArchive:
    """The staff's customer page: the company, its documents, applications, standings and visits in sight."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, target=customer_id)
    actor, uow = ctx.actor, ctx.uow()
    wide = actor.company_wide
    mine = [] if wide else [(actor.dept_id, customer_id)]
    found, copy, own = uow.fetch((Customers, [(customer_id,)]), (Catalogue, [Catalogue.key]), (Standings, mine))
    applications = uow.repo(Applications).of_customer(customer_id)
    if not wide:  # SEC-1: a department sees those that stand in it, applied to it, or that it listed
        applications = [a for a in applications if a.dept_id == actor.dept_id]
        if not own and not applications and not any(
                e.scope == actor.dept_id for e in uow.repo(BlacklistEntries).of_customer(customer_id)):
            raise refuse(ctx, "customer_record", customer_id)
    if not found:
        raise NotFound()
    standings = uow.repo(Standings).of_customer(customer_id) if wide else own
    visits = uow.repo(Visits).of_customer(customer_id, newest_first=True)
    return CustomerArchive(
        customer=found[0], documents=uow.repo(Documents).of_customer(customer_id), applications=applications,
        standings=standings, visits=visits if wide else [v for v in visits if v.dept_id == actor.dept_id],
        types={t.type_id: t for t in uow.repo(Catalogue).read(copy[0] if copy else None).types})


def review_page(ctx: Ctx, app_id: str) -> ReviewPage:
    """An application under review (staff.application)."""
    uow = ctx.uow()
    app = get_application(ctx, app_id, uow)  # the department's staff and MD (SEC-1)
    found, copy = uow.fetch((Customers, [(app.customer_id,)]), (Catalogue, [Catalogue.key]))
    if not found:
        raise NotFound()
    catalogue = uow.repo(Catalogue).read(copy[0] if copy else None)
    staff = department_staff(app.dept_id, uow)
    return ReviewPage(app=app, customer=found[0], documents=uow.repo(Documents).of_customer(app.customer_id),
                      types={t.type_id: t for t in catalogue.types}, staff=staff,
                      dept=catalogue.department(app.dept_id))


def standing_page(ctx: Ctx, dept_id: str, customer_id: str) -> StandingPage:
    """A customer's standing in a department (staff.standing)."""
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
    history = uow.repo(GradeChanges).of_customer(customer_id)
    return StandingPage(
        standing=found[0], dept=dept, products={p.product_id: p for p in catalogue.products_of(dept_id)},
        evaluations=uow.repo(Evaluations).of_standing(dept_id, customer_id),
        proposals=[c for c in history if c.dept_id == dept_id and c.kind == "proposal" and c.status == "open"],
        quota=Quota(dept_id, counts, products), last_visit=uow.repo(Visits).last_made(customer_id, dept_id))
