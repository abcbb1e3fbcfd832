"""Visits (拜访/回访) a department plans to its customers: what a plan needs, their order (by day) and when one
may be recorded as made (not before its day) (RGT-2, REL-2)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

MAX_PURPOSE = 500
MAX_NOTES = 5_000
PLAN_AHEAD = timedelta(days=366)  # a plan is for the coming year at most


class Mode(StrEnum):
    """How the visit is made."""

    ON_SITE = "on_site"
    PHONE = "phone"
    ONLINE = "online"


def order_key(planned_on: str, visit_id: str) -> tuple[str, str]:
    """The plan's order: by planned day, earliest (and so the overdue) first, then by when it was planned. The
    grade shows as a badge beside each visit (RGT-2 四优先 is the staff's to weigh within a day)."""
    return planned_on, visit_id


def is_overdue(planned_on: str, today: date) -> bool:
    """A planned visit whose day (Asia/Shanghai) has passed without it being recorded."""
    return planned_on < today.isoformat()


def may_be_made(planned_on: str, today: date) -> bool:
    """A visit can be recorded as made on its planned day (Asia/Shanghai) or later, never before."""
    return planned_on <= today.isoformat()


def outcome_problems(outcome: str, notes: str, planned_on: str, today: date) -> dict[str, str]:
    """Field -> problem code for recording a visit: `outcome` (neither made nor cancelled), `early` (made before
    its day), `notes` (empty or too long). Cancelling is possible any day."""
    problems = {}
    if outcome not in ("done", "cancelled"):
        problems["outcome"] = "outcome"
    elif outcome == "done" and not may_be_made(planned_on, today):
        problems["outcome"] = "early"
    text = (notes or "").strip()
    if not text or len(text) > MAX_NOTES:
        problems["notes"] = "notes"
    return problems


def plan_problems(planned_on: date | None, today: date, mode: str, purpose: str) -> dict[str, str]:
    """Field -> problem code for a visit plan: `required`, `past`, `too_far`, `mode`, `too_long`."""
    problems = {}
    if planned_on is None:
        problems["planned_on"] = "required"
    elif planned_on < today:
        problems["planned_on"] = "past"
    elif planned_on > today + PLAN_AHEAD:
        problems["planned_on"] = "too_far"
    if mode not in {m.value for m in Mode}:
        problems["mode"] = "mode"
    text = (purpose or "").strip()
    if not text:
        problems["purpose"] = "required"
    elif len(text) > MAX_PURPOSE:
        problems["purpose"] = "too_long"
    return problems
