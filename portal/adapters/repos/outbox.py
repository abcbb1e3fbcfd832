"""The outbox's repository (DESIGN rule 13): messages staged with the commit they follow, delivered by a job.

Key formats live here: the sparse `due` index's partition "due" and key "<next attempt ISO>#<message id>".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr
from portal.domain.timeutil import to_iso

DUE = "due"
GIVEN_UP = "given_up"
KEEP_SENT = timedelta(days=30)


def due_key(when: datetime, message_id: str) -> str:
    """The `due` index key of a message whose next attempt is due at `when`."""
    return f"{to_iso(when)}#{message_id}"


class Outbox(Repo):
    """Messages to deliver; those still due sit in the sparse `due` index, by the moment of their next try."""

    model = tables.OutboxMessage

    def stage(self, message) -> None:
        """Stage a new message (a fresh ULID), due at once; committed with the change it follows, or not at all."""
        message.status, message.attempts = "due", 0
        message.due_bucket, message.due_key = DUE, due_key(message.created_at, message.message_id)
        self.add(message, tag="outbox")

    def due_by(self, now: datetime, limit: int = 100) -> list:
        """Messages whose next attempt is due at `now` or earlier, oldest first (one Query, at most `limit`)."""
        records, _last = self.query(DUE, index="due", sort=attr("due_key").le(f"{to_iso(now)}#~"), limit=limit)
        return records

    def claim(self, message, attempts: int, retry_at: datetime) -> str:
        """Stage taking the message for one attempt: the attempt counted and its next try pushed to `retry_at`
        (so a failed send simply stays due then), only if no other run claimed it since it was read (tag
        "claimed"). Returns the new `due` key, which the outcome is conditioned on."""
        new_key = due_key(retry_at, message.message_id)
        self.update((message.message_id,), [attr("attempts").set(attempts), attr("due_key").set(new_key)],
                    attr("due_key").eq(message.due_key), tag="claimed")
        return new_key

    def sent(self, message, claimed_key: str, when: datetime, provider_id: str | None) -> None:
        """Stage the delivery: out of the `due` index, the body dropped, kept 30 days; only under this claim."""
        self.update((message.message_id,), [
            attr("status").set("sent"), attr("sent_at").set(when), attr("provider_id").set(provider_id),
            attr("body").remove(), attr("html").remove(), attr("last_error").remove(), attr("due_bucket").remove(),
            attr("due_key").remove(), attr("expires_at").set(when + KEEP_SENT)],
            attr("due_key").eq(claimed_key), tag="claimed")

    def fanned(self, message, claimed_key: str, user_id: str) -> None:
        """Stage a fan-out's progress: everyone up to `user_id` was told; only under this claim (tag "claimed"),
        so two runs never tell the same people."""
        self.update((message.message_id,), [attr("fanned_to").set(user_id)], attr("due_key").eq(claimed_key),
                    tag="claimed")

    def failed(self, message, claimed_key: str, error: str) -> None:
        """Stage why the attempt failed (the message stays due at its claimed retry time)."""
        self.update((message.message_id,), [attr("last_error").set(error[:500])],
                    attr("due_key").eq(claimed_key), tag="claimed")

    def give_up(self, message, when: datetime, due_key_now: str | None = None, error: str | None = None) -> None:
        """Stage giving up after too many attempts: out of the `due` index into the sparse `given_up` one (MD's
        list of failed mail), kept 30 days; only under the claim it was read (or last claimed) with."""
        actions = [attr("status").set("given_up"), attr("due_bucket").remove(), attr("due_key").remove(),
                   attr("failed_bucket").set(GIVEN_UP), attr("expires_at").set(when + KEEP_SENT)]
        if error:
            actions.append(attr("last_error").set(error[:500]))
        self.update((message.message_id,), actions, attr("due_key").eq(due_key_now or message.due_key),
                    tag="claimed")

    def drop(self, message, when: datetime, why: str) -> None:
        """Stage not sending a message at all (its recipient's account is disabled): out of the `due` index, the
        body dropped, kept 30 days for the record."""
        self.update((message.message_id,), [
            attr("status").set("dropped"), attr("last_error").set(why), attr("body").remove(), attr("html").remove(),
            attr("due_bucket").remove(), attr("due_key").remove(), attr("expires_at").set(when + KEEP_SENT)],
            attr("due_key").eq(message.due_key), tag="claimed")

    def given_up(self, limit: int = 100) -> list:
        """Messages given up after too many attempts, newest first (one Query on the sparse `given_up` index)."""
        records, _last = self.query(GIVEN_UP, index="given_up", forward=False, limit=limit)
        return records
