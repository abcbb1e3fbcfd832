"""Receivables ageing per department (issue 18 item 2): what is still unpaid, not yet due and 1–30, 31–90 or over
90 days overdue, read from the tallies the import moves (one Query, whatever the number of invoices)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.sales import Ageing
from portal.domain.roles import Perm
from portal.domain.sales_rows import AGEING_BUCKETS, ageing_bucket, fen_to_yuan
from portal.domain.timeutil import shanghai_day
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import NotFound


@dataclass(frozen=True)
class Bucket:
    """One ageing bucket: its code (current, d1_30, d31_90, over_90), the unpaid money and how many invoices."""

    code: str
    yuan: Decimal
    invoices: int


@dataclass(frozen=True)
class AgeingReport:
    """A department's unpaid receivables by how late they are, as of `today`."""

    dept_id: str
    today: date
    buckets: tuple[Bucket, ...]

    @property
    def total_yuan(self) -> Decimal:
        """Everything unpaid."""
        return sum((b.yuan for b in self.buckets), Decimal("0.00"))


def ageing(ctx: Ctx, dept_id: str) -> AgeingReport:
    """The department's receivables ageing (its staff, MD and company leadership: SEC-1)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    uow = ctx.uow()
    if uow.repo(Catalogue).read().department(dept_id) is None:
        raise NotFound()
    today = shanghai_day(ctx.now)
    fen = dict.fromkeys(AGEING_BUCKETS, 0)
    count = dict.fromkeys(AGEING_BUCKETS, 0)
    for due_on, (unpaid, invoices) in uow.repo(Ageing).by_due_day(dept_id).items():
        bucket = ageing_bucket(date.fromisoformat(due_on), today)
        fen[bucket] += unpaid
        count[bucket] += invoices
    return AgeingReport(dept_id, today, tuple(Bucket(b, fen_to_yuan(fen[b]), count[b]) for b in AGEING_BUCKETS))
