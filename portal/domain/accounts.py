"""People of a customer company and their links (issue 15): administrators and members, how long links live."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

VERIFICATION_LIFETIME = timedelta(hours=24)  # an e-mail verification link
INVITATION_LIFETIME = timedelta(days=7)  # a colleague's invitation
PROSPECT_INVITATION_LIFETIME = timedelta(days=14)  # ONB-2: a department's invitation to register
LANGUAGES = ("zh", "en")


class CompanyRole(StrEnum):
    """What a customer's user may do for its company: administrators manage the company's people and contact."""

    ADMIN = "admin"
    MEMBER = "member"


def company_role(user) -> CompanyRole | None:
    """A customer's user's role; the first user of a company made before roles existed carries none: it is the
    company's administrator (every company then had exactly that one login)."""
    if getattr(user, "kind", None) != "customer":
        return None
    return CompanyRole(user.company_role) if user.company_role else CompanyRole.ADMIN


def leaves_no_admin(people: list, target_id: str, *, new_role: str | None = None, disabling: bool = False) -> bool:
    """Would making `target_id` a member, or disabling it, leave the company without an active administrator?"""
    remaining = [p for p in people if p.active and company_role(p) == CompanyRole.ADMIN
                 and not (p.user_id == target_id and (disabling or new_role == CompanyRole.MEMBER))]
    return not remaining
