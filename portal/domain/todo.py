"""Staff to-dos (issue 16 item 5): what one record adds to its department's to-do counters, and the counts a home
page shows from them. Pure: the adapters keep the counters in the unit of work that writes the record.

A record's share is a list of lines (scope, bucket, measure): scope a department (or "company" for MD's
tickets) and again COMPANY for MD's company-wide counts; bucket "all" for what has no deadline, or
"due#<Asia/Shanghai day>" for what is due on a day.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.domain.timeutil import shanghai_day

COMPANY = "*"  # the company-wide scope
ALL = "all"
DUE = "due#"
MEASURES = ("applications", "tickets", "visits", "reviews", "downgrades", "changes")
SOON_DAYS = 1  # a ticket whose SLA deadline falls today or tomorrow is near its SLA
REVIEW_DAYS = 7  # a review task due within a week is due


def _day(moment: datetime | None) -> str | None:
    return shanghai_day(moment).isoformat() if moment else None


def _ticket_day(ticket) -> str | None:
    """The Asia/Shanghai day of an open ticket's pending SLA deadline (its `due` key names the clock watched)."""
    what = ticket.due_key.split("#")[1].removeprefix("soon:") if ticket.due_key else None
    deadline = {"first_response": ticket.first_response_due, "resolution": ticket.resolution_due}.get(what)
    return _day(deadline) if ticket.queue_dept else None


def share(kind: str, record) -> list[tuple[str, str, str]]:
    """What a record as it will be written adds to the to-do counters (`kind`: the table's model name)."""
    place: tuple[str | None, str | None, str] | None = None
    if kind == "Application":
        place = (record.queue_dept, ALL, "applications")
    elif kind == "Ticket":
        day = _ticket_day(record)
        place = (record.queue_dept, day and DUE + day, "tickets")
    elif kind == "Visit":
        place = (record.planned_dept, record.planned_on and DUE + record.planned_on, "visits")
    elif kind == "ChangeTask":
        place = (record.open_dept, ALL, "changes")
    elif kind == "ReviewTask":
        place = (record.dept_id if record.open_bucket else None, record.due_on and DUE + record.due_on, "reviews")
    elif kind == "Incident":
        day = _day(record.downgrade_due_at) if record.downgrade_open else None
        place = (record.dept_id, day and DUE + day, "downgrades")
    if not place or not place[0] or not place[1]:
        return []
    scope, bucket, measure = place
    return [(scope, bucket, measure), (COMPANY, bucket, measure)]


def encode(lines: list[tuple[str, str, str]]) -> str | None:
    """The share as kept on the record (None: it counts for nothing)."""
    return json.dumps(sorted(list(line) for line in lines), ensure_ascii=False) if lines else None


def decode(kept: str | None) -> list[tuple[str, str, str]]:
    return [tuple(line) for line in json.loads(kept)] if kept else []


def moves(before: list, after: list) -> dict[tuple[str, str], dict[str, int]]:
    """The counter moves from one share to another: {(scope, bucket): {measure: delta}}, zeros left out."""
    delta = Counter(after)
    delta.subtract(Counter(before))
    out: dict[tuple[str, str], dict[str, int]] = {}
    for (scope, bucket, measure), n in sorted(delta.items()):
        if n:
            out.setdefault((scope, bucket), {})[measure] = n
    return out


@dataclass(frozen=True)
class ToDos:
    """A scope's to-do counts as a home page shows them."""

    applications: int = 0  # waiting in the department's queue
    tickets: int = 0  # open, the pending SLA deadline today, tomorrow or past
    tickets_late: int = 0  # of those, the deadline's day past
    visits: int = 0  # planned for today or before and not yet recorded
    visits_late: int = 0  # of those, planned before today
    reviews: int = 0  # review tasks undecided, due within a week or past
    downgrades: int = 0  # downgrades (INC-2) due and not yet made
    changes: int = 0  # change reports not yet handled


def horizon(today: date) -> str:
    """The last bucket a home page reads (a bucket key): nothing further ahead counts yet."""
    return DUE + (today + timedelta(days=max(SOON_DAYS, REVIEW_DAYS))).isoformat() + "~"


def to_dos(buckets: list[tuple[str, dict[str, int]]], today: date) -> ToDos:
    """The counts from a scope's counter buckets [(bucket, {measure: n})] up to `horizon(today)`."""
    day = today.isoformat()
    soon = (today + timedelta(days=SOON_DAYS)).isoformat()
    review = (today + timedelta(days=REVIEW_DAYS)).isoformat()
    n: Counter = Counter()
    for bucket, counts in buckets:
        if bucket == ALL:
            n["applications"] += counts.get("applications", 0)
            n["changes"] += counts.get("changes", 0)
            continue
        if not bucket.startswith(DUE):
            continue
        due = bucket[len(DUE):]
        n["downgrades"] += counts.get("downgrades", 0)
        n["tickets"] += counts.get("tickets", 0) if due <= soon else 0
        n["tickets_late"] += counts.get("tickets", 0) if due < day else 0
        n["visits"] += counts.get("visits", 0) if due <= day else 0
        n["visits_late"] += counts.get("visits", 0) if due < day else 0
        n["reviews"] += counts.get("reviews", 0) if due <= review else 0
    return ToDos(**{k: max(0, v) for k, v in n.items()})
