"""RGT-2 / REL-1 / REL-2 / SEC-1 on the in-memory store: planning visits, the plan by day with the grade held
now, recording them (made: not before the day), and a plan that never keeps a former customer."""

from dataclasses import replace
from datetime import UTC, timedelta

import pytest

from portal.adapters.repos.identity import AuditTrail
from portal.adapters.repos.visits import Visits
from portal.domain.timeutil import SHANGHAI, shanghai_day
from portal.services import grading, visits
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.factories import admitted, stand_counted
from tests.fakes import race
from tests.unit.services.ticket_world import customer, set_grade

REP, CLERK, LEADER = "ortho.rep@demo.local", "ortho.clerk@demo.local", "ortho.leader@demo.local"


def plan(fake, customer_id, days=1, who=CLERK, **kw):
    ctx = fake.ctx(who)
    return visits.plan(ctx, "ortho", customer_id, planned_on=kw.pop("on", shanghai_day(ctx.now) + timedelta(days=days)),
                       mode=kw.pop("mode", "on_site"), purpose=kw.pop("purpose", "季度回访"),
                       assignee_id=kw.pop("assignee_id", fake.user(REP).user_id))


def test_issue_17_the_plan_goes_by_day_with_the_grade_held_now_as_a_badge(fake):
    qualified, _ = customer(fake, name="宁波康泰医疗器械有限公司")
    vip, _ = customer(fake, grade="VIP", name="上海瑞金骨科医院")
    preferred, _ = customer(fake, grade="PREFERRED", name="杭州骨科器械有限公司")
    first = plan(fake, qualified, days=1)
    plan(fake, vip, days=20)
    plan(fake, preferred, days=5)
    plan_now = visits.planned(fake.ctx(REP), "ortho")
    assert [(p.visit.customer_name, p.grade.value) for p in plan_now] == [
        ("宁波康泰医疗器械有限公司", "QUALIFIED"), ("杭州骨科器械有限公司", "PREFERRED"), ("上海瑞金骨科医院", "VIP")]
    assert [(p.overdue, p.may_be_made) for p in plan_now] == [(False, False)] * 3
    assert {p.assignee_name for p in plan_now} == {fake.user(REP).name}  # who goes, by name
    # a grade change shows on the badge; the order stays by day
    set_grade(fake, "ortho", qualified, "VIP")
    order = visits.planned(fake.ctx(REP), "ortho")
    assert order[0].visit.visit_id == first.visit_id and order[0].grade.value == "VIP"
    set_grade(fake, "ortho", vip, None)  # no longer a customer here: no badge, still in its day's place
    last = visits.planned(fake.ctx(REP), "ortho")[-1]
    assert (last.visit.customer_id, last.grade) == (vip, None)
    # three weeks on: every visit's day has passed; they are overdue and may be recorded as made
    later = visits.planned(fake.later(fake.ctx(REP), days=21), "ortho")
    assert [(p.overdue, p.may_be_made) for p in later] == [(True, True)] * 3


def test_issue_17_a_visit_is_not_recorded_as_made_before_its_day_beijing_date(fake):
    customer_id, _ = customer(fake)
    visit = plan(fake, customer_id, days=1)
    with pytest.raises(Invalid) as exc:
        visits.record(fake.ctx(REP), visit.visit_id, "done", "提前记录", visit.version)
    assert set(exc.value.fields) == {"outcome"}
    assert exc.value.fields["outcome"] == [visits.OUTCOME_PROBLEMS["early"]]
    assert fake.repo(Visits).get(visit.visit_id).status == "planned"  # nothing changed
    rep = fake.ctx(REP)
    # one minute before midnight in Beijing on the eve: still refused; one minute after: recorded
    eve = rep.now.astimezone(SHANGHAI).replace(hour=23, minute=59, second=0, microsecond=0)
    with pytest.raises(Invalid):
        visits.record(replace(rep, now=eve.astimezone(UTC)), visit.visit_id, "done", "提前记录", visit.version)
    on_the_day = replace(rep, now=(eve + timedelta(minutes=2)).astimezone(UTC))
    assert visits.made_from_today(on_the_day, visit) and not visits.made_from_today(rep, visit)
    done = visits.record(on_the_day, visit.visit_id, "done", "按期拜访", visit.version)
    assert done.status == "done"
    cancelled = plan(fake, customer_id, days=5)  # cancelling needs no waiting
    assert visits.record(fake.ctx(REP), cancelled.visit_id, "cancelled", "客户要求改期", None).status == "cancelled"


def test_RGT_2_the_plan_is_one_query_and_one_batch_read(fake):
    for grade in ("QUALIFIED", "VIP", "PREFERRED"):
        plan(fake, customer(fake, grade=grade)[0])
    rep = fake.ctx(REP)
    fake.store.calls.clear()
    assert len(visits.planned(rep, "ortho")) == 3
    assert fake.store.calls == ["Query", "BatchGetItem"]


