"""Tickets: kinds, lifecycle, and SLA clocks on China's working days (CMP-1…3, RGT-2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

import chinese_calendar

from portal.domain.grading import Grade
from portal.domain.timeutil import SHANGHAI

SLA_SOON = timedelta(hours=4)  # how long before an SLA deadline the staff are warned it is near (issue 16)


class Kind(StrEnum):
    """The four kinds of ticket."""

    COMPLAINT = "complaint"  # 投诉
    SERVICE = "service"  # 售后服务
    DISPUTE = "dispute"  # 争议
    CONSULTATION = "consultation"  # 咨询


class Channel(StrEnum):
    """CMP-1: how the ticket reached us; staff enter the offline ones."""

    PORTAL = "portal"
    HOTLINE = "hotline"
    IN_PERSON = "in_person"
    EMAIL = "email"


class Status(StrEnum):
    """submitted → acknowledged → in progress → resolved → closed (or reopened)."""

    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


STAFF_MOVES = {
    Status.SUBMITTED: {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED},
    Status.ACKNOWLEDGED: {Status.IN_PROGRESS, Status.RESOLVED},
    Status.IN_PROGRESS: {Status.RESOLVED},
}
OPEN = frozenset({Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS})
MAX_DESCRIPTION = 10_000
MAX_ATTACHMENTS = 10  # files kept on one ticket (rejected ones do not count)
# a file uploaded while its ticket is written (issue 17): "<ULID>-<16 hex>.<pdf|jpg|png>", never the user's name
UPLOAD_ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}-[0-9a-f]{16}\.(pdf|jpg|png)$(?!\n)"


def staff_may_move(current: Status, new: Status) -> bool:
    """Staff acknowledge, work on and resolve; only the customer closes or reopens."""
    return new in STAFF_MOVES.get(current, set())


def is_working_day(day: date) -> bool:
    """China's working days, with the State Council's adjusted days (调休) where published; Mon–Fri after."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # the library covers the years whose calendar is published
        return day.weekday() < 5


def after_working_days(start: datetime, days: int) -> datetime:
    """The end (23:59:59 Asia/Shanghai) of the `days`-th working day after `start`'s day; 0: that same day's end
    (or the next working day's, when `start` falls on a day off)."""
    day = start.astimezone(SHANGHAI).date()
    while not is_working_day(day):
        day += timedelta(days=1)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Sla:
    """CMP-2: working days allowed for the first response and for the resolution, shorter for higher grades."""

    first_response_days: int = 1
    resolution_days: int = 5
    vip_first_response_days: int | None = 0
    vip_resolution_days: int | None = 3

    def for_grade(self, grade: Grade | None) -> tuple[int, int]:
        """RGT-2: (first response, resolution) working days for a customer of `grade`."""
        if grade == Grade.VIP:
            return (self.vip_first_response_days if self.vip_first_response_days is not None
                    else self.first_response_days,
                    self.vip_resolution_days if self.vip_resolution_days is not None else self.resolution_days)
        return self.first_response_days, self.resolution_days


def queue_key(grade_rank: int, due: datetime, ticket_id: str) -> str:
    """RGT-2: the queue sorts by grade (VIP first), then by the earliest due time."""
    return f"{grade_rank}#{due.astimezone(SHANGHAI).strftime('%Y%m%d%H%M%S')}#{ticket_id}"
