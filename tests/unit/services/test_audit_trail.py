"""DESIGN rule 10 (the audit trail is append-only and never holds a secret), SEC-1 (refusals are audited) and
ACT-MD (MD browses the trail by day, actor, department and action), on the in-memory store."""

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.adapters import records
from portal.adapters.repos.identity import AuditTrail
from portal.adapters.uow import WriteConflict
from portal.domain.roles import Perm
from portal.services import audit, audit_trail
from portal.services.access import authorize, refuse
from portal.services.errors import Forbidden, Invalid, Unauthenticated
from portal.services.paging import encode_cursor

MD = "md.admin@demo.local"
NOON = datetime(2027, 3, 5, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def browse(world, **options):
    return audit_trail.browse(world.ctx(MD, now=NOON), **{"day": date(2027, 3, 5), **options})


def test_DESIGN_10_an_event_is_never_overwritten(fake):
    ctx = fake.ctx(MD, now=NOON)
    audit.record(ctx, "department.updated", target_type="department", target_id="ortho")
    [event] = fake.repo(AuditTrail).all("2027-03-05")
    with fake.uow() as uow:
        uow.repo(AuditTrail).append(records.AuditEvent(**{**vars(event), "action": "nothing.happened"}))
        with pytest.raises(WriteConflict) as exc:
            uow.commit()
    assert exc.value.tags == {"audit"}
    assert [e.action for e in fake.repo(AuditTrail).all("2027-03-05")] == ["department.updated"]


def test_DESIGN_10_an_event_records_who_when_what_and_from_where_but_never_a_secret(fake):
    ctx = fake.ctx("ortho.leader@demo.local", now=NOON, ip="10.1.2.3")
    audit.record(ctx, "staff.created", target_type="user", target_id="u-1", detail={
        "email": "x@demo.local", "password": "initial secret 99", "password_hash": "$argon2id$…",
        "new_password": "n", "current_password": "c", "content": "%PDF-1.4"})
    [event] = fake.repo(AuditTrail).all("2027-03-05")
    assert (event.actor_email, event.actor_role, event.dept_id, event.at, event.ip, event.target_id) == (
        "ortho.leader@demo.local", "dm", "ortho", NOON, "10.1.2.3", "u-1")
    assert event.detail == '{"email": "x@demo.local"}'


def test_DESIGN_10_events_fall_on_the_shanghai_calendar_day(fake):
    audit.record(fake.ctx(MD, now=datetime(2027, 1, 1, 16, 30, tzinfo=UTC)), "auth.sign_out")  # 00:30 on 2 January
    assert [e.action for e in fake.repo(AuditTrail).all("2027-01-02")] == ["auth.sign_out"]
    assert fake.repo(AuditTrail).all("2027-01-01") == []
    page = audit_trail.browse(fake.ctx(MD, now=NOON), day=date(2027, 1, 2))
    assert [e.action for e in page.items] == ["auth.sign_out"]
    assert audit_trail.browse(fake.ctx(MD, now=NOON), day=date(2027, 1, 1)).items == []


def test_SEC_1_a_refused_access_is_audited_and_anonymous_callers_are_asked_to_sign_in(fake):
    rep = fake.ctx("rehab.rep@demo.local", now=NOON)
    with pytest.raises(Forbidden):
        authorize(rep, Perm.VIEW_STAFF, "ortho", target="u-9")
    authorize(rep, Perm.VIEW_STAFF, "rehab")
    with pytest.raises(Unauthenticated):
        authorize(fake.ctx(now=NOON), Perm.VIEW_STAFF, "rehab")
    assert isinstance(refuse(rep, "customer_area", "/customer/"), Forbidden)
    events = [(e.action, e.outcome, e.target_type, e.target_id, e.actor_email, e.detail)
              for e in fake.repo(AuditTrail).all("2027-03-05")]
    assert events == [
        ("access.refused", "refused", "view_staff", "u-9", "rehab.rep@demo.local", '{"dept_id": "ortho"}'),
        ("access.refused", "refused", "customer_area", "/customer/", "rehab.rep@demo.local", None)]


def test_ACT_MD_only_md_browses_the_trail_and_others_are_refused_on_record(fake):
    for actor in ("leader@demo.local", "ortho.leader@demo.local"):
        with pytest.raises(Forbidden):
            audit_trail.browse(fake.ctx(actor, now=NOON), day=date(2027, 3, 5))
    refused = [e.actor_email for e in browse(fake).items if e.action == "access.refused"]
    assert refused == ["ortho.leader@demo.local", "leader@demo.local"]


def test_ACT_MD_filters_by_who_department_and_action(fake):
    audit.record(fake.ctx("ortho.rep@demo.local", now=NOON), "auth.sign_in")
    audit.record(fake.ctx(now=NOON + timedelta(minutes=1)), "auth.sign_in", outcome="failed",
                 actor_email="rehab.rep@demo.local")
    audit.record(fake.ctx(MD, now=NOON + timedelta(minutes=2)), "department.updated", dept_id="rehab")
    rep_id = fake.user("ortho.rep@demo.local").user_id
    assert [e.actor_email for e in browse(fake, actor_key=rep_id).items] == ["ortho.rep@demo.local"]
    assert [e.actor_email for e in browse(fake, dept_id="ortho").items] == ["ortho.rep@demo.local"]
    assert [e.action for e in browse(fake, dept_id="rehab").items] == ["department.updated"]
    assert [(e.outcome, e.actor_email) for e in browse(fake, action="auth.").items] == [
        ("failed", "rehab.rep@demo.local"), ("ok", "ortho.rep@demo.local")]
    assert browse(fake, day=date(2027, 3, 4)).items == []


def test_ACT_MD_pages_run_newest_first_without_gaps_or_repeats(fake):
    for n in range(7):
        audit.record(fake.ctx(MD, now=NOON + timedelta(seconds=n)), f"step.{n}")
    audit.record(fake.ctx(MD, now=NOON + timedelta(days=1)), "next.day")
    seen, cursor = [], None
    while True:
        page = browse(fake, limit=3, cursor=cursor)
        assert len(page.items) <= 3
        seen += [e.action for e in page.items]
        if page.cursor is None:
            break
        cursor = page.cursor
    assert seen == [f"step.{n}" for n in reversed(range(7))]


def test_SEC_2_a_day_outside_the_trail_or_a_forged_cursor_is_said_next_to_its_field(fake):
    for day in (date(1999, 12, 31), date(3000, 1, 1)):
        with pytest.raises(Invalid) as exc:
            browse(fake, day=day)
        assert str(exc.value.fields["day"][0]) == "Choose a day between 2000-01-01 and 2999-12-31."
    for cursor in ("{nope", "x" * 400, "abc\n"):
        with pytest.raises(Invalid) as exc:
            browse(fake, cursor=cursor)
        assert list(exc.value.fields) == ["cursor"]


def test_any_well_formed_cursor_is_a_place_in_the_trail(fake):
    """The API document promises it: a forged but well-formed cursor pages from where it would sort, never a 4xx."""
    for n in range(3):
        audit.record(fake.ctx(MD, now=NOON + timedelta(seconds=n)), f"step.{n}")
    newest_first = ["step.2", "step.1", "step.0"]
    assert [e.action for e in browse(fake).items] == newest_first
    assert [e.action for e in browse(fake, cursor="bm90LWEtdWxpZA").items] == newest_first  # "not-a-ulid": after all
    assert browse(fake, cursor="MDA").items == []  # "00" sorts before the day's first event
    middle = fake.repo(AuditTrail).all("2027-03-05")[1]
    assert [e.action for e in browse(fake, cursor=encode_cursor(middle.event_id)).items] == ["step.0"]
