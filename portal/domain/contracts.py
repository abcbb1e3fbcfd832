"""Contracts (REL-3; ADM-2 c): a department's sales contract with a customer goes draft → submitted → approved (by
the department leader, by MD above the amount MD sets) → signed (a verified scan) → in force from its start day →
amended (each amendment a new version, approved like the first) → terminated (with a reason) or expired."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

MAX_NO = 64
MAX_TITLE = 200
MAX_REASON = 1_000
MAX_AMOUNT = 10_000_000_000  # 元: a hundred hundred-million; larger is a typing slip
DEFAULT_MD_THRESHOLD = 1_000_000  # 元: above it MD approves (REL-3), until MD sets another amount
REMINDER_DAYS = (60, 30)  # REL-3: the department hears of an expiry 60 and 30 days before


class State(StrEnum):
    """Where a contract (or one of its versions) stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    SIGNED = "signed"
    SUPERSEDED = "superseded"  # a version replaced by a signed amendment (kept, viewable)
    TERMINATED = "terminated"
    EXPIRED = "expired"


class Action(StrEnum):
    """What staff do to a contract's open version, or to the contract."""

    EDIT = "edit"
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"
    SIGN = "sign"
    AMEND = "amend"
    TERMINATE = "terminate"


# the state of the version worked on that each action needs
VERSION_NEEDS = {
    Action.EDIT: State.DRAFT,
    Action.SUBMIT: State.DRAFT,
    Action.RETURN: State.SUBMITTED,
    Action.APPROVE: State.SUBMITTED,
    Action.SIGN: State.APPROVED,
}
ENDED = frozenset({State.TERMINATED, State.EXPIRED})


def refusal(action: Action, contract_state: str, version_state: str | None, pending: bool) -> str | None:
    """REL-3: why `action` may not happen now (a problem code), or None. `contract_state` is the contract's
    (draft…signed, terminated, expired); `version_state` the state of the version being worked on; `pending`
    whether an amendment is open (a version newer than the one signed, not yet signed)."""
    if contract_state in ENDED:
        return "ended"
    if action == Action.AMEND:
        if contract_state != State.SIGNED:
            return "not_signed"
        return "amendment_open" if pending else None
    if action == Action.TERMINATE:
        return None if contract_state == State.SIGNED else "not_signed"
    return None if version_state == VERSION_NEEDS[action] else "wrong_step"


def needs_md(amount: int, threshold: int | None) -> bool:
    """REL-3: a contract (or amendment) above the amount MD set needs MD's approval, not the leader's."""
    return amount > (DEFAULT_MD_THRESHOLD if threshold is None else threshold)


def shown_state(state: str, start: str | None, end: str | None, today: date) -> str:
    """What a person reads: a signed contract is "in force" from its start day to its end day (Beijing dates),
    "signed" before, and "expired" once the end day has passed (before the daily job marks it)."""
    if state != State.SIGNED:
        return state
    day = today.isoformat()
    if end and end < day:
        return State.EXPIRED
    return "in_force" if not start or start <= day else State.SIGNED


def is_expired(end: str | None, today: date) -> bool:
    """A signed contract whose end day (Asia/Shanghai) has passed."""
    return bool(end) and end < today.isoformat()


def reminder_due(end: str, today: date) -> int | None:
    """REL-3: the reminder threshold (60 or 30 days) whose day has come for a contract ending on `end`, the
    nearest one first; None when none (or the end has passed)."""
    left = (date.fromisoformat(end) - today).days
    if left < 0:
        return None
    due = [d for d in REMINDER_DAYS if left <= d]
    return min(due) if due else None


def terms_problems(no: str, title: str, amount: int | None, start: date | None, end: date | None) -> dict[str, str]:
    """Field -> problem code for a contract's terms: `required`, `too_long`, `amount`, `end_before_start`."""
    problems = {}
    for field, text, limit in (("contract_no", no, MAX_NO), ("title", title, MAX_TITLE)):
        value = (text or "").strip()
        if not value:
            problems[field] = "required"
        elif len(value) > limit:
            problems[field] = "too_long"
    if amount is None:
        problems["amount"] = "required"
    elif amount <= 0 or amount > MAX_AMOUNT:
        problems["amount"] = "amount"
    if start is None:
        problems["start_date"] = "required"
    if end is None:
        problems["end_date"] = "required"
    elif start is not None and end < start:
        problems["end_date"] = "end_before_start"
    return problems
