"""Time rules of dynamic management: blacklist terms, downgrade deadlines, review cycles (BLK-4/5, INC-2, REV-2)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from portal.domain.timeutil import SHANGHAI

DEPARTMENT_BAN_MONTHS = 6  # BLK-4
DOWNGRADE_DAYS = 5  # INC-2
DEFAULT_REVIEW_DAYS = 30  # REV-2 clarification


class TermError(ValueError):
    """A blacklist term that breaks BLK-4; `code` says how."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def add_months(day: date, months: int) -> date:
    """Calendar months later, clamped to the month's end (2027-08-31 + 6 → 2028-02-29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def department_expiry(listed_on: date, requested: date | None) -> date:
    """BLK-4: a department entry ends after 6 months by default; it may be shorter, never longer."""
    longest = add_months(listed_on, DEPARTMENT_BAN_MONTHS)
    if requested is None:
        return longest
    if requested <= listed_on:
        raise TermError("not_after_listing")
    if requested > longest:
        raise TermError("longer_than_six_months")
    return requested


def company_expiry(listed_on: date, requested: date | None) -> date | None:
    """BLK-4: a company entry lasts until MD lifts it, or until an expiry day MD chose."""
    if requested is not None and requested <= listed_on:
        raise TermError("not_after_listing")
    return requested


def downgrade_deadline(recorded_at: datetime) -> datetime:
    """INC-2: a VIP's downgrade is due by the end of the fifth calendar day after the incident (Asia/Shanghai)."""
    day = recorded_at.astimezone(SHANGHAI).date() + timedelta(days=DOWNGRADE_DAYS)
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


def cycle_of(day: date) -> tuple[str, date]:
    """REV-2: the half-year review cycle a day falls in, and the day it opens (1 January or 1 July)."""
    if day.month <= 6:
        return f"{day.year}H1", date(day.year, 1, 1)
    return f"{day.year}H2", date(day.year, 7, 1)


def review_due(opened_on: date, days: int = DEFAULT_REVIEW_DAYS) -> date:
    """The last day to finish a cycle's reviews (2027H1 opens 2027-01-01 and is due 2027-01-31)."""
    return opened_on + timedelta(days=days)


def cycle_names(cycle_id: str) -> dict[str, str]:
    """A review cycle's name in each language ("2027H1": 2027 年上半年 / the first half of 2027), as the
    `cycle_zh` / `cycle_en` parameters a notification is rendered with; an unknown id stays as it is."""
    year, half = cycle_id[:4], cycle_id[4:]
    if not (year.isdigit() and half in ("H1", "H2")):
        return {"cycle": cycle_id}
    return {"cycle_zh": f"{year} 年{'上' if half == 'H1' else '下'}半年",
            "cycle_en": f"the {'first' if half == 'H1' else 'second'} half of {year}"}
