"""The audit trail, unique values (credit codes, e-mail addresses), accounts, sessions and throttles.

Key formats live here: the unique key "email#<address>", the audit trail's Asia/Shanghai day partition and the
range of ULID event ids that falls on one day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ulid import ULID

from portal.adapters import records, tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr
from portal.domain.timeutil import SHANGHAI

MAX_ID = 64  # ids arrive in URLs: longer ones name nothing (and would be refused by DynamoDB as keys)


def _day_start(day: date) -> str:
    """The 10-character time prefix of ULIDs made at 00:00 Asia/Shanghai on `day`."""
    return str(ULID.from_datetime(datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)))[:10]


class AuditTrail(Repo):
    """Append-only (DESIGN rule 10): events are added, never changed or removed."""

    model = tables.AuditEvent

    def append(self, event) -> None:
        """Stage an event (its ULID never repeats: the condition only guards the append-only rule)."""
        self.add(event, tag="audit")

    def of_day(self, day: date, *, actor_key: str | None = None, dept_id: str | None = None,
               action: str | None = None, before: str | None = None, limit: int = 50) -> tuple[list, str | None]:
        """A page of one Asia/Shanghai day's events, newest first, by actor or department through their index;
        `action` keeps those whose action starts with it; `before` continues after that sort key (any string is
        a place: an event id from the last page, or a forged one). Returns the events and the id the next page
        continues after (None: no more).
        """
        low, high = _day_start(day), _day_start(day + timedelta(days=1))
        if before is not None:
            high = min(high, before)  # inclusive: the event `before` names itself is left out below
        if high < low:  # continuing after an event of an earlier day: nothing (DynamoDB refuses such a range)
            return [], None
        hash_value, index = (actor_key, "by_actor") if actor_key else (dept_id, "by_dept") if dept_id else \
            (day.isoformat(), None)
        events, last = self.query(hash_value, index=index, sort=attr("event_id").between(low, high), forward=False,
                                  limit=limit, filter=attr("action").begins_with(action) if action else None)
        return [e for e in events if e.event_id != before], last["event_id"] if last else None


class Uniques(Repo):
    """Claimed unique values: each written in the same transaction as its owner, so two can never hold one."""

    model = tables.Unique

    @staticmethod
    def email_key(email: str) -> str:
        """The key an (already normalised) e-mail address is claimed under."""
        return f"email#{email}"

    def owner(self, key: str) -> str | None:
        """The id of whoever holds `key`, or None."""
        found = self.get(key)
        return found.owner_id if found else None

    def claim(self, key: str, owner_id: str, tag: str = "unique") -> None:
        """Stage claiming `key` for `owner_id`; the commit fails with `tag` if someone holds it already."""
        self.add(records.Unique(key=key, owner_id=owner_id), tag=tag)

    def release(self, key: str) -> None:
        """Stage giving `key` up."""
        self.delete((key,))


class Users(Repo):
    """Accounts: staff (one department, one role) and customers' users."""

    model = tables.User

    def find(self, user_id: str | None):
        """One account, or None (also for an id no account could have)."""
        return self.get(user_id) if user_id and len(user_id) <= MAX_ID else None

    def with_email(self, email: str):
        """The account owning an (already normalised) e-mail address, or None (two GetItems)."""
        owner = self.uow.repo(Uniques).owner(Uniques.email_key(email))
        return self.get(owner) if owner else None

    def email_taken(self, email: str) -> bool:
        """Does an account hold this (already normalised) e-mail address?"""
        return self.uow.repo(Uniques).owner(Uniques.email_key(email)) is not None

    def in_department(self, dept_id: str, *, after: str | None = None,
                      limit: int | None = 50) -> tuple[list, str | None]:
        """A page of a department's staff by e-mail (the sparse `by_dept` index), and the e-mail it ends at."""
        staff, last = self.query(dept_id, index="by_dept", sort=attr("email").gt(after) if after else None,
                                 limit=limit)
        return staff, last["email"] if last else None

    def of_department(self, dept_id: str) -> list:
        """Every staff account of a department, by e-mail (one Query while it fits a page)."""
        return self.all(dept_id, index="by_dept")

    def active_in(self, dept_id: str) -> list:
        """The department's active accounts (one Query on the `by_dept` index)."""
        return [u for u in self.of_department(dept_id) if u.active]

    def emails_of(self, dept_id: str, roles: set[str]) -> list[str]:
        """E-mail addresses of the department's active staff holding one of `roles` (one Query on `by_dept`)."""
        return [u.email for u in self.active_in(dept_id) if u.role in roles]

    def member(self, dept_id: str, user_id: str | None):
        """The active staff member `user_id` of the department, or None."""
        user = self.find(user_id)
        return user if user and user.kind == "staff" and user.active and user.dept_id == dept_id else None

    def open_reset(self, user_id: str, token_hash: str, expires: datetime) -> None:
        """Stage a password-reset link for the account; it replaces any earlier one (tag "user" if none)."""
        self.update((user_id,), [attr("reset_hash").set(token_hash), attr("reset_expires").set(expires)],
                    attr("user_id").exists(), tag="user")

    def finish_reset(self, user_id: str, token_hash: str, password_hash: str, now: datetime) -> None:
        """Stage the new password, once: only while this link is the open one (tag "reset"); the link closes, API
        tokens issued until now die, and a temporary password is temporary no more."""
        self.update((user_id,), [attr("password_hash").set(password_hash), attr("reset_hash").remove(),
                                 attr("reset_expires").remove(), attr("must_change_password").remove(),
                                 attr("tokens_after").set(now), attr("version").add(1)],
                    attr("reset_hash").eq(token_hash), tag="reset")

    def of_customer(self, customer_id: str) -> list:
        """Every person of a customer company, invitations still open included (the `by_customer` index)."""
        return self.all(customer_id, index="by_customer")

    def open_verification(self, user_id: str, address: str, token_hash: str, expires: datetime) -> None:
        """Stage a verification link for `address` (the account's own or a new one); it replaces any earlier."""
        self.update((user_id,), [attr("verify_email").set(address), attr("verify_hash").set(token_hash),
                                 attr("verify_expires").set(expires)], attr("user_id").exists(), tag="user")

    def finish_verification(self, user, token_hash: str) -> None:
        """Stage the address as verified, once: only while this link is the open one (tag "link"). A new address
        replaces the old one: it is claimed (tag "email" if taken meanwhile) and the old one released."""
        actions = [attr("email_verified").set(True), attr("verify_email").remove(), attr("verify_hash").remove(),
                   attr("verify_expires").remove(), attr("version").add(1)]
        if user.verify_email != user.email:
            uniques = self.uow.repo(Uniques)
            uniques.claim(Uniques.email_key(user.verify_email), user.user_id, tag="email")
            uniques.release(Uniques.email_key(user.email))
            actions.append(attr("email").set(user.verify_email))
        self.update((user.user_id,), actions, attr("verify_hash").eq(token_hash), tag="link")

    def invite(self, user) -> None:
        """Stage an invited colleague: no password and not active until the invitation is accepted."""
        user.version = 1
        self.add(user, tag="user")

    def accept_invitation(self, user, token_hash: str, name: str, password_hash: str, now: datetime) -> None:
        """Stage accepting an invitation, once (tag "invitation"): the address is claimed (tag "email" if it has an
        account), the person becomes active with a verified address (the link reached it)."""
        self.uow.repo(Uniques).claim(Uniques.email_key(user.email), user.user_id, tag="email")
        self.update((user.user_id,), [attr("name").set(name), attr("password_hash").set(password_hash),
                                      attr("active").set(True), attr("email_verified").set(True),
                                      attr("invite_hash").remove(), attr("invite_expires").remove(),
                                      attr("created_at").set(now), attr("version").add(1)],
                    attr("invite_hash").eq(token_hash), tag="invitation")
    def begin_totp(self, user_id: str, secret: str) -> None:
        """Stage a TOTP secret being set up (replacing one set up before); tag "totp" if TOTP is on already."""
        self.update((user_id,), [attr("totp_pending").set(secret)], attr("totp_secret").not_exists(), tag="totp")

    def enable_totp(self, user_id: str, secret: str, step: int, recovery_hashes: set[str]) -> None:
        """Stage turning TOTP on with the secret being set up (tag "totp" if another set-up replaced it)."""
        self.update((user_id,), [attr("totp_secret").set(secret), attr("totp_pending").remove(),
                                 attr("totp_last_step").set(step), attr("recovery_hashes").set(recovery_hashes),
                                 attr("version").add(1)], attr("totp_pending").eq(secret), tag="totp")

    def use_totp_step(self, user_id: str, step: int) -> None:
        """Stage remembering a used time-step, only if it is later than the last one (tag "replay")."""
        self.update((user_id,), [attr("totp_last_step").set(step)],
                    attr("totp_secret").exists() & (attr("totp_last_step").not_exists()
                                                    | attr("totp_last_step").lt(step)), tag="replay")

    def use_recovery_code(self, user_id: str, code_hash: str) -> None:
        """Stage using up a recovery code, only while it is unused (tag "replay")."""
        self.update((user_id,), [attr("recovery_hashes").discard({code_hash})],
                    attr("recovery_hashes").contains(code_hash), tag="replay")

    def clear_totp(self, user_id: str) -> None:
        """Stage turning TOTP off (a lost device): secret, set-up and recovery codes go (tag "user")."""
        self.update((user_id,), [attr("totp_secret").remove(), attr("totp_pending").remove(),
                                 attr("totp_last_step").remove(), attr("recovery_hashes").remove(),
                                 attr("version").add(1)], attr("user_id").exists(), tag="user")

    def turn_off_totp(self, user_id: str, secret: str) -> None:
        """Stage turning one's own TOTP off: only while `secret` is still the one on (tag "totp")."""
        self.update((user_id,), [attr("totp_secret").remove(), attr("totp_pending").remove(),
                                 attr("totp_last_step").remove(), attr("recovery_hashes").remove(),
                                 attr("version").add(1)], attr("totp_secret").eq(secret), tag="totp")

    def open_signin_link(self, user_id: str, token_hash: str, expires: datetime) -> None:
        """Stage a one-time sign-in link for the account, replacing any earlier one."""
        self.update((user_id,), [attr("signin_hash").set(token_hash), attr("signin_expires").set(expires)],
                    attr("user_id").exists(), tag="user")

    def use_signin_link(self, user_id: str, token_hash: str) -> None:
        """Stage closing the sign-in link, once: only while it is the open one (tag "link")."""
        self.update((user_id,), [attr("signin_hash").remove(), attr("signin_expires").remove()],
                    attr("signin_hash").eq(token_hash), tag="link")

    def create(self, user) -> None:
        """Stage a new account with its e-mail claimed (the commit fails with "email" if it is taken)."""
        user.version = 1
        self.uow.repo(Uniques).claim(Uniques.email_key(user.email), user.user_id, tag="email")
        self.add(user, tag="user")


