"""What the customer pages show, each read in one call: the dashboard, the documents page, the tickets page,
the application form and one application (at most 6 DynamoDB calls with the sign-in's)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.adapters.repos.catalogue import Catalogue, CatalogueView
from portal.adapters.repos.customers import Applications, Customers, Documents
from portal.adapters.repos.dynamics import BlacklistEntries
from portal.adapters.repos.grading import Standings
from portal.domain.grading import Grade, rank
from portal.services.context import Ctx
from portal.services.errors import NotFound, Unauthenticated
from portal.services.paging import Page, encode_cursor, parse_cursor

HISTORY_PAGE = 50  # uploads per page of a document history


@dataclass(frozen=True)
class Dashboard:
    """The customer's dashboard: its company, each sales department's status, rights, listings and documents."""

    customer: object
    documents: list  # the current verified version of each type
    applications: list
    standings: list
    departments: dict  # sales departments by id
    products: dict  # (dept id, product id) -> product
    priorities: dict  # RGT-2: dept id -> priority rank
    listings: list  # active blacklist entries
    required: list  # document types the customer's kind must provide
    types: dict  # every document type by id


@dataclass(frozen=True)
class DocumentsPage:
    """The documents page: the company, the current version of each document type, a page of every upload
    (newest first), and the types it may upload (required ones named)."""

    customer: object
    current: list
    history: Page
    types: list
    required: set


def _customer_and_catalogue(ctx: Ctx, uow) -> tuple[object, CatalogueView]:
    """The actor's own company and the catalogue, in one BatchGetItem."""
    if ctx.actor is None or not ctx.actor.is_customer:
        raise Unauthenticated()
    found, copy = uow.fetch((Customers, [(ctx.actor.customer_id,)]), (Catalogue, [Catalogue.key]))
    if not found:
        raise NotFound()
    return found[0], uow.repo(Catalogue).read(copy[0] if copy else None)


def _required(catalogue: CatalogueView, kind: str) -> list:
    return [t for t in catalogue.types if kind in (t.required_for or set())]


def dashboard(ctx: Ctx) -> Dashboard:
    """The customer's dashboard (customer.home), in five calls; documents: the current versions only."""
    uow = ctx.uow()
    customer, catalogue = _customer_and_catalogue(ctx, uow)
    customer_id = customer.customer_id
    standings = uow.repo(Standings).of_customer(customer_id)
    return Dashboard(
        customer=customer, documents=uow.repo(Documents).verified_of(customer_id),
        applications=uow.repo(Applications).of_customer(customer_id), standings=standings,
        departments={d.dept_id: d for d in catalogue.sales()},
        products={(p.dept_id, p.product_id): p for p in catalogue.products},
        priorities={s.dept_id: rank(Grade(s.grade)) for s in standings},
        listings=uow.repo(BlacklistEntries).of_customer(customer_id, active_only=True),
        required=_required(catalogue, customer.kind), types={t.type_id: t for t in catalogue.types})


def documents_page(ctx: Ctx, cursor: str | None = None) -> DocumentsPage:
    """The customer's documents page, in three calls: the current versions (a sparse index) and one page of the
    history (`cursor` from the previous page)."""
    uow = ctx.uow()
    after = parse_cursor(cursor)
    customer, catalogue = _customer_and_catalogue(ctx, uow)
    repo = uow.repo(Documents)
    items, last = repo.history(customer.customer_id, after=after, limit=HISTORY_PAGE)
    return DocumentsPage(customer=customer, current=repo.verified_of(customer.customer_id),
                         history=Page(items, encode_cursor(last) if last else None), types=catalogue.types,
                         required={t.type_id for t in _required(catalogue, customer.kind)})


def dealings(ctx: Ctx) -> tuple[list[str], dict]:
    """The departments the customer stands in or applied to (by id), and the sales departments by id."""
    uow = ctx.uow()
    customer_id = ctx.actor.customer_id
    dealing = {s.dept_id for s in uow.repo(Standings).of_customer(customer_id)}
    dealing |= {a.dept_id for a in uow.repo(Applications).of_customer(customer_id)}
    return sorted(dealing), {d.dept_id: d for d in uow.repo(Catalogue).read().sales()}
