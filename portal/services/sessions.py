"""Browser sessions and API tokens as records (SEC-1, issue 15 item 7): opened at sign-in, ended at sign-out, by an
idle timeout (staff 30 minutes, customers 2 hours) besides the absolute lifetime, one at a time or everywhere from
/account/security. "Last seen" is written at most once a minute, so a busy user costs one write a minute, not one
a request."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from portal.adapters import records
from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.identity import Sessions, Users
from portal.adapters.repos.notifications import INBOX, Notifications
from portal.adapters.uow import UnitOfWork, WriteConflict
from portal.domain.accounts import CompanyRole, company_role
from portal.domain.roles import Actor, Role
from portal.services import audit
from portal.services.context import Ctx
from portal.services.errors import NotFound

MAX_TRANSACTION = 100  # DynamoDB's TransactWriteItems limit: sessions are ended in commits of at most this many
SEEN_EVERY = timedelta(minutes=1)  # "last seen" is written at most this often
HANDLE = 16  # characters of a session's hash that name it on the page (never the cookie's secret)


def actor_for(user) -> Actor:
    """The Actor a signed-in user acts as."""
    return Actor(
        user_id=user.user_id, email=user.email, name=user.name, kind=user.kind,
        role=Role(user.role) if user.role else None, dept_id=user.dept_id, customer_id=user.customer_id,
        verified=user.email_verified is not False, company_admin=company_role(user) == CompanyRole.ADMIN,
    )


def sid_hash(raw: str) -> str:
    """What the table keeps of a session's secret: its SHA-256."""
    return hashlib.sha256(raw.encode()).hexdigest()


def start_session(ctx: Ctx, user, lifetime: timedelta, kind: str = "web", raw: str | None = None) -> str:
    """Open a new session (or API token record) for `user`; return the secret the cookie (or token) carries."""
    raw = raw or secrets.token_urlsafe(32)
    with ctx.uow() as uow:
        uow.repo(Sessions).start(records.Session(
            sid_hash=sid_hash(raw), user_id=user.user_id, created_at=ctx.now, expires_at=ctx.now + lifetime,
            last_seen=ctx.now, kind=kind, ip=ctx.ip, user_agent=(ctx.user_agent or "")[:256] or None))
        audit.stage(uow, replace(ctx, actor=actor_for(user)), "auth.token_issued" if kind == "api" else
                    "auth.sign_in", target_type="user", target_id=user.user_id, detail={"channel": kind})
        uow.commit()
    return raw


def idle_out(session, user, now: datetime, idle: Callable[[str], timedelta] | None) -> bool:
    """Has the session gone unused longer than its account's kind allows?"""
    if idle is None:
        return False
    return (session.last_seen or session.created_at) + idle(user.kind) <= now


@dataclass(frozen=True)
class Resumed:
    """A live session and its active account."""

    session: object
    user: object

    def due_for_seen(self, now: datetime) -> bool:
        """Is "last seen" more than a minute old (so this request writes it)?"""
        return (self.session.last_seen or self.session.created_at) + SEEN_EVERY <= now


def resume(raw: str, now: datetime, uow=None, user_id: str | None = None, with_catalogue: bool = False,
           idle: Callable[[str], timedelta] | None = None, inbox: dict | None = None) -> Resumed | None:
    """The live session behind a secret and its active account, or None (unknown, expired, idle, disabled).

    With the user id the signed cookie also carries, the session and the account are read together (one
    BatchGetItem) and must name each other; without it (older cookies), one after the other. `with_catalogue`
    reads the catalogue in the same BatchGetItem, for a request cache to keep (pages name departments); `inbox`
    (a dict) receives the user's unread notification count from the same BatchGetItem (the header's bell, issue 16).
    """
    uow = uow or UnitOfWork()
    if user_id and len(user_id) <= 64:
        also = [(Catalogue, [Catalogue.key])] if with_catalogue else []
        if inbox is not None:
            also.append((Notifications, [(user_id, INBOX)]))
        sessions, users, *more = uow.fetch((Sessions, [(sid_hash(raw),)]), (Users, [(user_id,)]), *also)
        if inbox is not None:
            inbox["unread"] = max(int(next(iter(more[-1]), None).unread or 0), 0) if more[-1] else 0
        session, user = next(iter(sessions), None), next(iter(users), None)
        if session is None or session.user_id != user_id:
            return None
    else:
        session = uow.repo(Sessions).get(sid_hash(raw))
        user = uow.repo(Users).get(session.user_id) if session is not None else None
    if session is None or session.expires_at <= now or user is None or not user.active:
        return None
    return None if idle_out(session, user, now, idle) else Resumed(session, user)


