"""Everything that must follow a commit (DESIGN rule 13, issue 13): staged as outbox messages in the same
transaction as the change, delivered afterwards by `functions.deliver_outbox`, once, with retries.

A request answers from its commit alone: mail that cannot be sent now stays due and is tried again with a
growing pause; it is never lost with a half-finished request, and never makes a committed change look failed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from ulid import ULID

from portal.adapters import channels, records
from portal.adapters.repos.identity import Users
from portal.adapters.repos.outbox import Outbox
from portal.adapters.uow import Unavailable, WriteConflict
from portal.services.context import Ctx

log = logging.getLogger("portal.outbox")
MAX_ATTEMPTS = 5  # issue 16: after the fifth failed attempt a message is given up and MD sees it
FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=6)
_local = threading.local()  # messages staged by this thread since the last local delivery (see `staged_here`)


def pause_after(attempt: int) -> timedelta:
    """How long the n-th attempt waits before the next (1, 2, 4 … minutes, at most six hours)."""
    return min(FIRST_PAUSE * (2 ** (max(attempt, 1) - 1)), LONGEST_PAUSE)


def stage(uow, ctx: Ctx, to: str | Iterable[str], subject: str, body: str, *, html: str | None = None,
          channel: str = "mail", user_id: str | None = None, nid: str | None = None) -> list[str]:
    """Stage a message to each address in `to` (each once) in `uow` on `channel`: it is delivered after the
    commit, or never if the commit fails. `user_id`: the recipient's account (nothing is sent once it is
    disabled). Returns the staged message ids."""
    addresses = [to] if isinstance(to, str) else sorted(set(to))
    ids = []
    for address in addresses:
        message = records.OutboxMessage(message_id=str(ULID.from_datetime(ctx.now)), channel=channel, to=address,
                                        subject=subject, body=body, html=html, user_id=user_id, nid=nid,
                                        created_at=ctx.now)
        uow.repo(Outbox).stage(message)
        ids.append(message.message_id)
    _local.staged = getattr(_local, "staged", 0) + len(ids)
    return ids


def staged_here(reset: bool = True) -> int:
    """How many messages this thread staged since the last call (local runs deliver right after a request)."""
    count = getattr(_local, "staged", 0)
    if reset:
        _local.staged = 0
    return count


@dataclass(frozen=True)
class DeliveryRun:
    """What one delivery run did: messages sent, ones that stay due (the mail service failed: tried again after
    a pause), ones given up after MAX_ATTEMPTS, and ones the store could not claim or record now."""

    sent: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def deliver_due(ctx: Ctx, limit: int = 100) -> DeliveryRun:
    """Deliver every message due at `ctx.now`, each once: claimed under a condition (two runs never both send
    it), sent, then recorded as sent under that claim. A send that fails leaves the message due after a pause."""
    run = DeliveryRun()
    uow = ctx.uow()
    try:
        due = uow.repo(Outbox).due_by(ctx.now, limit)
        disabled = _disabled_recipients(uow, due)
    except Unavailable:
        return DeliveryRun(failed=["(due messages could not be read)"])
    for message in due:
        if message.channel == "fanout":  # a notification to a whole department (portal.services.fanout)
            from portal.services import fanout

            fanout.deliver(ctx, message, run)
        elif message.user_id in disabled:
            _drop(ctx, message, run)
        else:
            _deliver(ctx, message, run)
    return run


def _disabled_recipients(uow, due: list) -> set[str]:
    """The ids of due messages' recipients whose accounts are disabled or gone (one BatchGetItem at most)."""
    ids = {m.user_id for m in due if m.user_id}
    if not ids:
        return set()
    active = {u.user_id for u in uow.repo(Users).many([(i,) for i in sorted(ids)]) if u.active}
    return ids - active


def _drop(ctx: Ctx, message, run: DeliveryRun) -> None:
    """A disabled account gets nothing: the message leaves the due list unsent."""
    if _record(ctx, lambda uow: uow.repo(Outbox).drop(message, ctx.now, "recipient disabled")):
        run.given_up.append(message.message_id)
    else:
        run.failed.append(message.message_id)


def given_up(ctx: Ctx, limit: int = 100) -> list:
    """Messages given up after MAX_ATTEMPTS failed attempts, newest first (MD's list; one Query)."""
    from portal.domain.roles import Perm
    from portal.services.access import authorize

    if ctx.actor is None or ctx.actor.kind != "system":
        authorize(ctx, Perm.VIEW_AUDIT, target="failed mail")
    return ctx.uow().repo(Outbox).given_up(limit)


def deliver_locally() -> DeliveryRun | None:
    """Local runs and tests: deliver what is due now on the configured store; a failure is only logged (the
    next delivery, or the local timer, tries again)."""
    from portal.adapters.clock import utc_now
    from portal.services.context import system_ctx

    try:
        return deliver_due(system_ctx(utc_now()))
    except Exception:  # noqa: BLE001 - never let local delivery break a page
        log.exception("local outbox delivery failed")
        return None


def claim(ctx: Ctx, message, run: DeliveryRun):
    """Claim a due message for this run (its next attempt, paused by the backoff), or give it up after
    MAX_ATTEMPTS; None when there is nothing to send now (given up, another run took it, the store unavailable)."""
    attempt = int(message.attempts or 0) + 1
    try:
        if attempt > MAX_ATTEMPTS:
            with ctx.uow() as uow:
                uow.repo(Outbox).give_up(message, ctx.now)
                uow.commit()
            run.given_up.append(message.message_id)
            return None
        with ctx.uow() as uow:
            claimed = uow.repo(Outbox).claim(message, attempt, ctx.now + pause_after(attempt))
            uow.commit()
    except WriteConflict:
        return None  # another run took it
    except Unavailable:
        run.failed.append(message.message_id)  # still due as it was
        return None
    return claimed


def _deliver(ctx: Ctx, message, run: DeliveryRun) -> None:
    attempt = int(message.attempts or 0) + 1
    claimed = claim(ctx, message, run)
    if claimed is None:
        return
    try:
        provider_id = channels.get(message.channel).send(message.to, message.subject, message.body or "",
                                                         message.html)
    except Unavailable as exc:
        error = str(exc)
        if attempt >= MAX_ATTEMPTS:  # the fifth failure: given up, listed for MD
            run.given_up.append(message.message_id)
            _record(ctx, lambda uow: uow.repo(Outbox).give_up(message, ctx.now, claimed, error))
            return
        run.retrying.append(message.message_id)
        _record(ctx, lambda uow: uow.repo(Outbox).failed(message, claimed, error))
        return
    if _record(ctx, lambda uow: uow.repo(Outbox).sent(message, claimed, ctx.now, provider_id)):
        run.sent.append(message.message_id)
    else:  # sent, but not recorded: it will be sent again after its pause (at least once, never lost)
        run.failed.append(message.message_id)


def _record(ctx: Ctx, stage, tries: int = 3) -> bool:
    """Commit one outcome, trying again at once when the store was briefly unavailable (after a send, every
    try narrows the window in which the mail would go twice); False when it could not (the claim's pause then
    decides the next attempt)."""
    for _try in range(tries):
        try:
            with ctx.uow() as uow:
                stage(uow)
                uow.commit()
            return True
        except WriteConflict:
            return False
        except Unavailable:
            continue
    return False
