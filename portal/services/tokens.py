"""API bearer tokens (SEC-1, issue 15 item 7): signed, short-lived, and each backed by a session record, so a
client signs out with `DELETE /api/v1/tokens/current` (the token dies), and a password change, a disabled
account or "sign out everywhere" ends it like a browser session."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from portal.adapters.repos.identity import Sessions, Users
from portal.adapters.uow import UnitOfWork
from portal.services import audit
from portal.services.context import Ctx
from portal.services.errors import Unauthenticated
from portal.services.sessions import Resumed, idle_out, sid_hash, start_session


def _serializer(secret: str | list[str]) -> URLSafeSerializer:
    """Signs with the last key; verifies with any (oldest first): a rotation signs nobody out (issue 14)."""
    return URLSafeSerializer(secret, salt="api-token")


def issue_token(ctx: Ctx, user, secret: str | list[str], lifetime: timedelta) -> str:
    """A signed bearer token naming the user, its expiry (checked against the portal's clock) and its session
    record; `secret` is the token key, or the keys oldest first (the newest signs)."""
    tid = start_session(ctx, user, lifetime, kind="api", raw=secrets.token_urlsafe(24))
    return _serializer(secret).dumps({"uid": user.user_id, "exp": int((ctx.now + lifetime).timestamp()),
                                      "iat": int(ctx.now.timestamp()), "tid": tid})


def read_token_session(token: str, secret: str | list[str], now: datetime, uow=None,
                       idle: Callable[[str], timedelta] | None = None) -> Resumed:
    """The live token record and active account a bearer token names (the two read in one BatchGetItem); raise
    Unauthenticated for an expired, forged, signed-out or superseded one."""
    try:
        data = _serializer(secret).loads(token)
        uid, exp, tid = data["uid"], int(data["exp"]), str(data["tid"])
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Unauthenticated(_l("The token is not valid.")) from exc
    if exp <= now.timestamp():
        raise Unauthenticated(_l("The token has expired. Request a new one."))
    if not isinstance(uid, str) or not uid or len(uid) > 64 or len(tid) > 64:
        raise Unauthenticated(_l("The token is not valid."))
    sessions, users = (uow or UnitOfWork()).fetch((Sessions, [(sid_hash(tid),)]), (Users, [(uid,)]))
    session, user = next(iter(sessions), None), next(iter(users), None)
    if user is None:
        raise Unauthenticated(_l("The token is not valid."))
    if not user.active:
        raise Unauthenticated(_l("This account is disabled. Please contact your administrator."))
    if user.tokens_after and int(data.get("iat", 0)) < int(user.tokens_after.timestamp()):
        raise Unauthenticated(_l("The token is no longer valid: the password or the account changed. "
                                 "Request a new one."))
    if session is None or session.user_id != uid or idle_out(session, user, now, idle):
        raise Unauthenticated(_l("The token was signed out. Request a new one."))
    return Resumed(session, user)


def read_token(token: str, secret: str | list[str], now: datetime, uow=None):
    """The active user a bearer token names (signed by any of the keys); raise Unauthenticated for an expired,
    forged or signed-out one."""
    return read_token_session(token, secret, now, uow).user


def sign_out_token(ctx: Ctx, token_sid: str) -> None:
    """The token whose record is `token_sid` dies (DELETE /api/v1/tokens/current)."""
    with ctx.uow() as uow:
        uow.repo(Sessions).end(token_sid)
        audit.stage(uow, ctx, "auth.sign_out", target_type="user", target_id=ctx.actor.user_id,
                    detail={"channel": "api"})
        uow.commit()
