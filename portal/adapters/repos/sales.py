"""Orders and receivables from the ERP (issue 18 item 2), and the department's ageing tallies.

Key formats live here: an order's key "<dept>#<order no>", an invoice's "<dept>#<invoice no>" (the ERP's numbers:
importing a row again writes the same item); the sparse `open_orders` index's partition "<dept>#<product>", sorted
by "<ordered day>#<order no>". In the counters table, moved in the unit of work that writes the records: a
customer's sales tallies by day, partition "sales#<dept>#<customer>", key "day#<day>" (see
portal.domain.sales_facts.contributions); the ageing, partition "ageing#<dept>", key "due#<day>": what is still
unpaid of the invoices due that day (`total`, in 分) and how many they are (`open`).
"""

from __future__ import annotations

from portal.adapters import records, tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr
from portal.domain.sales_facts import FIELDS, contributions


def pair(dept_id: str, customer_id: str) -> str:
    """The partition of one customer in one department."""
    return f"{dept_id}#{customer_id}"




class Orders(Repo):
    """A department's ERP orders by number; a customer's by day; open ones by product (RGT-2 backlog)."""

    model = tables.Order

    def numbered(self, dept_id: str, numbers: list[str]) -> dict[str, object]:
        """The orders already imported among `numbers` (BatchGetItem, 100 a call), by number."""
        return {r.order_no: r for r in self.many([(f"{dept_id}#{n}",) for n in numbers])}

    def write(self, record, previous) -> None:
        """Stage an order as imported, only if nobody changed it since `previous` was read (tag "changed")."""
        record.order_key = f"{record.dept_id}#{record.order_no}"
        record.ordered_key = f"{record.ordered_on}#{record.order_no}"
        record.open_of = f"{record.dept_id}#{record.product_id}" if record.status == "open" else None
        record.version = previous.version if previous else None
        CustomerSales(self.uow).move("orders", record, previous)
        self.save(record, tag="changed")

    def open_page(self, dept_id: str, product_id: str, *, after: str | None = None,
                  limit: int = 200) -> tuple[list, str | None]:
        """A page of the department's open orders of a product, oldest first (the sparse `open_orders` index)."""
        records_, last = self.query(f"{dept_id}#{product_id}", index="open_orders", limit=limit,
                                    sort=attr("ordered_key").gt(after) if after else None)
        return records_, (last["ordered_key"] if last else None)


class Receivables(Repo):
    """A department's ERP invoices by number; a customer's by due day, unpaid ones in the sparse `unpaid` index."""

    model = tables.Receivable

    def numbered(self, dept_id: str, numbers: list[str]) -> dict[str, object]:
        """The invoices already imported among `numbers` (BatchGetItem, 100 a call), by number."""
        return {r.invoice_no: r for r in self.many([(f"{dept_id}#{n}",) for n in numbers])}

    def write(self, record, previous) -> None:
        """Stage an invoice as imported (only if unchanged since `previous` was read: tag "changed") and move the
        department's ageing tallies by the difference in what is unpaid."""
        record.invoice_key = f"{record.dept_id}#{record.invoice_no}"
        record.version = previous.version if previous else None
        for share, sign in ((_share(previous), -1), (_share(record), 1)):
            if share:
                Ageing(self.uow).move(record.dept_id, share[0], sign * share[1], sign)
        CustomerSales(self.uow).move("receivables", record, previous)
        self.save(record, tag="changed")


def _share(record) -> tuple[str, int] | None:
    """What an invoice adds to the ageing tallies: its due day and what is unpaid of it (None: nothing)."""
    if record is None or record.paid_on:
        return None
    return record.due_on, int(record.amount_fen) - int(record.paid_fen or 0)


class CustomerSales(Repo):
    """A customer's sales tallies by day in a department, moved with its orders and invoices: its sales facts in
    one Query, whatever the number of orders."""

    model = tables.Counter

    def move(self, kind: str, record, previous) -> None:
        """Stage taking `previous`'s share out of the tallies and adding `record`'s (each a customer's, by day)."""
        for share, sign in ((previous, -1), (record, 1)):
            for day, deltas in contributions(kind, share):
                self.uow.tally(tables.Counter, {"dept_id": f"sales#{pair(share.dept_id, share.customer_id)}",
                                                "key": f"day#{day}"}, {k: sign * v for k, v in deltas.items()})

    def days(self, dept_id: str, customer_id: str) -> dict[str, dict[str, int]]:
        """ISO day -> tallies, for every day the customer's orders and invoices touched (one Query a page)."""
        return {t.key.removeprefix("day#"): {f: int(getattr(t, f) or 0) for f in FIELDS}
                for t in self.all(f"sales#{pair(dept_id, customer_id)}")}


class Ageing(Repo):
    """The department's unpaid money by due day (counters moved with the invoices): the ageing in one Query."""

    model = tables.Counter

    def move(self, dept_id: str, due_on: str, fen: int, invoices: int) -> None:
        """Stage adding `fen` and `invoices` to the tally of invoices due on `due_on`."""
        self.uow.tally(tables.Counter, {"dept_id": f"ageing#{dept_id}", "key": f"due#{due_on}"},
                       {"total": fen, "open": invoices})

    def by_due_day(self, dept_id: str) -> dict[str, tuple[int, int]]:
        """Due day -> (unpaid 分, unpaid invoices), for every day with something unpaid."""
        tallies = self.all(f"ageing#{dept_id}", filter=attr("open").gt(0))
        return {t.key.removeprefix("due#"): (int(t.total or 0), int(t.open or 0)) for t in tallies}


def new_order(**values):
    """A new order record."""
    return records.Order(**values)


def new_receivable(**values):
    """A new invoice record."""
    return records.Receivable(**values)


PENDING = "pending"


class SalesImports(Repo):
    """Large files imported by the job: pending ones in the sparse `pending` index; a department's by `by_dept`."""

    model = tables.SalesImport

    def find(self, import_id: str | None):
        """One import, or None."""
        return self.get(import_id) if import_id and len(import_id) <= 64 else None

    def request(self, record) -> None:
        """Stage a new import waiting for its upload."""
        record.version = None
        self.save(record, tag="exists")

    def pending(self, limit: int = 5) -> list:
        """Imports the job has work on, oldest first (one Query on the sparse `pending` index)."""
        records_, _last = self.query(PENDING, index="pending", limit=limit)
        return records_

    def latest_of(self, dept_id: str, limit: int = 5) -> list:
        """The department's latest imports, newest first (one Query)."""
        records_, _last = self.query(dept_id, index="by_dept", forward=False, limit=limit)
        return records_

    def keep(self, record) -> None:
        """Stage the record as changed (in the `pending` index while pending or writing), only if nobody changed
        it since it was read (tag "stale": another run got there first)."""
        record.pending_bucket = PENDING if record.status in ("pending", "writing") else None
        self.save(record, tag="stale")
