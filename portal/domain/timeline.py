"""A customer's timeline (issue 17 item 3): which recorded changes belong on it, who may see each (SEC-1, BLK-*),
and the words of each entry's kind. Pure: the audit trail's events carry the place this module gives them.

Every state change is audited in the transaction that makes it (DESIGN rule 10); the events that concern one
customer also carry its id (`customer_key`, a sparse index), the scope that may see them (`*`: anyone who may see
the customer; a department id; `company`: company-wide staff only) and whether the customer itself sees them.
"""

from __future__ import annotations

from dataclasses import dataclass

EVERYONE = "*"  # any staff who may see the customer (and the customer, when shared)
COMPANY_ONLY = "company"  # company-wide staff only (MD): company tickets, company-level incidents

WIDE, DEPT, DEPT_OR_WIDE = "wide", "dept", "dept_or_wide"

# action -> (scope rule, the customer sees it). Internal judgements (proposals, evaluations, review scores,
# visit plans and notes, incidents and misconduct) stay with the staff; listings are told as BLK/SEC let the
# customer know (that it is listed, where and until when: never the reason or who).
EVENTS: dict[str, tuple[str, bool]] = {
    "customer.registered": (WIDE, True),
    "customer.imported": (WIDE, True),  # ONB-1: brought in by MD's import, with its standings
    "customer.contact_changed": (WIDE, True),
    "customer.change_reported": (WIDE, True),
    "customer.cancellation_reported": (WIDE, True),
    "customer.change_handled": (DEPT, True),
    "customer.cancellation_handled": (DEPT, True),
    "document.upload_requested": (WIDE, True),
    "document.verified": (WIDE, True),
    "document.rejected": (WIDE, True),
    "document.reviewed": (WIDE, True),
    "application.submitted": (DEPT, True),
    "application.admitted": (DEPT, True),
    "application.rejected": (DEPT, True),
    "grade.changed": (DEPT, True),
    "grade.proposed": (DEPT, False),
    "grade.proposal_declined": (DEPT, False),
    "grade.evaluated": (DEPT, False),
    "review.submitted": (DEPT, False),
    "review.decided": (DEPT, True),
    "standing.ended": (DEPT, True),
    "ticket.filed": (DEPT, True),
    "ticket.advanced": (DEPT, True),
    "ticket.replied": (DEPT, True),
    "ticket.closed": (DEPT, True),
    "ticket.reopened": (DEPT, True),
    "visit.planned": (DEPT, False),
    "visit.done": (DEPT, True),
    "visit.cancelled": (DEPT, False),
    "contract.signed": (DEPT, True),  # REL-1/REL-3: the archive keeps the contracts; drafts stay with the staff
    "contract.terminated": (DEPT, True),
    "contract.expired": (DEPT, True),
    "incident.recorded": (DEPT, False),
    "incident.downgrade_escalated": (DEPT, False),
    "incident.report_decided": (DEPT, False),
    "misconduct.to_incident": (DEPT, False),
    "blacklist.listed": (DEPT_OR_WIDE, True),
    "blacklist.lifted": (DEPT_OR_WIDE, True),
    "blacklist.expired": (DEPT_OR_WIDE, True),
}


@dataclass(frozen=True)
class Place:
    """Where an audit event sits on a customer's timeline."""

    customer_id: str
    scope: str  # EVERYONE, a department id, or COMPANY_ONLY
    shared: bool  # the customer's own users see it


def place_of(action: str, outcome: str, target_type: str | None, target_id: str | None, dept_id: str | None,
             detail: dict | None) -> Place | None:
    """The timeline place of an audited change, or None (not a change of a customer's record, or not done)."""
    rule = EVENTS.get(action) or ((WIDE, True) if action.startswith("document.expiry_") else None)
    if rule is None or outcome != "ok":
        return None
    customer_id = target_id if target_type == "customer" else (detail or {}).get("customer")
    if not customer_id or not isinstance(customer_id, str):
        return None
    how, shared = rule
    if how == WIDE or (how == DEPT_OR_WIDE and not dept_id):
        scope = EVERYONE
    else:
        scope = dept_id or COMPANY_ONLY
    return Place(customer_id, scope, shared)


def visible_scopes(company_wide: bool, dept_id: str | None) -> tuple[str, ...] | None:
    """The scopes a staff member sees on a customer's timeline (None: all of them, company-wide staff)."""
    if company_wide:
        return None
    return (EVERYONE, dept_id) if dept_id else (EVERYONE,)
