"""Ticket reports (CMP-3, REL-5): by kind, category and channel, SLA hit rate, satisfaction, repeat complainers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal.adapters.repos.org import Departments
from portal.adapters.repos.tickets import COMPANY, Tickets
from portal.domain.roles import DepartmentKind, Perm
from portal.services.access import authorize
from portal.services.context import Ctx


@dataclass
class Report:
    """The numbers of one scope over a period."""

    scope: str
    since: datetime
    total: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)
    by_channel: Counter = field(default_factory=Counter)
    resolved: int = 0
    resolved_in_time: int = 0
    ratings: list[int] = field(default_factory=list)
    complaints_by_customer: Counter = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def sla_hit_rate(self) -> float | None:
        """Share of resolved tickets resolved by their due time."""
        return round(100 * self.resolved_in_time / self.resolved, 1) if self.resolved else None

    @property
    def satisfaction(self) -> float | None:
        """Average rating (1–5) of closed tickets."""
        return round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None

    @property
    def repeat_complainers(self) -> list[tuple[str, int]]:
        """REL-5: customers with two or more complaints in the period, most first."""
        return [(self.names[c], n) for c, n in self.complaints_by_customer.most_common() if n >= 2]


def _scopes(ctx: Ctx, scope: str | None, uow) -> list[str]:
    if scope:
        authorize(ctx, Perm.VIEW_CUSTOMERS, None if scope == COMPANY else scope, target=f"report {scope}")
        if scope == COMPANY:
            authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST, target="company report")
        return [scope]
    authorize(ctx, Perm.VIEW_CUSTOMERS, target="company-wide report")
    if not ctx.actor.company_wide:
        return [ctx.actor.dept_id]
    sales = [d.dept_id for d in uow.repo(Departments).every() if d.kind == DepartmentKind.SALES.value]
    return sales + [COMPANY]


def build(ctx: Ctx, scope: str | None, days: int = 90) -> Report:
    """One department's report (or, for MD and leadership, the whole company's) over the last `days` days."""
    since = ctx.now - timedelta(days=days)
    report = Report(scope or "all", since)
    uow = ctx.uow()
    for one in _scopes(ctx, scope, uow):
        for t in uow.repo(Tickets).filed_since(one, since):
            report.total += 1
            report.by_kind[t.kind] += 1
            report.by_category[t.category or "—"] += 1
            report.by_channel[t.channel] += 1
            if t.resolved_at:
                report.resolved += 1
                report.resolved_in_time += t.resolved_at <= t.resolution_due
            if t.rating:
                report.ratings.append(int(t.rating))
            if t.kind == "complaint":
                report.complaints_by_customer[t.customer_id] += 1
                report.names[t.customer_id] = t.customer_name
    return report


def csv_rows(report: Report) -> list[list]:
    """The report as rows for CSV export."""
    rows = [["measure", "key", "value"], ["tickets", "total", report.total],
            ["sla_hit_rate_percent", "resolution", report.sla_hit_rate if report.sla_hit_rate is not None else ""],
            ["satisfaction_average", "1-5", report.satisfaction if report.satisfaction is not None else ""]]
    rows += [["by_kind", k, v] for k, v in sorted(report.by_kind.items())]
    rows += [["by_category", k, v] for k, v in sorted(report.by_category.items())]
    rows += [["by_channel", k, v] for k, v in sorted(report.by_channel.items())]
    rows += [["repeat_complainer", name, n] for name, n in report.repeat_complainers]
    return rows