class Sessions(Repo):
    """Signed-in browser sessions, by the SHA-256 of the cookie's secret."""

    model = tables.Session

    def of_user(self, user_id: str) -> list:
        """Every open session of an account (the `by_user` index)."""
        return self.all(user_id, index="by_user")

    def start(self, session) -> None:
        """Stage a new session."""
        self.add(session, tag="session")

    def end(self, sid_hash: str) -> None:
        """Stage the end of a session (nothing when it has ended already)."""
        self.delete((sid_hash,))

    def seen(self, sid_hash: str, now: datetime) -> None:
        """Stage the session's "last seen" moving to `now`, only while it exists (tag "session")."""
        self.update((sid_hash,), [attr("last_seen").set(now)], attr("sid_hash").exists(), tag="session")


class Throttles(Repo):
    """Counted tries per key ("account#<email>", "client#<ip>", "register#<ip>"), shared by every container."""

    model = tables.Throttle

    def locked_until(self, keys: list[str], now: datetime) -> datetime | None:
        """Until when the latest lock among `keys` refuses tries (None: none is locked at `now`); one BatchGetItem."""
        until = [t.locked_until for t in self.many([(k,) for k in keys]) if t.locked_until and t.locked_until > now]
        return max(until) if until else None

    def locks(self, keys: list[str], now: datetime) -> dict[str, datetime]:
        """The keys among `keys` that refuse tries at `now`, each with until when; one BatchGetItem."""
        return {t.key: t.locked_until for t in self.many([(k,) for k in keys])
                if t.locked_until and t.locked_until > now}

    def failures(self, key: str) -> int:
        """How many tries the key's current window holds (0 without a record)."""
        found = self.get(key)
        return int(found.failures or 0) if found else 0

    def count(self, key: str, since: datetime, expires: datetime) -> None:
        """Stage one more try in the key's window, only if that window opened after `since` (tag "window")."""
        self.update((key,), [attr("failures").add(1), attr("expires_at").set(expires)],
                    attr("window_start").gt(since), tag="window")

    def start_window(self, key: str, now: datetime, expires: datetime, since: datetime) -> None:
        """Stage a new window for the key holding this one try, replacing one opened by `since` at the latest;
        tag "window" if a newer one is open."""
        self.put(records.Throttle(key=key, failures=1, window_start=now, expires_at=expires),
                 attr("window_start").not_exists() | attr("window_start").le(since), tag="window")

    def lock(self, key: str, until: datetime) -> None:
        """Stage refusing the key's tries until `until`."""
        self.update((key,), [attr("locked_until").set(until)])

    def mark_told(self, key: str) -> None:
        """Stage noting that the owner was told of this window's failures, once (tag "told" if told already)."""
        self.update((key,), [attr("told").set(True)], attr("key").exists() & attr("told").not_exists(),
                    tag="told")

    def clear(self, key: str) -> None:
        """Stage forgetting the key's tries."""
        self.delete((key,))
