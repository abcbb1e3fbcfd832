"""Sign-in, sessions, API tokens and throttling of failed sign-ins (SEC-1)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from portal.adapters import records
from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.identity import Sessions, Users
from portal.adapters.repos.notifications import INBOX, Notifications
from portal.adapters.uow import UnitOfWork, WriteConflict
from portal.domain.passwords import password_problem
from portal.domain.roles import Actor, Role
from portal.domain.throttle import ThrottlePolicy
from portal.services import audit
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, Throttled, Unauthenticated
from portal.services.throttling import count_failure, forget, locked_until

MAX_TRANSACTION = 100  # DynamoDB's TransactWriteItems limit: sessions are ended in commits of at most this many

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


def actor_for(user) -> Actor:
    """The Actor a signed-in user acts as."""
    return Actor(
        user_id=user.user_id, email=user.email, name=user.name, kind=user.kind,
        role=Role(user.role) if user.role else None, dept_id=user.dept_id, customer_id=user.customer_id,
    )


def find_user_by_email(email: str, uow=None):
    """The user owning an e-mail address, or None."""
    return (uow or UnitOfWork()).repo(Users).with_email(normalise_email(email))


# --- throttling -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Throttles:
    """Policies for the two keys every sign-in is counted under."""

    account: ThrottlePolicy
    client: ThrottlePolicy

    def keys(self, email: str, ip: str | None) -> list[tuple[str, ThrottlePolicy]]:
        """The throttle keys of one attempt."""
        return [(f"account#{normalise_email(email)}", self.account), (f"client#{ip or 'unknown'}", self.client)]


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


def authenticate(ctx: Ctx, email: str, password: str, throttles: Throttles, *, channel: str = "web"):
    """Check e-mail and password under the throttles; audit success and failure alike."""
    email = normalise_email(email)
    keys = throttles.keys(email, ctx.ip)
    until = locked_until(keys, ctx.now, ctx.store)
    if until:
        audit.record(ctx, "auth.sign_in", outcome="refused", actor_email=email,
                     detail={"why": "throttled", "channel": channel})
        raise Throttled(until)
    user = find_user_by_email(email, ctx.uow()) if len(password) <= 1024 else None
    if not _verify(user, password):
        for key, policy in keys:
            count_failure(key, policy, ctx.now, ctx.store)
        audit.record(ctx, "auth.sign_in", outcome="failed", actor_email=email, detail={"channel": channel})
        raise Unauthenticated(GENERIC_FAILURE)
    if not user.active:
        audit.record(ctx, "auth.sign_in", outcome="refused", actor_email=email,
                     detail={"why": "disabled", "channel": channel})
        raise Unauthenticated(_l("This account is disabled. Please contact your administrator."))
    forget(keys[0][0], ctx.store)
    if _hasher["hasher"].check_needs_rehash(user.password_hash):
        _rehash(ctx, user, password)
    return user


def _rehash(ctx: Ctx, user, password: str) -> None:
    """Store the password's hash with today's parameters (left for next time if the account changed meanwhile)."""
    with ctx.uow() as uow:
        user.password_hash = hash_password(password)
        uow.repo(Users).save(user)
        try:
            uow.commit()
        except WriteConflict:
            pass


def _sid_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def start_session(ctx: Ctx, user, lifetime: timedelta) -> str:
    """Open a new session for `user`; return the secret that goes into the cookie."""
    raw = secrets.token_urlsafe(32)
    with ctx.uow() as uow:
        uow.repo(Sessions).start(records.Session(
            sid_hash=_sid_hash(raw), user_id=user.user_id, created_at=ctx.now, expires_at=ctx.now + lifetime,
            ip=ctx.ip, user_agent=(ctx.user_agent or "")[:256] or None))
        audit.stage(uow, replace(ctx, actor=actor_for(user)), "auth.sign_in", target_type="user",
                    target_id=user.user_id, detail={"channel": "web"})
        uow.commit()
    return raw


def load_session(raw: str, now: datetime, uow=None, user_id: str | None = None, with_catalogue: bool = False,
                 inbox: dict | None = None):
    """The active user behind a session secret, or None when it is unknown, expired or disabled.

    With the user id the signed cookie also carries, the session and the account are read together (one
    BatchGetItem) and must name each other; without it (older cookies), one after the other. `with_catalogue`
    reads the catalogue in the same BatchGetItem, for a request cache to keep (pages name departments); `inbox`
    (a dict) receives the user's unread notification count from the same BatchGetItem (the header's bell).
    """
    uow = uow or UnitOfWork()
    if user_id and len(user_id) <= 64:
        also = [(Catalogue, [Catalogue.key])] if with_catalogue else []
        if inbox is not None:
            also.append((Notifications, [(user_id, INBOX)]))
        sessions, users, *more = uow.fetch((Sessions, [(_sid_hash(raw),)]), (Users, [(user_id,)]), *also)
        if inbox is not None:
            inbox["unread"] = max(int(next(iter(more[-1]), None).unread or 0), 0) if more[-1] else 0
        session, user = next(iter(sessions), None), next(iter(users), None)
        if session is None or session.user_id != user_id:
            return None
    else:
        session = uow.repo(Sessions).get(_sid_hash(raw))
        user = uow.repo(Users).get(session.user_id) if session is not None else None
    if session is None or session.expires_at <= now:
        return None
    return user if user is not None and user.active else None


def end_session(ctx: Ctx, raw: str) -> None:
    """Sign out: the session is deleted, so a copy of the cookie is worthless too."""
    with ctx.uow() as uow:
        uow.repo(Sessions).end(_sid_hash(raw))
        if ctx.actor:
            audit.stage(uow, ctx, "auth.sign_out", target_type="user", target_id=ctx.actor.user_id)
        uow.commit()


def end_all_sessions(ctx: Ctx, user_id: str, keep_raw: str | None = None) -> int:
    """Delete every session of a user (optionally all but one); return how many ended."""
    keep = _sid_hash(keep_raw) if keep_raw else None
    with ctx.uow() as uow:
        sessions = uow.repo(Sessions)
        ending = [s.sid_hash for s in sessions.of_user(user_id) if s.sid_hash != keep]
        for start in range(0, len(ending), MAX_TRANSACTION):
            for sid_hash in ending[start:start + MAX_TRANSACTION]:
                sessions.end(sid_hash)
            uow.commit()
    return len(ending)


def change_password(ctx: Ctx, current: str, new: str, keep_raw: str | None) -> None:
    """A user changes its own password; every other session of the user ends."""
    with ctx.uow() as uow:
        users = uow.repo(Users)
        user = users.get(ctx.actor.user_id)
        if not _verify(user, current):
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


# --- API tokens -------------------------------------------------------------------------------

def _serializer(secret: str | list[str]) -> URLSafeSerializer:
    """Signs with the last key; verifies with any (oldest first): a rotation signs nobody out (issue 14)."""
    return URLSafeSerializer(secret, salt="api-token")


def issue_token(ctx: Ctx, user, secret: str | list[str], lifetime: timedelta) -> str:
    """A signed bearer token naming the user and its expiry (checked against the portal's clock); `secret` is the
    token key, or the keys oldest first (the newest signs)."""
    audit.record(replace(ctx, actor=actor_for(user)), "auth.token_issued",
                 target_type="user", target_id=user.user_id, detail={"channel": "api"})
    return _serializer(secret).dumps({"uid": user.user_id, "exp": int((ctx.now + lifetime).timestamp()),
                                      "iat": int(ctx.now.timestamp())})


def read_token(token: str, secret: str | list[str], now: datetime, uow=None):
    """The active user a bearer token names (signed by any of the keys); raise Unauthenticated for an expired or
    forged one."""
    try:
        data = _serializer(secret).loads(token)
        uid, exp = data["uid"], int(data["exp"])
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Unauthenticated(_l("The token is not valid.")) from exc
    if exp <= now.timestamp():
        raise Unauthenticated(_l("The token has expired. Request a new one."))
    user = (uow or UnitOfWork()).repo(Users).find(uid)
    if user is None:
        raise Unauthenticated(_l("The token is not valid."))
    if not user.active:
        raise Unauthenticated(_l("This account is disabled. Please contact your administrator."))
    if user.tokens_after and int(data.get("iat", 0)) < int(user.tokens_after.timestamp()):
        raise Unauthenticated(_l("The token is no longer valid: the password or the account changed. "
                                 "Request a new one."))
    return user
