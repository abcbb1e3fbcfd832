"""Issue 16: notifications written with their change, mailed per preference, delivered once by the outbox."""

from datetime import timedelta

import pytest

from portal.adapters import channels
from portal.adapters.repos.notifications import Notifications
from portal.adapters.store.expr import StoreUnavailable
from portal.services import notifications, outbox
from portal.services.context import system_ctx
from portal.services.errors import Invalid, NotFound

REP, LEADER = "ortho.rep@demo.local", "ortho.leader@demo.local"


def _notify(fake, emails, kind="application_new", target="/staff/applications/A1", **params):
    users = [fake.user(e) for e in emails]
    ctx = system_ctx(fake.now, store=fake.store)
    with ctx.uow() as uow:
        ids = notifications.notify(uow, ctx, users, kind, target,
                                   **({"customer": "上海仁济", "dept_zh": "骨科", "dept_en": "Ortho"} | params))
        uow.commit()
    return ids


def _inbox(fake, email, locale="zh"):
    return notifications.inbox_page(fake.ctx(email), locale).items


def test_a_notification_is_an_inbox_item_and_a_mail_with_a_link_in_the_readers_language(fake):
    [nid] = _notify(fake, [REP])
    [item] = _inbox(fake, REP)
    assert (item.nid, item.kind, item.read, item.target) == (nid, "application_new", False, "/staff/applications/A1")
    assert "上海仁济" in item.title and "骨科" in item.detail
    assert "Ortho" in _inbox(fake, REP, "en")[0].detail
    assert notifications.unread_count(fake.repo(Notifications).inbox(fake.user(REP).user_id)) == 1
    [(to, subject, body)] = fake.sent
    assert to == REP and subject.startswith("【客户门户】") and "上海仁济" in subject
    assert "http://127.0.0.1:5000/staff/applications/A1" in body and "/notifications/preferences" in body


def test_the_mail_has_an_html_part_with_the_same_link_and_escaped_values():
    from portal.services.notification_text import mail

    message = mail([("application_new", {"customer": "<b>X</b>", "dept": "D"}, "https://p.example/x")], "en",
                   "Li", "https://p.example")
    assert '<a href="https://p.example/x">' in message.html and "&lt;b&gt;X" in message.html
    assert "https://p.example/x" in message.text and "<b>X</b>" in message.subject
    zh = mail([("application_new", {"customer": "X", "dept": "D"}, "https://p.example/x")], "zh", "李", "https://p")
    assert "在门户中打开" in zh.html and "在门户中打开" in zh.text


def test_two_notifications_to_one_user_in_one_unit_of_work_count_two_unread(fake):
    ctx = system_ctx(fake.now, store=fake.store)
    rep = fake.user(REP)
    with ctx.uow() as uow:
        notifications.notify(uow, ctx, [rep, rep], "application_new", "/x", customer="A", dept="d")
        notifications.notify(uow, ctx, [rep], "ticket_new", "/y", customer="B", subject="s")
        uow.commit()
    assert notifications.unread_count(fake.repo(Notifications).inbox(rep.user_id)) == 2
    assert len(_inbox(fake, REP)) == 2


def test_mail_off_means_inbox_only_and_digest_means_one_mail_a_day(fake):
    notifications.set_preferences(fake.ctx(REP), {"applications": "off", "tickets": "digest"}, "en")
    _notify(fake, [REP])
    _notify(fake, [REP], "ticket_new", "/staff/tickets/T1", subject="破损")
    _notify(fake, [REP], "ticket_reopened", "/staff/tickets/T2", subject="再次")
    assert len(_inbox(fake, REP)) == 3 and fake.sent == []
    run = notifications.send_digests(system_ctx(fake.now, store=fake.store))
    assert run.mailed == [fake.user(REP).user_id]
    [(to, subject, body)] = fake.sent
    assert to == REP and "2 notifications" in subject and "/staff/tickets/T1" in body and "/staff/tickets/T2" in body
    assert notifications.send_digests(system_ctx(fake.now, store=fake.store)).mailed == []  # once