SESSIONS_IN_COMMIT = 90  # with the account, its audit, notice and mail: within DynamoDB's 100 items a transaction


def stage_ending(uow, user_id: str) -> bool:
    """Stage ending the user's sessions and API tokens in `uow`, as many as one transaction holds with the change
    that ends them; True when more are left for `end_all_sessions` after the commit."""
    sessions = uow.repo(Sessions)
    ending = sessions.of_user(user_id)
    for session in ending[:SESSIONS_IN_COMMIT]:
        sessions.end(session.sid_hash)
    return len(ending) > SESSIONS_IN_COMMIT


def seen(sid: str, now: datetime, store=None) -> None:
    """Write "last seen" (a session that ended meanwhile stays ended)."""
    with UnitOfWork(store) as uow:
        uow.repo(Sessions).seen(sid, now)
        try:
            uow.commit()
        except WriteConflict:
            pass


def end_session(ctx: Ctx, raw: str) -> None:
    """Sign out: the session is deleted, so a copy of the cookie is worthless too."""
    with ctx.uow() as uow:
        uow.repo(Sessions).end(sid_hash(raw))
        if ctx.actor:
            audit.stage(uow, ctx, "auth.sign_out", target_type="user", target_id=ctx.actor.user_id)
        uow.commit()


def end_all_sessions(ctx: Ctx, user_id: str, keep_raw: str | None = None) -> int:
    """Delete every session of a user (optionally all but one); return how many ended."""
    keep = sid_hash(keep_raw) if keep_raw else None
    with ctx.uow() as uow:
        sessions = uow.repo(Sessions)
        ending = [s.sid_hash for s in sessions.of_user(user_id) if s.sid_hash != keep]
        for start in range(0, len(ending), MAX_TRANSACTION):
            for sid in ending[start:start + MAX_TRANSACTION]:
                sessions.end(sid)
            uow.commit()
    return len(ending)


# --- the user's own sessions (/account/security) ------------------------------------------------------

@dataclass(frozen=True)
class SessionView:
    """One session as its owner sees it."""

    handle: str  # the first characters of its hash: names it in a form, opens nothing
    kind: str
    device: str  # the User-Agent in plain words
    ip: str | None
    started: datetime
    last_seen: datetime
    current: bool


_BROWSERS = (("Edg/", "Edge"), ("MicroMessenger", "WeChat"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl"), ("python-requests", "Python"),
             ("Postman", "Postman"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_of(user_agent: str | None) -> str:
    """A User-Agent in plain words: "Chrome on Windows", "Safari on iPhone", or "Unknown device"."""
    ua = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in ua), None)
    system = next((name for mark, name in _SYSTEMS if mark in ua), None)
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or (re.split(r"[/\s]", ua, maxsplit=1)[0][:40] if ua else "") or "?"


def of_user(ctx: Ctx, idle: Callable[[str], timedelta], current: str | None = None) -> list[SessionView]:
    """The signed-in user's live sessions and API tokens, the one asking (its hash `current`) first, then the most
    recently used (one Query)."""
    views = []
    for s in ctx.uow().repo(Sessions).of_user(ctx.actor.user_id):
        if s.expires_at <= ctx.now or (s.last_seen or s.created_at) + idle(ctx.actor.kind) <= ctx.now:
            continue
        views.append(SessionView(handle=s.sid_hash[:HANDLE], kind=s.kind or "web", device=device_of(s.user_agent),
                                 ip=s.ip, started=s.created_at, last_seen=s.last_seen or s.created_at,
                                 current=s.sid_hash == current))
    return sorted(views, key=lambda v: (not v.current, -v.last_seen.timestamp()))


def end_one(ctx: Ctx, handle: str) -> None:
    """The user signs one of its own sessions out (NotFound for a handle naming none of them)."""
    if not handle or len(handle) != HANDLE:
        raise NotFound()
    with ctx.uow() as uow:
        match = [s for s in uow.repo(Sessions).of_user(ctx.actor.user_id) if s.sid_hash.startswith(handle)]
        if len(match) != 1:
            raise NotFound()
        uow.repo(Sessions).end(match[0].sid_hash)
        audit.stage(uow, ctx, "auth.session_ended", target_type="user", target_id=ctx.actor.user_id,
                    detail={"kind": match[0].kind or "web"})
        uow.commit()


def end_everywhere(ctx: Ctx) -> int:
    """The user signs out everywhere: every session and API token of the account ends (this one too)."""
    ended = end_all_sessions(ctx, ctx.actor.user_id)
    audit.record(ctx, "auth.signed_out_everywhere", target_type="user", target_id=ctx.actor.user_id,
                 detail={"sessions": ended})
    return ended
