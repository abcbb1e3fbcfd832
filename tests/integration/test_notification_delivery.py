"""Issue 16 item 4 on moto: delivery and digests read only what is due (sparse indexes), so their calls follow
the notifications due, not the table: with 10,000 sent and 20 unsent, at most 2 × 20 + 5 DynamoDB calls.

The suite runs it with 300 sent (moto walks every item it stores on each write, so 10,000 take five minutes);
`make bench-notifications` (tests/bench/notifications.py) runs the same test with 10,000."""

import os
from datetime import timedelta

from ulid import ULID

from portal.adapters.clock import utc_now
from portal.adapters.repos.identity import Users
from portal.adapters.tables import Notification, OutboxMessage
from portal.services import notifications, outbox
from portal.services.context import system_ctx
from tests.conftest import count_aws_calls, staff_ctx, user_id_of

REP, LEADER = "ortho.rep@demo.local", "ortho.leader@demo.local"
SENT = int(os.environ.get("PORTAL_BENCH_SENT", "300"))


def _history(n: int, now) -> None:
    """n messages already sent and n notifications already digested (none in a sparse index)."""
    with OutboxMessage.batch_write() as batch:
        for i in range(n):
            batch.save(OutboxMessage(message_id=str(ULID()), to=f"old{i}@x.cn", subject="旧", created_at=now,
                                     status="sent", attempts=1, sent_at=now))
    with Notification.batch_write() as batch:
        for i in range(n):
            batch.save(Notification(user_id=f"u{i % 50}", nid=str(ULID()), kind="ticket_new", target="/x",
                                    params="{}", read=True, created_at=now))


def _notify(emails: list[str], times: int, now) -> None:
    ctx = system_ctx(now)
    users = [ctx.uow().repo(Users).get(user_id_of(e)) for e in emails]
    for i in range(times):
        with ctx.uow() as uow:
            notifications.notify(uow, ctx, users, "ticket_new", f"/staff/tickets/T{i}", customer="上海仁济",
                                 subject=f"工单{i}")
            uow.commit()


def test_delivering_20_among_many_sent_costs_at_most_45_calls(app):
    now = utc_now()
    _history(SENT, now)
    _notify([REP, LEADER], 10, now)  # 20 notifications, 20 mails due
    with count_aws_calls() as calls:
        run = outbox.deliver_due(system_ctx(now + timedelta(seconds=1)))
    assert len(run.sent) == 20 and run.retrying == run.failed == []
    dynamo = sum(n for op, n in calls.items() if op.startswith("dynamodb."))
    assert dynamo <= 2 * 20 + 5, dict(calls)
    assert calls["ses.SendEmail"] == 20 and not any(op.endswith("Scan") for op in calls)
    with count_aws_calls() as calls:
        assert outbox.deliver_due(system_ctx(now + timedelta(minutes=1))).sent == []  # once each
    assert sum(calls.values()) <= 2


def test_the_daily_digest_reads_only_what_waits_for_it(app):
    now = utc_now()
    _history(SENT, now)
    for email in (REP, LEADER):
        notifications.set_preferences(staff_ctx(email), {"tickets": "digest"}, "en")
    _notify([REP, LEADER], 10, now)
    assert outbox.deliver_due(system_ctx(now)).sent == []  # nothing mailed at once
    with count_aws_calls() as calls:
        run = notifications.send_digests(system_ctx(now + timedelta(hours=1)))
    assert sorted(run.mailed) and len(run.mailed) == 2 and run.failed == []
    assert sum(calls.values()) <= 2 + 2, dict(calls)  # the index, the recipients, one transaction each
    assert len(outbox.deliver_due(system_ctx(now + timedelta(hours=2))).sent) == 2
    assert notifications.send_digests(system_ctx(now + timedelta(hours=3))).mailed == []
