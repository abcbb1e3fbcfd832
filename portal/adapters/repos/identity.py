"""The audit trail, unique values (credit codes, e-mail addresses), accounts, sessions and throttles."""

from __future__ import annotations

from portal.adapters import records, tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import Put, attr


class AuditTrail(Repo):
    """Append-only (DESIGN rule 10): events are added, never changed or removed."""

    model = tables.AuditEvent

    def append(self, event) -> None:
        """Stage an event (its ULID never repeats: the condition only guards the append-only rule)."""
        self.add(event, tag="audit")


# --- added by the admission engineer (issue 12) for registration and the review: merge with identity's own ------

class Users(Repo):
    """People who sign in (staff and customers' users); an e-mail address belongs to one user only."""

    model = tables.User

    def find(self, user_id: str | None):
        """One user, or None."""
        return self.get(user_id) if user_id and len(user_id) <= 64 else None

    def of_department(self, dept_id: str) -> list:
        """A department's staff, by e-mail (one Query on the sparse `by_dept` index)."""
        return self.all(dept_id, index="by_dept")

    def email_taken(self, email: str) -> bool:
        """Does a user own this (normalised) e-mail address?"""
        return self.store.get(tables.Unique, {"key": f"email#{email}"}) is not None

    def create(self, user) -> None:
        """Stage a new user with the claim of its e-mail address (tag "email" if the address is taken)."""
        user.version = 1
        self.uow.stage(Put(tables.Unique, {"key": f"email#{user.email}", "owner_id": user.user_id},
                           attr("key").not_exists()), "email")
        self.add(user, tag="user")


class Throttles(Repo):
    """Tries counted per key (an account, a client address) in a window, shared by every Lambda container."""

    model = tables.Throttle

    def locked_until(self, keys: list[str], now):
        """Until when the latest lock among `keys` refuses tries (None: none is locked at `now`)."""
        until = [t.locked_until for t in self.many([(k,) for k in keys]) if t.locked_until and t.locked_until > now]
        return max(until) if until else None

    def count(self, key: str, window_after, expires) -> None:
        """Stage one more try in the key's window, only while its window started after `window_after` (tag
        "window": then start a new one)."""
        self.update((key,), [attr("failures").add(1), attr("expires_at").set(expires)],
                    attr("window_start").gt(window_after), tag="window")

    def start_window(self, key: str, now, expires) -> None:
        """Stage a new window holding one try."""
        self.put(records.Throttle(key=key, failures=1, window_start=now, expires_at=expires))

    def failures(self, key: str) -> int:
        """Tries counted in the key's window."""
        record = self.get(key)
        return int(record.failures or 0) if record else 0

    def lock(self, key: str, until) -> None:
        """Stage a lock of the key until `until`."""
        self.update((key,), [attr("locked_until").set(until)])
