"""Visits (拜访/回访) a department plans to its customers: what a plan needs, and their order (RGT-2, REL-2)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from portal.domain.grading import PRIORITY_RANK, Grade

MAX_PURPOSE = 500
MAX_NOTES = 5_000
PLAN_AHEAD = timedelta(days=366)  # a plan is for the coming year at most
NOT_STANDING = len(PRIORITY_RANK) + 1  # the customer no longer stands in the department: last


class Mode(StrEnum):
    """How the visit is made."""

    ON_SITE = "on_site"
    PHONE = "phone"
    ONLINE = "online"


def order_key(grade: Grade | None, planned_on: str, visit_id: str) -> tuple[int, str, str]:
    """RGT-2 四优先 for visits: VIP first, then 优选, then 合格 (by the grade the customer holds now), each by
    planned day; visits to customers that no longer stand in the department come last."""
    return PRIORITY_RANK.get(grade, NOT_STANDING), planned_on, visit_id


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
