"""Ticket reports (CMP-3, REL-5): by kind, category and channel, SLA hit rate, satisfaction, repeat complainers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from portal.adapters.repos.org import Departments
from portal.adapters.repos.ticket_tallies import TicketTallies
from portal.adapters.repos.tickets import COMPANY, Tickets
from portal.domain.roles import DepartmentKind, Perm
from portal.domain.ticket_tally import contribution
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
    rating_sum: int = 0  # ratings counted by the counters (those of `ratings` come on top)
    rating_count: int = 0
    complaints_by_customer: Counter = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def sla_hit_rate(self) -> float | None:
        """Share of resolved tickets resolved by their due time."""
        return round(100 * self.resolved_in_time / self.resolved, 1) if self.resolved else None

    @property
    def satisfaction(self) -> float | None:
        """Average rating (1–5) of closed tickets."""
        return round((self.rating_sum + sum(self.ratings)) / self.rated, 2) if self.rated else None

    @property
    def rated(self) -> int:
        """How many tickets were rated."""
        return self.rating_count + len(self.ratings)

    @property
    def repeat_complainers(self) -> list[tuple[str, int]]:
        """REL-5: customers with two or more complaints in the period, most first."""
        return [(self.names[c], n) for c, n in self.complaints_by_customer.most_common() if n >= 2]


def _scope(ctx: Ctx, scope: str | None) -> str | None:
    """The scope the actor's report covers: one asked for, its own department, or (None) every scope for MD."""
    if scope:
        authorize(ctx, Perm.VIEW_CUSTOMERS, None if scope == COMPANY else scope, target=f"report {scope}")
        if scope == COMPANY:
            authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST, target="company report")
        return scope
    authorize(ctx, Perm.VIEW_CUSTOMERS, target="company-wide report")
    return None if ctx.actor.company_wide else ctx.actor.dept_id


def _add_share(report: Report, share: dict) -> None:
    report.total += 1
    report.by_kind[share["kind"]] += 1
    report.by_category[share["category"]] += 1
    report.by_channel[share["channel"]] += 1
    report.resolved += share["resolved"]
    report.resolved_in_time += share["in_time"]
    if share["rating"]:
        report.ratings.append(share["rating"])
    if share["complainant"]:
        report.complaints_by_customer[share["complainant"]] += 1
        report.names[share["complainant"]] = share["name"]


def build(ctx: Ctx, scope: str | None, days: int = 90) -> Report:
    """One department's report (or, for MD and leadership, the whole company's) over the last `days` days:
    the counters of the days after the one the period starts in, and the tickets of that day filed since its
    start (two Queries, whatever the number of tickets)."""
    since = ctx.now - timedelta(days=days)
    report = Report(scope or "all", since)
    one = _scope(ctx, scope)
    if one is None and not ctx.actor.company_wide:  # staff of no department: nothing of theirs to count
        return report
    tallies = ctx.uow().repo(TicketTallies)
    for counter, measures, name in tallies.days_after(one, since.astimezone(UTC).date()):
        kind, _sep, value = counter.partition("#")
        if kind == "all":
            report.total += measures["total"]
            report.resolved += measures["resolved"]
            report.resolved_in_time += measures["in_time"]
            report.rating_sum += measures["rating_sum"]
            report.rating_count += measures["ratings"]
        elif kind in ("kind", "category", "channel"):
            getattr(report, f"by_{kind}")[value] += measures["total"]
        elif kind == "complaint":
            report.complaints_by_customer[value] += measures["total"]
            report.names[value] = name or report.names.get(value, "")
    for share in tallies.shares_since(one, since):
        _add_share(report, share)
    for counter in (report.by_kind, report.by_category, report.by_channel, report.complaints_by_customer):
        for key in [k for k, n in counter.items() if n == 0]:
            del counter[key]
    return report


def recount(ctx: Ctx, scope: str | None, days: int = 90) -> Report:
    """The same report counted ticket by ticket (reads every ticket of the period): to check the counters."""
    since = ctx.now - timedelta(days=days)
    report = Report(scope or "all", since)
    uow = ctx.uow()
    one = _scope(ctx, scope)
    if one is None and not ctx.actor.company_wide:
        return report
    scopes = [one] if one else [d.dept_id for d in uow.repo(Departments).every()
                                if d.kind == DepartmentKind.SALES.value] + [COMPANY]
    for each in scopes:
        for t in uow.repo(Tickets).filed_since(each, since):
            _add_share(report, contribution(t))
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

