"""Sign-in, sessions, API tokens and throttling of failed sign-ins (SEC-1)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

from portal.adapters.repos.identity import Users
from portal.adapters.uow import UnitOfWork, WriteConflict
from portal.domain.passwords import password_problem
from portal.domain.throttle import ThrottlePolicy
from portal.services import audit
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, Unauthenticated
from portal.services.sessions import actor_for, end_all_sessions, end_session, resume, start_session
from portal.services.sessions import sid_hash as _sid_hash
from portal.services.signin_guard import Throttles, check, failed, succeeded
from portal.services.tokens import issue_token, read_token

__all__ = ["Throttles", "ThrottlePolicy", "_sid_hash", "actor_for", "end_all_sessions", "end_session", "issue_token",
           "read_token", "start_session"]  # named here for the callers that knew them here


_hasher = {"hasher": PasswordHasher()}  # argon2-cffi's default: Argon2id, RFC 9106 low-memory profile

PASSWORD_MESSAGES = {
    "too_short": _l("At least 8 characters."),
    "too_long": _l("At most 128 characters."),
    "too_common": _l("This password is too common. Choose another."),
    "same_as_email": _l("The password must not be your e-mail address."),
}
GENERIC_FAILURE = _l("E-mail or password is wrong.")


def use_fast_hashing() -> None:
    """Tests only: Argon2id with the cheapest parameters, so fixtures stay quick."""
    _hasher["hasher"] = PasswordHasher.from_parameters(profiles.CHEAPEST)


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher["hasher"].hash(password)


def check_new_password(password: str, email: str, field: str = "password") -> None:
    """Raise Invalid, naming `field`, when a new password breaks the policy."""
    problem = password_problem(password, email=email)
    if problem:
        raise Invalid(fields={field: [PASSWORD_MESSAGES[problem]]})


def normalise_email(email: str) -> str:
    """E-mail addresses are compared in lower case without surrounding space."""
    return (email or "").strip().lower()


def find_user_by_email(email: str, uow=None):
    """The user owning an e-mail address, or None."""
    return (uow or UnitOfWork()).repo(Users).with_email(normalise_email(email))


# --- sign-in ----------------------------------------------------------------------------------

_DUMMY = {}


def _verify(user, password: str) -> bool:
    """Check a password; with no user, still spend the time of a hash check."""
    hasher = _hasher["hasher"]
    if user is None:
        if "hash" not in _DUMMY:
            _DUMMY["hash"] = hasher.hash(secrets.token_urlsafe(16))
        target = _DUMMY["hash"]
    else:
        target = user.password_hash
    try:
        return hasher.verify(target, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class PasswordChecked:
    """The account whose password was right, and the step that must follow before a session opens: "totp" (the
    account uses TOTP), "link" (many failures from anywhere: an e-mailed one-time link) or None."""

    user: Any
    next_step: str | None


def authenticate(ctx: Ctx, email: str, password: str, throttles: Throttles, *, channel: str = "web"):
    """Check e-mail and password under the throttles; audit success and failure alike; the account."""
    return check_password(ctx, email, password, throttles, channel=channel).user


def check_password(ctx: Ctx, email: str, password: str, throttles: Throttles, *,
                   channel: str = "web") -> PasswordChecked:
    """Check e-mail and password under the throttles (issue 15 item 6); say which second step, if any, follows."""
    email = normalise_email(email)
    standing = check(ctx, email, throttles, channel=channel)
    user = find_user_by_email(email, ctx.uow()) if len(password) <= 1024 else None
    if not _verify(user, password):
        failed(ctx, email, throttles, channel=channel, owner=user if user is not None and user.active else None)
        raise Unauthenticated(GENERIC_FAILURE)
    if not user.active:
        audit.record(ctx, "auth.sign_in", outcome="refused", actor_email=email,
                     detail={"why": "disabled", "channel": channel})
        raise Unauthenticated(_l("This account is disabled. Please contact your administrator."))
    if _hasher["hasher"].check_needs_rehash(user.password_hash):
        _rehash(ctx, user, password)
    step = "totp" if user.totp_secret else "link" if standing.needs_second_step else None
    if step is None:  # this pair's failures are forgotten only once the whole sign-in succeeds
        succeeded(ctx, email, throttles)
    return PasswordChecked(user, step)


def _rehash(ctx: Ctx, user, password: str) -> None:
    """Store the password's hash with today's parameters (left for next time if the account changed meanwhile)."""
    with ctx.uow() as uow:
        user.password_hash = hash_password(password)
        uow.repo(Users).save(user)
        try:
            uow.commit()
        except WriteConflict:
            pass


def load_session(raw: str, now: datetime, uow=None, user_id: str | None = None, with_catalogue: bool = False,
                 idle=None):
    """The active user behind a session secret, or None when it is unknown, expired, idle or disabled."""
    found = resume(raw, now, uow, user_id=user_id, with_catalogue=with_catalogue, idle=idle)
    return found.user if found else None


def change_password(ctx: Ctx, current: str, new: str, keep_raw: str | None,
                    throttles: Throttles | None = None) -> None:
    """A user changes its own password; every other session of the user ends. The current password's check is
    throttled and audited like a sign-in (issue 15 item 6)."""
    throttles = throttles or Throttles()
    check(ctx, ctx.actor.email, throttles, action="auth.password_change")
    with ctx.uow() as uow:
        users = uow.repo(Users)
        user = users.get(ctx.actor.user_id)
        if not _verify(user, current):
            failed(ctx, user.email, throttles, action="auth.password_change", owner=user)
            raise Invalid(fields={"current_password": [_l("The current password is wrong.")]})
        check_new_password(new, user.email, field="new_password")
        user.password_hash = hash_password(new)
        user.tokens_after, user.must_change_password = ctx.now, None  # API tokens issued before now end
        users.save(user)
        audit.stage(uow, ctx, "auth.password_changed", target_type="user", target_id=user.user_id)
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict() from exc
    end_all_sessions(ctx, user.user_id, keep_raw=keep_raw)
