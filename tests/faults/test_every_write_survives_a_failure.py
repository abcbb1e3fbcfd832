"""Issue 13 (DESIGN rules 7 and 9): every operation that writes, and every scheduled function, survives a failure
at any of its calls. For each k, the k-th call to the store, the bucket or the mail service fails — as a store
briefly unavailable (a ClientError or a lost connection, mapped by the adapters) or as a function that died
there — and then:

- nothing is half-written (tests/faults/harness.py `violations`: no orphan object, no record pointing at a
  missing object, counters equal to the standings, every grade with its history, no half-applied listing, every
  ticket with its timeline, unique-value claims pointing at their owners);
- a failure is reported as one (503, never a 409 or another user error), and nothing committed is reported
  as failed;
- the retry succeeds, exactly once: the world ends as one clean run leaves it (no duplicate record or mail).
"""

from __future__ import annotations

import pytest

from portal.adapters.uow import Unavailable
from portal.services.errors import Conflict, ServiceError
from tests.faults.harness import KINDS, Died, Injector, fingerprint, restore, snapshot, violations
from tests.faults.operations import OPERATIONS


def attempt(operation, world, state) -> str:
    """Run once: "ok", "unavailable" (503), "died", or a job's "reported" (items it could not finish)."""
    try:
        result = operation.run(world, state)
    except Unavailable:
        return "unavailable"
    except Died:
        return "died"
    if isinstance(result, dict) and result.get("failed"):
        return "reported"
    return "ok"


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.name for op in OPERATIONS])
def test_a_failure_at_any_call_leaves_nothing_half_written_and_a_retry_finishes_once(fake, monkeypatch,
                                                                                     operation):
    world = fake
    state = operation.setup(world)
    before = snapshot(world)
    known = violations(world)  # what the setup's shortcuts left (none of the operation's business)
    injector = Injector(world).install(monkeypatch)
    assert attempt(operation, world, state) == "ok"
    calls = list(injector.calls)
    assert violations(world) - known == set()
    clean = fingerprint(world)
    problems = []
    for kind in KINDS:
        for k in range(1, len(calls) + 1):
            restore(world, before)
            injector.reset(fail_at=k, kind=kind)
            where = f"{kind} at call {k} ({calls[k - 1]})"
            try:
                first = attempt(operation, world, state)
            except ServiceError as exc:
                problems.append(f"{where}: answered {exc.status} {exc.code} — blamed on the user")
                continue
            injector.reset()
            if violations(world) - known:
                problems.append(f"{where}: half-written: {sorted(violations(world) - known)}")
            if first != "ok":
                try:
                    again = attempt(operation, world, state)
                except Conflict:
                    # only a function that died after its commit may find its work done already
                    again = "done already" if kind == "died" else "409 on retry"
                except ServiceError as exc:
                    again = f"{exc.status} on retry"
                if again not in ("ok", "done already"):
                    problems.append(f"{where}: the retry answered {again}")
                    continue
            if violations(world) - known:
                problems.append(f"{where}: half-written after the retry: {sorted(violations(world) - known)}")
            now = fingerprint(world)
            if kind == "died" and operation.sends_mail and k > 1 and calls[k - 2] == "ses.send":
                # died between handing a mail to SES and recording it: that one mail goes twice, nothing else
                extra, missing = now[2] - clean[2], clean[2] - now[2]
                if now[:2] != clean[:2] or sum(extra.values()) != 1 or missing:
                    problems.append(f"{where}: more than the one unavoidable duplicate: {_diff(now, clean)}")
            elif now != clean:
                problems.append(f"{where}: the world differs from one clean run: {_diff(now, clean)}")
    assert problems == [], "\n".join(problems)


def _diff(got, want) -> str:
    parts = []
    for name, a, b in zip(("items", "objects", "mails"), got, want, strict=True):
        more, fewer = a - b, b - a
        if more or fewer:
            parts.append(f"{name}: extra {dict(more)}, missing {dict(fewer)}")
    return "; ".join(parts)