def test_security_mail_is_always_immediate(fake):
    notifications.set_preferences(fake.ctx(REP), {g: "off" for g in notifications.preferences(fake.ctx(REP)).modes},
                                  "zh")
    _notify(fake, [REP], "security_password_reset", "/account/password")
    assert [m[0] for m in fake.sent] == [REP]


def test_preferences_refuse_unknown_groups_modes_and_languages(fake):
    with pytest.raises(Invalid):
        notifications.set_preferences(fake.ctx(REP), {"applications": "hourly"}, "zh")
    with pytest.raises(Invalid):
        notifications.set_preferences(fake.ctx(REP), {"nonsense": "off"}, "zh")
    with pytest.raises(Invalid):
        notifications.set_preferences(fake.ctx(REP), {}, "fr")
    assert notifications.preferences(fake.ctx(REP)).modes["applications"] == "immediate"


def test_a_disabled_user_gets_nothing(fake):
    from portal.adapters.repos.identity import Users

    leader = fake.user(LEADER)
    _notify(fake, [REP, LEADER])  # staged for both
    with fake.uow() as uow:
        leader.active = False
        uow.repo(Users).save(leader)
        uow.commit()
    assert [m[0] for m in fake.sent] == [REP]  # the leader's mail was dropped at delivery
    assert _notify(fake, [LEADER]) == []  # and nothing is written for a disabled account


def test_mark_one_and_all_read_and_someone_elses_id_is_not_found(fake):
    first, = _notify(fake, [REP])
    fake.now += timedelta(seconds=1)
    second, = _notify(fake, [REP])
    ctx = fake.ctx(REP)
    with pytest.raises(NotFound):
        notifications.mark_read(fake.ctx(LEADER), first)
    with pytest.raises(NotFound):
        notifications.mark_read(ctx, "inbox")
    notifications.mark_read(ctx, first)
    notifications.mark_read(ctx, first)  # twice: counted once
    inbox = fake.repo(Notifications).inbox(fake.user(REP).user_id)
    assert notifications.unread_count(inbox) == 1
    assert {i.nid: i.read for i in _inbox(fake, REP)} == {first: True, second: False}
    notifications.mark_all_read(fake.later(ctx, seconds=5))
    notifications.mark_read(fake.later(ctx, seconds=6), second)  # already read by "all": no negative count
    assert notifications.unread_count(fake.repo(Notifications).inbox(fake.user(REP).user_id)) == 0
    assert all(i.read for i in _inbox(fake, REP))


def test_the_inbox_pages_newest_first(fake):
    ids = []
    for _ in range(5):
        ids += _notify(fake, [REP])
        fake.now += timedelta(seconds=1)
    ctx = fake.ctx(REP)
    first = notifications.inbox_page(ctx, "zh", limit=3)
    second = notifications.inbox_page(ctx, "zh", first.cursor, limit=3)
    assert [i.nid for i in first.items + second.items] == ids[::-1]


def test_a_channel_is_one_adapter(fake):
    sms: list = []
    channels.register(channels.Channel("sms", lambda to, subject, body, html: sms.append((to, subject)) or "sms-1",
                                       lambda user: "+8613800000000" if user.email == REP else None))
    try:
        _notify(fake, [REP, LEADER])
        fake.deliver()
    finally:
        channels.unregister("sms")
    assert [to for to, _s in sms] == ["+8613800000000"] and len(fake.delivered) == 2


def test_the_mail_service_failing_retries_then_gives_up_after_five_and_md_sees_it(fake, monkeypatch):
    from portal.adapters import mail

    _notify(fake, [REP])

    def failing(*args, **kwargs):
        raise StoreUnavailable("ses: throttled")

    monkeypatch.setattr(mail, "send", failing)
    now = fake.now
    for attempt in range(1, 6):
        run = outbox.deliver_due(system_ctx(now, store=fake.store))
        assert (run.retrying if attempt < 5 else run.given_up) != [], attempt
        now += outbox.pause_after(attempt)
    assert outbox.deliver_due(system_ctx(now + timedelta(days=1), store=fake.store)).sent == []
    [failed] = outbox.given_up(system_ctx(now, store=fake.store))
    assert failed.to == REP and failed.attempts == 5 and "throttled" in failed.last_error