def test_plan_refuses_bad_input_and_changes_nothing(fake):
    customer_id, customer_ctx = customer(fake)
    today = shanghai_day(fake.ctx(CLERK).now)
    with pytest.raises(Invalid) as exc:
        plan(fake, customer_id, on=today - timedelta(days=1), mode="fax", purpose="",
             assignee_id=fake.user("rehab.rep@demo.local").user_id)
    assert set(exc.value.fields) == {"planned_on", "mode", "purpose", "assignee_id"}
    for forged in ("forged", "x" * 2000, customer_ctx.actor.user_id):  # a customer's user is no one
        with pytest.raises(Invalid) as exc:
            plan(fake, customer_id, assignee_id=forged)
        assert set(exc.value.fields) == {"assignee_id"}
    other, _ = customer(fake, dept="rehab")
    with pytest.raises(NotFound):  # not a customer of the department
        plan(fake, other)
    with pytest.raises(Forbidden):
        visits.plan(fake.ctx("rehab.rep@demo.local"), "ortho", customer_id, planned_on=today, mode="phone",
                    purpose="x", assignee_id=fake.user(REP).user_id)
    assert visits.planned(fake.ctx(REP), "ortho") == []


def test_REL_2_assignees_are_the_departments_active_staff(fake):
    emails = sorted(u.email for u in visits.assignees(fake.ctx(LEADER), "ortho"))
    assert emails == [CLERK, LEADER, REP]
    with pytest.raises(Forbidden):
        visits.assignees(fake.ctx("rehab.rep@demo.local"), "ortho")


def test_REL_2_recording_a_visit_keeps_notes_and_the_last_visit_day(fake):
    customer_id, _ = customer(fake)
    today = shanghai_day(fake.ctx(CLERK).now)
    visit = plan(fake, customer_id, on=today)
    assert visits.last_made(fake.ctx(REP), "ortho", customer_id) is None
    done = visits.record(fake.ctx(REP), visit.visit_id, "done", "客户反馈良好，明年增加采购", visit.version)  # today
    assert (done.status, done.finished_by, done.version) == ("done", REP, 2)
    stored = fake.repo(Visits).get(visit.visit_id)
    assert (stored.status, stored.notes, stored.planned_key) == ("done", "客户反馈良好，明年增加采购", None)
    assert visits.last_made(fake.ctx(REP), "ortho", customer_id) == today.isoformat()
    assert visits.planned(fake.ctx(REP), "ortho") == []  # made: off the plan
    with pytest.raises(Conflict):
        visits.record(fake.ctx(REP), visit.visit_id, "cancelled", "重复", None)
    cancelled = plan(fake, customer_id, days=3)
    with pytest.raises(Invalid) as exc:
        visits.record(fake.ctx(REP), cancelled.visit_id, "lost", "", None)
    assert set(exc.value.fields) == {"outcome", "notes"}
    visits.record(fake.ctx(REP), cancelled.visit_id, "cancelled", "客户要求改期", None)
    assert visits.last_made(fake.ctx(REP), "ortho", customer_id) == today.isoformat()  # a cancelled one is no visit
    history = visits.of_customer(fake.ctx(REP), customer_id)
    assert [v.status for v in history] == ["cancelled", "done"]  # REL-1: the archive, newest first
    actions = [e.action for e in fake.repo(AuditTrail).all(today.isoformat()) if e.action.startswith("visit.")]
    assert actions == ["visit.planned", "visit.done", "visit.planned", "visit.cancelled"]


def test_SEC_1_other_departments_neither_see_nor_record(fake):
    customer_id, _ = customer(fake)
    visit = plan(fake, customer_id)
    rehab = fake.ctx("rehab.leader@demo.local")
    with pytest.raises(Forbidden):
        visits.get(rehab, visit.visit_id)
    with pytest.raises(Forbidden):
        visits.planned(rehab, "ortho")
    with pytest.raises(Forbidden):
        visits.record(rehab, visit.visit_id, "done", "越权", None)
    with pytest.raises(Forbidden):
        visits.last_made(rehab, "ortho", customer_id)
    assert visits.of_customer(rehab, customer_id) == []
    assert [v.visit_id for v in visits.of_customer(fake.ctx("md.admin@demo.local"), customer_id)] == [
        visit.visit_id]
    for forged in ("01ZZZZZZZZZZZZZZZZZZZZZZZZ", "x" * 2000):
        with pytest.raises(NotFound):
            visits.get(fake.ctx(REP), forged)
    assert fake.repo(Visits).get(visit.visit_id).status == "planned"


def test_stale_version_loses(fake):
    customer_id, _ = customer(fake)
    visit = plan(fake, customer_id)
    visits.record(fake.later(fake.ctx(REP), days=1), visit.visit_id, "done", "已拜访", visit.version)
    with pytest.raises(Conflict):
        visits.record(fake.later(fake.ctx(CLERK), days=1), visit.visit_id, "done", "我也去了", visit.version)
    assert fake.repo(Visits).get(visit.visit_id).notes == "已拜访"


