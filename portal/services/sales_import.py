"""The ERP's orders and receivables imported for a department (issue 18 item 2): every row checked first (pass 1,
streamed: only the numbers seen are kept), then written in small transactions (pass 2), idempotent by the ERP's
order or invoice number — a row imported again with the same values writes nothing. A source with any bad row
imports nothing and answers the report. Rows come from the API (JSON) or a file (portal.services.sales_files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.customers import CreditCodes
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.sales import Orders, Receivables, new_order, new_receivable
from portal.domain.roles import Perm
from portal.domain.sales_rows import NUMBER_KEY, Problem, check_row
from portal.domain.timeutil import shanghai_day
from portal.services import audit
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Invalid, NotFound
from portal.services.sales_words import problem_fields

BLOCK = 90  # rows resolved together (a BatchGetItem each of codes, standings, records already imported)
MAX_WRITES = 100  # writes in one DynamoDB transaction
# the most one row may stage: the record, and the tallies its old and new values move (a customer's two days each;
# an invoice also two ageing days); tallies of the same item merge, so a transaction usually holds far more rows
ROW_WRITES = {"orders": 5, "receivables": 7}  # an invoice needs 5 today: 7 leaves room, the bound stays safe
MAX_REPORTED = 200  # problems kept for the report (all are counted)
KINDS = ("orders", "receivables")

# A source: a function giving a fresh iterator of (row number, {column key: value}, [problems found reading it]).
Source = Callable[[], Iterator[tuple[int, dict, list[Problem]]]]


@dataclass
class Report:
    """What an import found or did: rows seen, problems (when any: nothing imported), and what was written."""

    kind: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    position: int = 0  # rows of pass 2 done (a job continues from here)

    @property
    def ok(self) -> bool:
        """True when no row had a problem."""
        return self.problem_count == 0

    def add(self, problems: Iterable[Problem]) -> None:
        """Count problems, keeping the first MAX_REPORTED."""
        for problem in problems:
            self.problem_count += 1
            if len(self.problems) < MAX_REPORTED:
                self.problems.append(problem)


class BadRows(Invalid):
    """A source with bad rows: nothing imported; `report` names each problem's row and column."""

    def __init__(self, report: Report):
        super().__init__(_l("Nothing was imported: %(n)d problems were found. Correct them and import again.",
                            n=report.problem_count), fields=problem_fields(report.problems))
        self.report = report


def rows_source(rows: list[dict], first: int = 1) -> Source:
    """A source of JSON rows (the API's), numbered from `first`."""
    return lambda: ((n, row, []) for n, row in enumerate(rows, start=first))


def check_access(ctx: Ctx, dept_id: str, kind: str) -> None:
    """Raise unless the actor may import into the department (SEC-1: its leader or rep, or MD) and it exists."""
    authorize(ctx, Perm.IMPORT_SALES, dept_id, target=dept_id)
    if kind not in KINDS or ctx.uow().repo(Catalogue).read().department(dept_id) is None:
        raise NotFound()


class _Resolver:
    """Finds each row's customer (by credit code), its standing in the department and the product, 100 at once."""

    def __init__(self, uow, dept_id: str):
        self.uow, self.dept_id = uow, dept_id
        products = uow.repo(Catalogue).read().products_of(dept_id)
        self.products = {}
        for p in products:
            for name in (p.product_id, p.name_zh, p.name_en):
                if name:
                    self.products.setdefault(name.strip().casefold(), p.product_id)

    def resolve(self, kind: str, block: list) -> tuple[list, list[Problem]]:
        """(number, row, customer id, product id) for the good rows of a block, and the others' problems."""
        owners = self.uow.repo(CreditCodes).owners([row.credit_code for _n, row in block])
        standing = {s.customer_id for s in self.uow.repo(Standings).many(
            sorted({(self.dept_id, c) for c in owners.values()}))}
        good, problems = [], []
        for number, row in block:
            customer_id = owners.get(row.credit_code)
            product_id = self.products.get(row.product.casefold()) if kind == "orders" else ""
            if customer_id is None:
                problems.append(Problem(number, "credit_code", "unknown_customer"))
            elif customer_id not in standing:
                problems.append(Problem(number, "credit_code", "not_a_customer"))
            if product_id is None:
                problems.append(Problem(number, "product", "unknown_product"))
            if customer_id in standing and product_id is not None:
                good.append((number, row, customer_id, product_id))
        return good, problems


def _parsed_blocks(kind: str, source: Source, today, report: Report | None, skip: int = 0) -> Iterator[list]:
    """Blocks of (number, parsed row), one per BLOCK rows of the source after the first `skip`; rows with
    problems are left out (and added to `report` when one is given)."""
    rows = islice(source(), skip, None)
    while chunk := list(islice(rows, BLOCK)):
        block = []
        for number, values, read_problems in chunk:
            parsed, problems = check_row(kind, number, values, today)
            marked = {p.column for p in read_problems}  # a formula or merged cell is said once, as such
            problems = [p for p in problems if p.column not in marked]
            if report is not None:
                report.rows += 1
                report.add(read_problems + problems)
            if parsed is not None and not read_problems:
                block.append((number, parsed))
        yield block


