"""Issue 16 item 5: the staff to-do counters' empty past day buckets are pruned (never one still counting
something overdue), and the backfill counts the records written before the counters: a recount agrees."""

from collections import Counter
from datetime import timedelta

import pytest

from portal.adapters import tables
from portal.adapters.records import from_item
from portal.adapters.repos.todo_tallies import COUNTED, TodoCounters
from portal.adapters.uow import WriteConflict
from portal.domain import todo
from portal.domain.timeutil import shanghai_day
from portal.services import backfill, todo_upkeep
from portal.services import todo as todo_service
from portal.services.context import system_ctx
from tests.unit.services.dynamics_world import LEADER


def _tally(world, scope: str, bucket: str, **deltas) -> None:
    uow = world.uow()
    uow.tally(tables.Counter, {"dept_id": f"todo#{scope}", "key": bucket}, deltas)
    uow.commit()


def _buckets(world, scope: str) -> list[str]:
    return [b for b, _counts in world.repo(TodoCounters).buckets(scope, "~")]


def test_empty_past_day_buckets_are_pruned_and_those_still_counting_or_ahead_stay(fake):
    today = shanghai_day(fake.now)
    past, older, ahead = (today - timedelta(days=3)).isoformat(), (today - timedelta(days=40)).isoformat(), \
        (today + timedelta(days=2)).isoformat()
    for scope in ("ortho", todo.COMPANY):
        _tally(fake, scope, f"due#{older}", visits=1)
        _tally(fake, scope, f"due#{older}", visits=-1)  # the visit was recorded: the bucket counts nothing
        _tally(fake, scope, f"due#{past}", tickets=1)  # a ticket still past its SLA
        _tally(fake, scope, f"due#{ahead}", reviews=1)
        _tally(fake, scope, f"due#{ahead}", reviews=-1)  # empty, but its day has not come
        _tally(fake, scope, "all", applications=1)
    home = todo_service.home(fake.ctx(LEADER))  # what the leader's home page counts
    ctx = system_ctx(fake.now, store=fake.store)
    assert sorted(todo_upkeep.prune(ctx)) == [f"*/due#{older}", f"ortho/due#{older}"]
    for scope in ("ortho", todo.COMPANY):
        assert _buckets(fake, scope) == ["all", f"due#{past}", f"due#{ahead}"]
    assert todo_upkeep.prune(ctx) == []  # a second run removes nothing
    assert todo_service.home(fake.ctx(LEADER)) == home and home.tickets_late == 1  # the counts did not move


def test_a_bucket_that_counts_something_again_is_not_pruned(fake):
    _tally(fake, "ortho", "due#2026-01-05", tickets=1)  # counted between the job's read and its delete
    uow = fake.uow()
    uow.repo(TodoCounters).prune("ortho", "due#2026-01-05")
    with pytest.raises(WriteConflict):
        uow.commit()
    assert _buckets(fake, "ortho") == ["due#2026-01-05"]


def test_the_daily_job_prunes(fake):
    from functions import daily_reminders
    from portal.adapters import uow as uow_module

    _tally(fake, "rehab", "due#2026-01-05", visits=0)
    previous = uow_module._default["store"]
    uow_module.configure(fake.store)
    try:
        result = daily_reminders.run({"now": fake.now.isoformat()})
    finally:
        uow_module.configure(previous)
    assert result["pruned"] == ["rehab/due#2026-01-05"] and result["failed"] == []


def recount(world) -> dict[tuple[str, str], Counter]:
    """The to-do counts recomputed from every counted record (what the counters must say)."""
    counts: dict[tuple[str, str], Counter] = {}
    for model in COUNTED:
        for item in world.store._tables.get(model, {}).values():
            for scope, bucket, measure in todo.share(model.__name__, from_item(model, dict(item))):
                counts.setdefault((scope, bucket), Counter())[measure] += 1
    return {k: +v for k, v in counts.items() if +v}


def counters(world) -> dict[tuple[str, str], Counter]:
    """What the counters table says, by (scope, bucket), zeros left out."""
    out = {}
    for item in world.store._tables.get(tables.Counter, {}).values():
        if item["dept_id"].startswith("todo#"):
            found = Counter({m: int(item.get(m) or 0) for m in todo.MEASURES})
            if +found:
                out[(item["dept_id"].removeprefix("todo#"), item["key"])] = +found
    return out


def _everything_to_do(world):
    """An application in the queue, an open ticket, a planned visit, a change report, review tasks and a VIP
    downgrade due, each through its service (so counted as it is written today)."""
    from portal.services import changes, grading, incidents, reviews, tickets, visits
    from tests.factories import admitted, applied, stand_counted
    from tests.unit.services import ticket_world
    from tests.unit.services.dynamics_world import customer, verified_document

    applied(fake=world)
    _cid, ctx = ticket_world.customer(world)
    tickets.file(ctx, "ortho", "complaint", "交货延迟", "订单延迟两周")
    ids = admitted("ortho", 20, store=world.store)
    visits.plan(world.ctx(LEADER), "ortho", ids[1], planned_on=shanghai_day(world.now) + timedelta(days=1),
                mode="phone", purpose="回访", assignee_id=world.user(LEADER).user_id)
    customer_id, email = customer(world)
    stand_counted(customer_id, "上海康健医疗器械有限公司", "ortho", ("bone-plate",), store=world.store)
    changes.report(world.ctx(email), "change", {"address": "上海市新地址1号"}, verified_document(world, customer_id))
    grading.change(world.ctx(LEADER), "ortho", ids[0], "VIP", "优秀", no_evaluation_reason="测试准备：不经评价直接调整")
    incidents.record(world.ctx(LEADER), "ortho", ids[0], "late_payment", "逾期")
    reviews.open_cycle(system_ctx(world.now, store=world.store))


def test_the_backfill_counts_records_written_before_the_counters_as_a_recount_does(fake):
    _everything_to_do(fake)
    live = counters(fake)
    assert live == recount(fake) and {m for c in live.values() for m in c} == set(todo.MEASURES)
    for model in COUNTED:  # the tables as they were before the counters
        for item in fake.store._tables.get(model, {}).values():
            item.pop("todo_counted", None)
    for key in [k for k, i in fake.store._tables[tables.Counter].items() if i["dept_id"].startswith("todo#")]:
        del fake.store._tables[tables.Counter][key]
    assert counters(fake) == {}
    written = backfill.run(system_ctx(fake.now, store=fake.store))
    assert written["todo_counters"] > 0
    assert counters(fake) == recount(fake) == live
    assert "todo_counters" not in backfill.run(system_ctx(fake.now, store=fake.store))  # once
    assert counters(fake) == live
