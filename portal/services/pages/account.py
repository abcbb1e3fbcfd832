"""/account/security (issue 15 items 5 and 7): two-factor sign-in and the user's live sessions, in one read (the
account, from the request's cache after sign-in, and one Query of its sessions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from portal.adapters.repos.identity import Users
from portal.services import mfa, sessions
from portal.services.context import Ctx


@dataclass(frozen=True)
class SecurityPage:
    """What /account/security shows."""

    totp_on: bool
    totp_required: bool
    recovery_left: int
    sessions: list[sessions.SessionView]


def security_page(ctx: Ctx, required_roles: frozenset[str], idle: Callable[[str], timedelta],
                  current: str | None) -> SecurityPage:
    """The signed-in user's two-factor state and live sessions (this one, hashed `current`, on top)."""
    uow = ctx.uow()
    user = uow.repo(Users).get(ctx.actor.user_id)
    return SecurityPage(totp_on=bool(user.totp_secret), totp_required=mfa.required_for(user, required_roles),
                        recovery_left=len(user.recovery_hashes or ()),
                        sessions=sessions.of_user(ctx, idle, current))