def validate(ctx: Ctx, dept_id: str, kind: str, source: Source, header: list[Problem] | None = None) -> Report:
    """Pass 1: every row checked (cells, duplicates in the source, customers, products); nothing written."""
    report = Report(kind)
    report.add(header or [])
    check_rows(ctx, dept_id, kind, source, report, set())
    return report


def check_rows(ctx: Ctx, dept_id: str, kind: str, source: Source, report: Report, seen: set[str],
               keep_going: Callable[[], bool] = lambda: True) -> bool:
    """Pass 1 from where `report` stands (its rows are those checked before; `seen` their numbers): True when the
    source is checked to its end, False when `keep_going()` stopped it (a job continues in its next run)."""
    today = shanghai_day(ctx.now)
    resolver = _Resolver(ctx.uow(), dept_id)
    number_key = NUMBER_KEY[kind]
    for block in _parsed_blocks(kind, source, today, report, skip=report.rows):
        duplicates = []
        for number, row in block:
            key = getattr(row, number_key)
            if key in seen:
                duplicates.append(Problem(number, number_key, "duplicate"))
            seen.add(key)
        report.add(duplicates)
        report.add(resolver.resolve(kind, block)[1])
        if not keep_going():
            return False
    return True


def _record(kind: str, dept_id: str, row, customer_id: str, product_id: str, ctx: Ctx, by: str):
    common = dict(dept_id=dept_id, customer_id=customer_id, amount_fen=row.amount_fen, imported_at=ctx.now,
                  imported_by=by)
    if kind == "orders":
        return new_order(order_no=row.order_no, product_id=product_id, quantity=row.quantity,
                         ordered_on=row.ordered_on.isoformat(), status=row.status,
                         pickup_due_on=row.pickup_due_on.isoformat() if row.pickup_due_on else None,
                         picked_up_on=row.picked_up_on.isoformat() if row.picked_up_on else None, **common)
    return new_receivable(invoice_no=row.invoice_no, invoiced_on=row.invoiced_on.isoformat(),
                          due_on=row.due_on.isoformat(), paid_on=row.paid_on.isoformat() if row.paid_on else None,
                          paid_fen=row.paid_fen, **common)


SAME = {"orders": ("customer_id", "product_id", "quantity", "amount_fen", "ordered_on", "status", "pickup_due_on",
                   "picked_up_on"),
        "receivables": ("customer_id", "amount_fen", "invoiced_on", "due_on", "paid_on", "paid_fen")}


def _same(kind: str, record, previous) -> bool:
    def value(r, name):
        v = getattr(r, name)
        return int(v) if name.endswith(("_fen", "quantity")) and v is not None else v
    return previous is not None and all(value(record, n) == value(previous, n) for n in SAME[kind])


def write(ctx: Ctx, dept_id: str, kind: str, source: Source, report: Report, *, start: int = 0,
          keep_going: Callable[[], bool] = lambda: True, by: str | None = None) -> Report:
    """Pass 2 (after a clean pass 1): write the rows after position `start`, committing whenever the next row
    might not fit a transaction; stops early (with `report.position` recorded) when `keep_going()` says the time is
    short. `by`: who imported (the job
    writes for the person who uploaded the file)."""
    today = shanghai_day(ctx.now)
    uow = ctx.uow()
    resolver = _Resolver(uow, dept_id)
    repo_cls = Orders if kind == "orders" else Receivables
    report.position = start
    for block in _parsed_blocks(kind, source, today, None, skip=start):
        if not keep_going():
            return report
        good, _problems = resolver.resolve(kind, block)
        previous = uow.repo(repo_cls).numbered(dept_id, [getattr(r, NUMBER_KEY[kind]) for _n, r, _c, _p in good])
        done = 0  # rows of this block committed
        for n, (_number, row, customer_id, product_id) in enumerate(good):
            if uow.staged + ROW_WRITES[kind] > MAX_WRITES:
                uow.commit()
                report.position, done = report.position + n - done, n
                if not keep_going():
                    return report
            record = _record(kind, dept_id, row, customer_id, product_id, ctx, by or ctx.actor.user_id)
            before = previous.get(getattr(row, NUMBER_KEY[kind]))
            if _same(kind, record, before):
                report.unchanged += 1
                continue
            uow.repo(repo_cls).write(record, before)
            report.created += before is None
            report.changed += before is not None
        if uow.staged:
            uow.commit()
        report.position += len(good) - done
    return report


def import_now(ctx: Ctx, dept_id: str, kind: str, source: Source, header: list[Problem] | None = None) -> Report:
    """Check every row, then (none bad) write them all, audited: who imported what and how many rows. A source
    with any bad row imports nothing: Invalid carries the report."""
    check_access(ctx, dept_id, kind)
    report = validate(ctx, dept_id, kind, source, header)
    if not report.ok or report.rows == 0:
        audit.record(ctx, f"sales.{kind}_refused", outcome="refused", target_type="sales_import", target_id=dept_id,
                     dept_id=dept_id, detail={"rows": report.rows, "problems": report.problem_count})
        if report.rows == 0 and report.ok:
            report.add([Problem(0, "", "empty")])
        raise BadRows(report)
    write(ctx, dept_id, kind, source, report)
    audit.record(ctx, f"sales.{kind}_imported", target_type="sales_import", target_id=dept_id, dept_id=dept_id,
                 detail={"rows": report.rows, "created": report.created, "changed": report.changed,
                         "unchanged": report.unchanged})
    return report
