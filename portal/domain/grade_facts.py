"""Scorecard indicators computed from facts (issue 18 item 3; GRD-2 b, GRD-5, GRD-6): which fact feeds which
indicator, the value it gives, and where it came from. Pure: the service gathers the facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from portal.domain.dynamics import add_months
from portal.domain.sales_facts import SalesFacts
from portal.domain.timeutil import shanghai_day

# A number indicator may take its value from one of these facts (the unit it is counted in):
NUMBER_SOURCES = {
    "volume_wan": "万元",  # orders of the last 12 months, in 万元 (ERP)
    "cooperation_years": "年",  # years since the first ERP order, else since the admission in the department
    "late_payments": "次",  # late payments in the period (ERP receivables and recorded incidents)
    "overdue_pickups": "次",  # overdue pick-ups in the period (ERP orders)
    "overdue_90_wan": "万元",  # receivables unpaid more than 90 days after their due day, in 万元 (ERP)
}
# A choice indicator may be picked from the payment record: its best-scored answer when nothing was late, the
# second best after one late payment or pick-up, its lowest after more, or with receivables over 90 days.
CHOICE_SOURCES = ("payment_record",)
SOURCES = (*NUMBER_SOURCES, *CHOICE_SOURCES)
EVALUATION_MONTHS = 12  # the period an evaluation looks at: the last 12 months up to today
PROMOTION_EVIDENCE_MONTHS = 6  # GRD-6: a promotion cites an evaluation of the last 6 months


def period(today: date) -> tuple[date, date]:
    """The evaluation's period: the 12 calendar months ending today (2026-11-30 → 2025-12-01 … 2026-11-30)."""
    return add_months(today, -EVALUATION_MONTHS) + timedelta(days=1), today


@dataclass(frozen=True)
class Computed:
    """One computed value: `value` (a number or an answer), and its source: `kind` names the wording, `facts` the
    figures it quotes (dates as ISO text)."""

    value: object
    kind: str
    facts: dict


@dataclass(frozen=True)
class Facts:
    """Everything an evaluation may compute from, for one customer in one department over `start`…`end`."""

    start: date
    end: date
    sales: SalesFacts
    late_incidents: int  # incidents of kind late_payment recorded in the period (INC-1)
    admitted_on: date

    @property
    def late_payments(self) -> int:
        """ERP late payments plus recorded late-payment incidents of the period."""
        return self.sales.late_payments + self.late_incidents

    @property
    def payment_known(self) -> bool:
        """Whether anything is known of the payment record: imported data, or a recorded late payment."""
        return self.sales.has_data or self.late_incidents > 0

    def hard(self) -> dict[str, bool]:
        """GRD-2 b, GRD-3 d: the hard criteria these facts prove (never un-proves one staff ticked)."""
        return {"late_payment": self.late_payments > 0, "overdue_pickup": self.sales.overdue_pickups > 0}


def _wan(yuan: Decimal) -> float:
    return float((yuan / Decimal(10000)).quantize(Decimal("0.01")))


def cooperation_years(since: date, today: date) -> float:
    """Completed years since `since`, to one decimal rounded down (0.99 years is 0.9, never 1)."""
    return max(0, int((today - since).days * 10 / 365.25)) / 10


def compute(source: str, facts: Facts, options: dict[str, int] | None = None) -> Computed | None:
    """The value `source` gives from `facts`, or None where no data exists (staff then enter it)."""
    s, span = facts.sales, {"start": facts.start.isoformat(), "end": facts.end.isoformat()}
    if source == "volume_wan" and s.has_data:
        return Computed(float(s.volume_wan), "erp_volume", {**span, "orders": s.orders, "wan": f"{s.volume_wan}"})
    if source == "cooperation_years":
        if s.first_order_on:
            return Computed(cooperation_years(s.first_order_on, facts.end), "first_order",
                            {"day": s.first_order_on.isoformat()})
        return Computed(cooperation_years(facts.admitted_on, facts.end), "admitted",
                        {"day": facts.admitted_on.isoformat()})
    if source == "late_payments" and facts.payment_known:
        return Computed(facts.late_payments, "late_payments",
                        {**span, "erp": s.late_payments, "incidents": facts.late_incidents})
    if source == "overdue_pickups" and s.has_data:
        return Computed(s.overdue_pickups, "overdue_pickups", {**span, "n": s.overdue_pickups})
    if source == "overdue_90_wan" and s.has_data:
        return Computed(_wan(s.overdue_90_yuan), "overdue_90", {"day": facts.end.isoformat(),
                                                               "wan": f"{_wan(s.overdue_90_yuan):.2f}"})
    if source == "payment_record" and facts.payment_known and options:
        ranked = sorted(options, key=lambda o: -options[o])
        problems = facts.late_payments + s.overdue_pickups
        level = 0 if problems == 0 and not s.overdue_90_yuan else 1 if problems <= 1 and not s.overdue_90_yuan \
            else 2
        return Computed(ranked[min(level, len(ranked) - 1)], "payment_record",
                        {**span, "late": facts.late_payments, "pickups": s.overdue_pickups,
                         "wan": f"{_wan(s.overdue_90_yuan):.2f}", "incidents": facts.late_incidents})
    return None


def differs(entered: object, computed: object) -> bool:
    """Whether what staff entered is another value than the computed one (numbers compared as numbers)."""
    if entered is None or entered == "":
        return False
    if isinstance(computed, str):
        return str(entered) != computed
    try:
        return abs(float(entered) - float(computed)) > 1e-9
    except (TypeError, ValueError):
        return True


def recent_enough(evaluated_at: datetime | date, today: date, months: int = PROMOTION_EVIDENCE_MONTHS) -> bool:
    """GRD-6: an evaluation counts for a promotion on `today` if made on or after the day `months` months before
    (calendar months, clamped to the month's end: on 2027-08-31, from 2027-02-28)."""
    day = shanghai_day(evaluated_at) if isinstance(evaluated_at, datetime) else evaluated_at
    return day >= add_months(today, -months)
