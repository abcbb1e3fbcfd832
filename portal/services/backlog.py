"""Short supply (issue 18 item 5, RGT-2 优先供货): a department's open orders of one product, ranked by the
customer's grade in that department now (VIP, 优选, 合格, then those no longer its customers), then by order time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.sales import Orders
from portal.domain.grading import Grade, rank
from portal.domain.roles import Perm
from portal.domain.sales_rows import fen_to_yuan
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import NotFound

MAX_ORDERS = 300  # open orders read per product: one Query and at most three BatchGetItems of standings


@dataclass(frozen=True)
class BacklogLine:
    """One open order in the queue: its place, the customer and its grade now (None: no longer a customer)."""

    place: int
    order_no: str
    customer_id: str
    customer_name: str | None
    grade: str | None
    ordered_on: date
    quantity: int
    amount_yuan: object


@dataclass(frozen=True)
class Backlog:
    """The ranked queue of a product's open orders; `more` when it holds more than MAX_ORDERS (the oldest read)."""

    dept_id: str
    product_id: str
    product: object
    lines: list[BacklogLine]
    more: bool


def _order_of(grade: str | None) -> int:
    return rank(Grade(grade)) if grade else 9


def products_of(ctx: Ctx, dept_id: str) -> list:
    """The department's products (the page's choice), for its staff or MD."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    catalogue = ctx.uow().repo(Catalogue).read()
    if catalogue.department(dept_id) is None:
        raise NotFound()
    return catalogue.products_of(dept_id)


def backlog(ctx: Ctx, dept_id: str, product_id: str) -> Backlog:
    """The department's open orders of the product, ranked by grade then order time (RGT-2); its staff or MD."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    uow = ctx.uow()
    catalogue = uow.repo(Catalogue).read()
    product = next((p for p in catalogue.products_of(dept_id) if p.product_id == product_id), None)
    if catalogue.department(dept_id) is None or product is None:
        raise NotFound()
    orders, last = uow.repo(Orders).open_page(dept_id, product_id, limit=MAX_ORDERS)
    standings = {s.customer_id: s for s in uow.repo(Standings).many(
        sorted({(dept_id, o.customer_id) for o in orders}))}
    ranked = sorted(orders, key=lambda o: (_order_of(getattr(standings.get(o.customer_id), "grade", None)),
                                           o.ordered_key))
    lines = []
    for place, o in enumerate(ranked, start=1):
        standing = standings.get(o.customer_id)
        lines.append(BacklogLine(place, o.order_no, o.customer_id, standing.customer_name if standing else None,
                                 standing.grade if standing else None, date.fromisoformat(o.ordered_on),
                                 int(o.quantity), fen_to_yuan(int(o.amount_fen))))
    return Backlog(dept_id, product_id, product, lines, last is not None)
