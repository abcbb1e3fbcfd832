"""Everyone hears what concerns them (issue 16, DESIGN rule 13): `notify` writes inbox items in the unit of work of
the change that causes them and stages their mail on the outbox, per the recipient's preferences.

Reading and marking the inbox, preferences, and the daily digest live here too. Delivery is the outbox's
(`functions.deliver_outbox`): each message once, retried with backoff, given up after five failures.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import channels
from portal.adapters.repos.identity import Users
from portal.adapters.repos.notifications import Notifications, new_item
from portal.adapters.uow import Unavailable, WriteConflict
from portal.domain.timeutil import SHANGHAI, shanghai_day
from portal.services import outbox
from portal.services.context import Ctx
from portal.services.errors import Invalid, NotFound
from portal.services.notification_kinds import GROUPS, KINDS, MODES, preference_groups
from portal.services.notification_text import LOCALES, mail, render
from portal.services.paging import Page, encode_cursor, parse_cursor

DEFAULT_LOCALE = "zh"
PAGE_SIZE = 20


def preferences_of(inbox) -> dict[str, str]:
    """A user's mail mode per group (immediately unless chosen otherwise)."""
    chosen = json.loads(inbox.prefs) if inbox is not None and inbox.prefs else {}
    return {group: chosen.get(group, "immediate") for group in GROUPS}


def mode_for(inbox, kind: str) -> str:
    """How a notification of `kind` is mailed to the owner of `inbox`: security mail always at once."""
    spec = KINDS[kind]
    return "immediate" if spec.security else preferences_of(inbox)[spec.group]


def notify(uow, ctx: Ctx, recipients: Iterable, kind: str, target: str, *, once: str | None = None,
           **params) -> list[str]:
    """Write a `kind` notification linking to `target` (a portal path) into each active recipient's inbox, in
    `uow`, and stage its mail at once, for the daily digest, or not at all, per the recipient's preference.
    `recipients` are user records; disabled accounts get nothing. `once`: a key that makes the ids the same
    for every run of a scheduled reminder on one day, so a second run's commit fails (tag "notification")
    instead of telling twice. Returns the new notification ids."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    users = {u.user_id: u for u in recipients if u is not None and u.active}
    if not users:
        return []
    repo = uow.repo(Notifications)
    inboxes = repo.inboxes(list(users))
    text = json.dumps(params, ensure_ascii=False, default=str)
    ids = []
    for user_id in sorted(users):
        user, inbox = users[user_id], inboxes.get(user_id)
        nid = _once_id(ctx, once, user_id) if once else str(ULID.from_datetime(ctx.now))
        mode = mode_for(inbox, kind)
        repo.add(new_item(user_id, nid, kind, target, text, ctx.now), digest=mode == "digest")
        if mode == "immediate":
            _stage_mail(uow, ctx, user, inbox, [(kind, params, channels.link(target))], nid)
        ids.append(nid)
    return ids


def _once_id(ctx: Ctx, once: str, user_id: str) -> str:
    """A ULID fixed by the day (Asia/Shanghai) and `once` for one user: the same on every run that day."""
    day = shanghai_day(ctx.now)
    start = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    digest = hashlib.sha256(f"{once}|{user_id}".encode()).digest()[:10]
    return str(ULID.from_bytes(int(start.timestamp() * 1000).to_bytes(6, "big") + digest))


def _stage_mail(uow, ctx: Ctx, user, inbox, items: list, nid: str | None, digest: bool = False) -> None:
    locale = (inbox.locale if inbox is not None and inbox.locale else None) or DEFAULT_LOCALE
    message = mail(items, locale, user.name, channels.link(""), digest=digest)
    for channel in channels.enabled():
        address = channel.address(user)
        if address:
            outbox.stage(uow, ctx, address, message.subject, message.text, html=message.html, channel=channel.name,
                         user_id=user.user_id, nid=nid)


# --- the inbox --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One inbox line as the reader sees it."""

    nid: str
    kind: str
    title: str
    detail: str
    target: str
    read: bool
    created_at: object


def _item(record, inbox, locale: str) -> Item:
    text = render(record.kind, record.params, locale)
    read = bool(record.read) or bool(inbox and inbox.read_before and record.nid < inbox.read_before)
    return Item(record.nid, record.kind, text.title, text.detail, record.target, read, record.created_at)


@dataclass(frozen=True)
class InboxPage(Page):
    """A page of the inbox, and how many notifications are unread in all."""

    unread: int = 0


def inbox_page(ctx: Ctx, locale: str, cursor: str | None = None, limit: int = PAGE_SIZE) -> InboxPage:
    """A page of the signed-in user's notifications, newest first, in `locale` (a Query and a GetItem)."""
    after = parse_cursor(cursor)
    uow = ctx.uow()
    repo = uow.repo(Notifications)
    records, last = repo.page(ctx.actor.user_id, after, limit)
    inbox = repo.inbox(ctx.actor.user_id)
    return InboxPage([_item(r, inbox, locale) for r in records], encode_cursor(last) if last else None,
                     unread_count(inbox))


