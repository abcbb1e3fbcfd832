"""Notifications to a whole department, however large (issue 16 item 4, BLK-3): staged as one outbox message of
the channel "fanout" in the transaction of the change, then written to each member's inbox by the delivery job.

A DynamoDB transaction holds at most 100 writes, and a company listing concerns every staff member of every
department: too many for the listing's own transaction. So the listing commits one fan-out message per department
with it (nothing is lost: the listing and its fan-outs commit together or not at all), and `deliver` tells the
department's members after the commit, in transactions of up to `PER_TRANSACTION` people. Each transaction
records how far it got (`fanned_to`, the last user id told, under the delivery's claim): a run that dies half-way
leaves the message due, and the next run goes on after that user (nothing doubled); two runs at once cannot both
claim the message.
"""

from __future__ import annotations

import json

from portal.adapters.repos.identity import Users
from portal.adapters.repos.outbox import Outbox
from portal.adapters.uow import Unavailable, WriteConflict
from portal.services import notifications, outbox
from portal.services.context import Ctx
from portal.services.notification_text import render
from portal.services.review_assignment import notice_writes

CHANNEL = "fanout"
MAX_ITEMS = 100  # DynamoDB's limit of one TransactWriteItems


def per_transaction() -> int:
    """People told in one transaction (each notice's writes, and the message's progress)."""
    return (MAX_ITEMS - 1) // notice_writes()


def stage(uow, ctx: Ctx, dept_id: str, kind: str, target: str, roles: list[str] | None = None, **params) -> None:
    """Stage a `kind` notification to every active member of `dept_id` (only `roles`, when given), in `uow`."""
    body = json.dumps({"dept_id": dept_id, "roles": roles, "kind": kind, "target": target, "params": params},
                      ensure_ascii=False, sort_keys=True)
    subject = render(kind, params, "zh").title  # what MD's list of failed mail shows, should it come to that
    outbox.stage(uow, ctx, f"dept:{dept_id}", subject, body, channel=CHANNEL)


def deliver(ctx: Ctx, message, run) -> None:
    """Tell the members a fan-out message names, after those told already; then it is sent (once)."""
    claimed = outbox.claim(ctx, message, run)
    if claimed is None:
        return
    spec = json.loads(message.body or "{}")
    try:
        people = _members(ctx, spec, message.fanned_to)
        size = per_transaction()
        for start in range(0, max(len(people), 1), size):
            chunk = people[start:start + size]
            with ctx.uow() as uow:
                notifications.notify(uow, ctx, chunk, spec["kind"], spec["target"], **spec["params"])
                if start + size >= len(people):
                    uow.repo(Outbox).sent(message, claimed, ctx.now, None)
                else:
                    uow.repo(Outbox).fanned(message, claimed, chunk[-1].user_id)
                uow.commit()
    except WriteConflict:
        return  # another run claimed it meanwhile (after our claim's pause): it goes on from where we stopped
    except Unavailable as exc:  # stays due at the claim's retry time, with the progress committed so far
        run.retrying.append(message.message_id)
        _note(ctx, message, claimed, str(exc))
        return
    run.sent.append(message.message_id)


def _members(ctx: Ctx, spec: dict, after: str | None) -> list:
    """The department's active members (of the roles named), by user id, after `after` (one Query)."""
    roles = set(spec.get("roles") or [])
    found = ctx.uow().repo(Users).active_in(spec["dept_id"])
    return sorted((u for u in found if (not roles or u.role in roles) and (after is None or u.user_id > after)),
                  key=lambda u: u.user_id)


def _note(ctx: Ctx, message, claimed: str, error: str) -> None:
    try:
        with ctx.uow() as uow:
            uow.repo(Outbox).failed(message, claimed, error)
            uow.commit()
    except (WriteConflict, Unavailable):
        pass  # the claim's pause decides the next attempt anyway
