"""Issue 17 item 3 on the in-memory store: a customer's whole timeline (SEC-1, BLK-7): every kind of change is on
it, written with the change itself; staff see the departments they may see; the customer sees what is its to
know (no incidents, proposals, visit plans or listing reasons); pages are one Query each, newest first."""

from datetime import timedelta

import pytest

from portal.domain.timeline import COMPANY_ONLY, EVERYONE, place_of, visible_scopes
from portal.domain.timeutil import shanghai_day
from portal.services import blacklist, grading, incidents, tickets, visits
from portal.services.errors import Forbidden
from portal.services.pages import timeline
from tests.unit.services.ticket_world import customer

REP, LEADER, MD = "ortho.rep@demo.local", "ortho.leader@demo.local", "md.admin@demo.local"


def test_issue_17_the_place_of_a_change_on_the_timeline():
    assert place_of("grade.changed", "ok", "customer", "c1", "ortho", {}).scope == "ortho"
    assert place_of("grade.changed", "refused", "customer", "c1", "ortho", {}) is None
    assert place_of("auth.sign_in", "ok", "user", "u1", None, {}) is None
    doc = place_of("document.verified", "ok", "document", "d1", "ortho", {"customer": "c1"})
    assert (doc.customer_id, doc.scope, doc.shared) == ("c1", EVERYONE, True)  # company-wide, whoever checked it
    assert place_of("blacklist.listed", "ok", "customer", "c1", None, {}).scope == EVERYONE  # BLK-3: staff-wide
    assert place_of("ticket.filed", "ok", "ticket", "t1", None, {"customer": "c1"}).scope == COMPANY_ONLY
    assert place_of("incident.recorded", "ok", "customer", "c1", "ortho", {}).shared is False
    assert place_of("document.expiry_30", "ok", "customer", "c1", None, {}).shared is True
    assert visible_scopes(True, "md") is None and visible_scopes(False, "ortho") == (EVERYONE, "ortho")


def _world(fake):
    customer_id, buyer = customer(fake, name="上海康健医疗器械有限公司")
    rep, leader = fake.ctx(REP), fake.ctx(LEADER)
    grading.propose(rep, "ortho", customer_id, "PREFERRED", "回款良好，建议升级", None)
    visit = visits.plan(rep, "ortho", customer_id, planned_on=shanghai_day(rep.now) + timedelta(days=1),
                        mode="phone", purpose="季度回访", assignee_id=fake.user(REP).user_id)
    visits.record(fake.later(rep, days=1), visit.visit_id, "done", "客户反馈良好（内部）", visit.version)
    tickets.file(fake.later(buyer, minutes=1), "ortho", "complaint", "发货延迟", "三周未到货")
    incidents.record(fake.later(leader, minutes=2), "ortho", customer_id, "late_payment", "逾期 120 天（内部）")
    blacklist.list_customer(fake.later(leader, minutes=3), customer_id, "ortho", "恶意拖欠（内部）")
    return customer_id, buyer


def test_issue_17_staff_see_every_kind_of_change_newest_first_with_names(fake):
    customer_id, _buyer = _world(fake)
    fake.store.calls.clear()
    page = timeline.customer_timeline(fake.ctx(MD), customer_id)
    assert fake.store.calls.count("Query") == 1  # the page's events: one Query on the sparse index
    actions = [e.action for e in page.events]
    assert set(actions) >= {"grade.proposed", "visit.planned", "visit.done", "ticket.filed", "incident.recorded",
                            "blacklist.listed"}
    assert [e.at for e in page.events] == sorted((e.at for e in page.events), reverse=True)
    proposed = next(e for e in page.events if e.action == "grade.proposed")
    assert proposed.who == fake.user(REP).name and proposed.detail["reason"] == "回款良好，建议升级"
    assert "ortho" in page.departments  # names for the department ids the entries carry
    leader = [e.action for e in timeline.customer_timeline(fake.ctx(LEADER), customer_id).events]
    assert leader == actions  # ortho's own customer: the leader sees all of ortho's and the company-wide
    with pytest.raises(Forbidden):
        timeline.customer_timeline(fake.ctx("rehab.leader@demo.local"), customer_id)


def test_issue_17_the_customer_sees_its_own_history_but_not_what_is_staff_only(fake):
    customer_id, buyer = _world(fake)
    own = timeline.own_timeline(buyer)
    actions = [e.action for e in own.events]
    assert "ticket.filed" in actions and "visit.done" in actions and "blacklist.listed" in actions
    assert not {"grade.proposed", "visit.planned", "incident.recorded"} & set(actions)
    listed = next(e for e in own.events if e.action == "blacklist.listed")
    assert "reason" not in listed.detail and listed.detail["scope"] == "ortho"  # BLK: that it is listed, where
    assert listed.who is None  # not who decided it
    staff_view = timeline.customer_timeline(fake.ctx(MD), customer_id).events
    assert next(e for e in staff_view if e.action == "blacklist.listed").who  # staff see who listed it
    assert all("内部" not in str(e.detail) for e in own.events)  # no internal notes, reasons or descriptions
    other_id, other = customer(fake)
    assert customer_id not in {e.detail.get("customer") for e in timeline.own_timeline(other).events}
    with pytest.raises(Forbidden):
        timeline.customer_timeline(other, customer_id)  # a customer reaches only its own company


def test_issue_17_the_timeline_pages_back_each_event_once(fake, monkeypatch):
    customer_id, _buyer = _world(fake)
    monkeypatch.setattr(timeline, "EVENTS_SHOWN", 3)
    md, seen, cursor = fake.ctx(MD), [], None
    while True:
        page = timeline.customer_timeline(md, customer_id, cursor)
        assert len(page.events) <= 3
        seen += [(e.at, e.action) for e in page.events]
        cursor = page.cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) >= 6
    assert seen == sorted(seen, key=lambda s: s[0], reverse=True)


def test_issue_17_the_backfill_places_changes_audited_before_timelines_once(fake):
    from portal.adapters.tables import AuditEvent
    from portal.services import backfill
    from portal.services.context import system_ctx

    customer_id, _buyer = _world(fake)
    before = [e.action for e in timeline.customer_timeline(fake.ctx(MD), customer_id).events]
    for item in fake.store._tables[AuditEvent].values():  # as recorded before timelines: no place on one
        for name in ("customer_key", "customer_scope", "shared"):
            item.pop(name, None)
    assert timeline.customer_timeline(fake.ctx(MD), customer_id).events == []
    done = backfill.run(system_ctx(fake.now + timedelta(days=2), store=fake.store))
    assert done["timeline"] == len(before)
    assert [e.action for e in timeline.customer_timeline(fake.ctx(MD), customer_id).events] == before
    assert "timeline" not in backfill.run(system_ctx(fake.now + timedelta(days=2), store=fake.store))
