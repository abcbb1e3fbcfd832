"""A customer leaving a department (blacklist BLK-3, cancellation OBL-1): never blocked by a quota (QTA-5).

`stage_leaving` stages everything a departure writes; `commit_in_parts` commits a use case in one transaction,
or — only when it holds more than DynamoDB's 100 items (a company listing of a customer standing in many
departments) — its head with as many whole departures as fit, then the other departures, each whole.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.grading import Counters, GradeChanges, Standings
from portal.adapters.uow import WriteConflict
from portal.domain.grading import Grade
from portal.services import visits
from portal.services.context import Ctx

MAX_ITEMS = 100  # DynamoDB's limit of one TransactWriteItems
RETRIES = 5


def stage_leaving(uow, ctx: Ctx, standing, reason: str, change_id: str | None = None):
    """Stage the end of a standing as read (tag "standing"), one customer fewer in the counters (never
    conditional: QTA-5), its planned visits there cancelled, and the departure in its history; return that."""
    old = Grade(standing.grade)
    uow.repo(Counters).leave(standing.dept_id, standing.products or set(), old)
    uow.repo(Standings).end_as_read(standing)
    visits.stage_cancel_planned(uow, ctx, standing.customer_id, {standing.dept_id}, reason)
    record = records.GradeChange(
        customer_id=standing.customer_id, change_id=change_id or str(ULID.from_datetime(ctx.now)),
        dept_id=standing.dept_id, kind="left", from_grade=old.value, to_grade=None, reason=reason,
        by=ctx.actor.email, at=ctx.now)
    uow.repo(GradeChanges).record(record)
    return record


Part = Callable[[Any, bool], None]  # stages one whole departure; True: read the standing again first


def commit_in_parts(ctx: Ctx, head: Callable[[Any], Any], parts: list[Part]) -> Any:
    """Commit `head(uow)` and every part as one transaction and return what `head` returned. Over 100 items,
    the head goes with the parts that fit, and the rest follow in further transactions, retried when a
    standing changed meanwhile. A conflict of the first transaction is raised as WriteConflict."""
    with ctx.uow() as uow:
        result = head(uow)
        sizes = []
        for part in parts:
            before = uow.staged
            part(uow, False)
            sizes.append(uow.staged - before)
        if uow.staged <= MAX_ITEMS:
            uow.commit()
            return result
        head_size = uow.staged - sum(sizes)
    first, rest = _pack(head_size, sizes)
    with ctx.uow() as uow:
        result = head(uow)
        for n in first:
            parts[n](uow, False)
        uow.commit()
    for group in rest:
        _commit_again(ctx, [parts[n] for n in group])
    return result


def _pack(head_size: int, sizes: list[int]) -> tuple[list[int], list[list[int]]]:
    """The parts that go with the head, then groups of the others, each group within the limit."""
    groups: list[list[int]] = [[]]
    used = head_size
    for n, size in enumerate(sizes):
        if used + size > MAX_ITEMS and (groups[-1] or len(groups) == 1):
            groups.append([])
            used = 0
        groups[-1].append(n)
        used += size
    return groups[0], [g for g in groups[1:] if g]


def _commit_again(ctx: Ctx, parts: list[Part]) -> None:
    """Commit parts after the head: each reads its standing again (it may have changed or gone meanwhile)."""
    for _attempt in range(RETRIES):
        with ctx.uow() as uow:
            for part in parts:
                part(uow, True)
            try:
                uow.commit()
                return
            except WriteConflict:
                pass
        time.sleep(random.uniform(0.001, 0.02))
    raise WriteConflict({"standing"})
