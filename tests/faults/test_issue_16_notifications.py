"""Issue 16's faults: the mail service failing for a run, a crash between the write and the send, mail turned off,
a disabled recipient. Nothing lost, nothing doubled: the outbox delivers each notification's mail once."""

from datetime import timedelta

from functions import deliver_outbox
from portal.adapters import mail
from portal.adapters.repos.notifications import Notifications
from portal.adapters.store.expr import StoreUnavailable
from portal.services import notifications
from portal.services.context import system_ctx
from tests.faults.operations import LEADER, REP, _notified


def _deliver(world, after=timedelta()):
    return deliver_outbox.run({"now": (world.now + after).isoformat()})


def test_ses_failing_for_one_run_sends_every_mail_on_the_next_run_once_each(fake, monkeypatch):
    _notified(fake)  # three mails: two to the rep, one to the leader
    real = mail.send

    def down(*args, **kwargs):
        raise StoreUnavailable("ses: service unavailable")

    monkeypatch.setattr(mail, "send", down)
    first = _deliver(fake)
    assert len(first["retrying"]) == 3 and first["sent"] == [] and fake.delivered == []
    monkeypatch.setattr(mail, "send", real)
    assert _deliver(fake)["sent"] == []  # not before its pause
    second = _deliver(fake, timedelta(minutes=2))
    assert sorted(second["sent"]) == sorted(first["retrying"])
    assert _deliver(fake, timedelta(hours=1))["sent"] == []
    assert sorted(m[0] for m in fake.delivered) == sorted([REP, REP, LEADER])


def test_a_crash_between_the_write_and_the_send_loses_nothing(fake):
    _notified(fake)  # committed; the process "dies" before any delivery (no local delivery in jobs)
    assert fake.delivered == []
    assert len(_deliver(fake, timedelta(minutes=5))["sent"]) == 3  # the next scheduled run sends them
    assert sorted(m[0] for m in fake.delivered) == sorted([REP, REP, LEADER])


def test_mail_turned_off_keeps_the_inbox(fake):
    notifications.set_preferences(fake.ctx(REP), {"applications": "off", "tickets": "off"}, "zh")
    _notified(fake)
    _deliver(fake)
    assert [m[0] for m in fake.delivered] == [LEADER]
    assert len(notifications.inbox_page(fake.ctx(REP), "zh").items) == 2
    assert notifications.unread_count(fake.repo(Notifications).inbox(fake.user(REP).user_id)) == 2


def test_a_user_disabled_before_delivery_gets_nothing(fake):
    from portal.services import org

    _notified(fake)
    rep = fake.user(REP)
    org.set_staff_active(fake.ctx("md.admin@demo.local"), rep.user_id, False, rep.version)
    result = _deliver(fake)
    assert [m[0] for m in fake.delivered] == [LEADER] and len(result["given_up"]) == 2
    assert _deliver(fake, timedelta(days=1))["sent"] == []
    ctx = system_ctx(fake.now, store=fake.store)
    with ctx.uow() as uow:
        assert notifications.notify(uow, ctx, [fake.user(REP)], "ticket_new", "/x", subject="s") == []