def opened(ctx: Ctx, nid: str) -> str:
    """Mark a notification read and give the portal path it links to (NotFound for someone else's)."""
    record = ctx.uow().repo(Notifications).item(ctx.actor.user_id, nid)
    if record is None:
        raise NotFound(_l("No such notification."))
    mark_read(ctx, nid)
    target = record.target or "/notifications"
    return target if target.startswith("/") and not target.startswith("//") else "/notifications"


def unread_count(inbox) -> int:
    """The unread count an inbox record holds (never below zero)."""
    return max(int(inbox.unread or 0), 0) if inbox is not None else 0


def mark_read(ctx: Ctx, nid: str) -> None:
    """Mark one of the signed-in user's notifications read; someone else's or an unknown id is NotFound."""
    with ctx.uow() as uow:
        repo = uow.repo(Notifications)
        record = repo.item(ctx.actor.user_id, nid)
        if record is None:
            raise NotFound(_l("No such notification."))
        inbox = repo.inbox(ctx.actor.user_id)
        if _item(record, inbox, DEFAULT_LOCALE).read:
            return
        repo.mark_read(ctx.actor.user_id, nid)
        try:
            uow.commit()
        except WriteConflict:
            pass  # read meanwhile (another tab): nothing to do


def mark_all_read(ctx: Ctx) -> None:
    """Mark every notification of the signed-in user read (one write, whatever their number)."""
    with ctx.uow() as uow:
        uow.repo(Notifications).mark_all_read(ctx.actor.user_id, str(ULID.from_datetime(ctx.now)) + "~")
        uow.commit()


@dataclass(frozen=True)
class Preferences:
    """A user's mail preferences: mode per group (only the groups the user may receive), and mail language."""

    modes: dict[str, str]
    locale: str


def preferences(ctx: Ctx) -> Preferences:
    """The signed-in user's preferences (one GetItem)."""
    inbox = ctx.uow().repo(Notifications).inbox(ctx.actor.user_id)
    modes = preferences_of(inbox)
    groups = preference_groups("customer" if ctx.actor.kind == "customer" else "staff")
    locale = inbox.locale if inbox is not None and inbox.locale else DEFAULT_LOCALE
    return Preferences({g: modes[g] for g in groups}, locale)


def set_preferences(ctx: Ctx, modes: dict[str, str], locale: str) -> Preferences:
    """Save the signed-in user's mail preferences; an unknown group, mode or language is Invalid."""
    groups = preference_groups("customer" if ctx.actor.kind == "customer" else "staff")
    bad = {g: [_l("Not a choice.")] for g, m in modes.items() if g not in groups or m not in MODES}
    if locale not in LOCALES:
        bad["locale"] = [_l("Not a choice.")]
    if bad:
        raise Invalid(fields=bad)
    with ctx.uow() as uow:
        merged = preferences_of(uow.repo(Notifications).inbox(ctx.actor.user_id)) | modes
        uow.repo(Notifications).set_preferences(ctx.actor.user_id, json.dumps(merged, sort_keys=True), locale)
        uow.commit()
    return preferences(ctx)


# --- the daily digest -------------------------------------------------------------------------------------------

MAX_PER_DIGEST = 90  # items per transaction (a DynamoDB transaction holds 100 writes)


@dataclass(frozen=True)
class DigestRun:
    """What one digest run did: users mailed, and users whose digest could not be committed (tried again)."""

    mailed: list[str]
    failed: list[str]


def send_digests(ctx: Ctx) -> DigestRun:
    """Stage one digest mail per user with items waiting for it, and take those items out of the digest index in
    the same transaction (a second run finds nothing; a failed one leaves them waiting)."""
    waiting = ctx.uow().repo(Notifications).waiting_for_digest()
    by_user: dict[str, list] = {}
    for item in waiting:
        by_user.setdefault(item.user_id, []).append(item)
    if not by_user:
        return DigestRun([], [])
    reader = ctx.uow()
    users, inboxes = reader.fetch((Users, [(u,) for u in by_user]),
                                  (Notifications, [(u, "inbox") for u in by_user]))
    users, inboxes = {u.user_id: u for u in users}, {i.user_id: i for i in inboxes}
    mailed, failed = [], []
    for user_id, items in sorted(by_user.items()):
        user = users.get(user_id)
        for start in range(0, len(items), MAX_PER_DIGEST):
            chunk = items[start:start + MAX_PER_DIGEST]
            try:
                with ctx.uow() as uow:
                    for item in chunk:
                        uow.repo(Notifications).digested(item)
                    if user is not None and user.active:
                        _stage_mail(uow, ctx, user, inboxes.get(user_id), [
                            (i.kind, json.loads(i.params or "{}"), channels.link(i.target)) for i in chunk],
                            None, digest=True)
                    uow.commit()
                mailed.append(user_id)
            except WriteConflict:
                continue  # another run took them
            except Unavailable:
                failed.append(user_id)
    return DigestRun(mailed, failed)