def test_two_people_recording_a_visit_at_once_one_wins(fake):
    customer_id, _ = customer(fake)
    visit = plan(fake, customer_id)
    results = race(lambda n: visits.record(fake.later(fake.ctx(REP), days=1, seconds=n), visit.visit_id, "done",
                                           f"记录{n}", None))
    assert results == ["conflict"] * 7 + ["ok"]
    assert fake.repo(Visits).get(visit.visit_id).version == 2


def test_REL_2_ending_the_standing_cancels_planned_visits_there_only(fake):
    admitted("ortho", 5, store=fake.store)
    ended, _ = customer(fake, dept=None)
    stand_counted(ended, "停业客户", "ortho", store=fake.store)
    stand_counted(ended, "停业客户", "rehab", products=("walker",), store=fake.store)
    keep, _ = customer(fake)
    gone = plan(fake, ended)
    kept = plan(fake, keep)
    rehab_ctx = fake.ctx("rehab.rep@demo.local")
    elsewhere = visits.plan(rehab_ctx, "rehab", ended, planned_on=shanghai_day(rehab_ctx.now) + timedelta(days=2),
                            mode="phone", purpose="回访", assignee_id=fake.user("rehab.rep@demo.local").user_id)
    grading.end_standing(fake.ctx(LEADER), "ortho", ended, "客户停业")
    assert [p.visit.visit_id for p in visits.planned(fake.ctx(REP), "ortho")] == [kept.visit_id]
    cancelled = visits.get(fake.ctx(REP), gone.visit_id)
    assert (cancelled.status, cancelled.notes, cancelled.finished_by) == ("cancelled", "客户停业", LEADER)
    assert [p.visit.visit_id for p in visits.planned(rehab_ctx, "rehab")] == [elsewhere.visit_id]


def test_REL_1_the_archive_keeps_every_departments_visits_and_shows_each_its_own(fake):
    customer_id, _ = customer(fake)
    stand_counted(customer_id, "两部门客户", "rehab", products=("walker",), store=fake.store)
    ortho = plan(fake, customer_id, days=2)
    rehab_ctx = fake.later(fake.ctx("rehab.rep@demo.local"), seconds=1)
    rehab = visits.plan(rehab_ctx, "rehab", customer_id, planned_on=shanghai_day(rehab_ctx.now) + timedelta(days=1),
                        mode="online", purpose="使用培训", assignee_id=fake.user("rehab.rep@demo.local").user_id)
    visits.record(fake.later(fake.ctx(REP), days=2), ortho.visit_id, "done", "需要新规格接骨板", None)
    md = [(v.dept_id, v.status, v.notes) for v in visits.of_customer(fake.ctx("md.admin@demo.local"), customer_id)]
    assert md == [("rehab", "planned", None), ("ortho", "done", "需要新规格接骨板")]  # newest first
    assert [v.visit_id for v in visits.of_customer(fake.ctx(REP), customer_id)] == [ortho.visit_id]
    assert [v.visit_id for v in visits.of_customer(rehab_ctx, customer_id)] == [rehab.visit_id]


def test_REL_2_the_assignees_offered_are_the_first_hundred_and_the_actor(fake):
    from portal.adapters import records
    from portal.adapters.repos.identity import Users
    from portal.services.visits import ASSIGNEE_CHOICES

    for n in range(120):
        with fake.uow() as uow:
            uow.repo(Users).put(records.User(user_id=f"u{n:03d}", email=f"a{n:03d}@demo.local", name=f"员工{n}",
                                             kind="staff", role="rep", dept_id="ortho", password_hash="x",
                                             created_at=fake.now, active=n != 0))
            uow.commit()
    people = visits.assignees(fake.ctx(REP), "ortho")
    assert len(people) == ASSIGNEE_CHOICES and "a000@demo.local" not in {p.email for p in people}  # inactive
    assert people[-1].email == REP  # beyond the first hundred, but it is the actor


def test_issue_16_a_visit_planned_for_today_for_someone_else_is_told_at_once_and_only_once(fake):
    from portal.services import reminders
    from portal.services.context import system_ctx
    from tests.unit.services.test_notification_events import kinds

    customer_id, _ = customer(fake)
    visit = plan(fake, customer_id, on=shanghai_day(fake.ctx(CLERK).now))  # the clerk sends the rep, today

    def told():
        return kinds(fake, REP)

    assert told() == ["visit_due"]
    run = reminders.send_daily(system_ctx(fake.now, store=fake.store))  # the day's reminders: nobody twice
    assert visit.visit_id not in run.visits and told() == ["visit_due"]
    plan(fake, customer_id, days=2)  # another day: the reminder of that day tells
    assert told() == ["visit_due"]
