"""REV-1…4 on the in-memory store: cycles and their tasks, the stage evaluation, decisions through the quotas
(one transaction with the grade change), progress filed with MD, escalation."""

import json
from datetime import UTC, datetime

import pytest

from portal.adapters import records
from portal.adapters.repos.dynamics import ReviewCycles, ReviewTasks
from portal.services import grade_staging, grading, incidents, reviews
from portal.services.context import system_ctx
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.unit.services.dynamics_world import LEADER, MD, admitted, audit_of, counts, standing, writes_during

NEW_YEAR = datetime(2026, 12, 31, 16, 5, tzinfo=UTC)  # 00:05 on 1 January 2027 in Shanghai
JAN_1 = datetime(2027, 1, 1, 1, tzinfo=UTC)
REP = "ortho.rep@demo.local"
GOOD = reviews.StageEvaluation("good", "on_time", "good", 0, 92, "VIP", "表现优秀")


def opened(world, moment=JAN_1):
    return reviews.open_cycle(system_ctx(moment, store=world.store))


def submitted(world, customer_id, form=GOOD, cycle="2027H1", now=JAN_1):
    task = reviews.get_task(world.ctx(LEADER, now=now), cycle, "ortho", customer_id)
    return reviews.submit(world.ctx(REP, now=now), cycle, "ortho", customer_id, form, task.version)


def test_REV_1_and_REV_2_cycle_opens_once_with_a_task_per_admitted_customer(fake):
    admitted("ortho", 3, store=fake.store)
    admitted("rehab", 2, products=("walker",), store=fake.store)
    run = opened(fake, NEW_YEAR)
    assert (run.cycle_id, run.created, run.already_open) == ("2027H1", 5, False)
    later = system_ctx(datetime(2026, 12, 31, 17, 0, tzinfo=UTC), store=fake.store)
    assert writes_during(fake, lambda: reviews.open_cycle(later)) == []  # DESIGN rule 7
    again = reviews.open_cycle(later)
    assert (again.created, again.already_open) == (0, True)
    tasks = reviews.tasks(fake.ctx(LEADER), "2027H1", "ortho")
    assert {t.due_on for t in tasks} == {"2027-01-31"} and {t.status for t in tasks} == {"open"} and len(tasks) == 3
    assert [c.cycle_id for c in reviews.cycles(fake.ctx(MD))] == ["2027H1"]
    assert fake.repo(ReviewCycles).find("2027H1").tasks == 5
    [event] = audit_of(fake, "2027-01-01", "review.cycle_opened")
    assert json.loads(event["detail"])["tasks"] == 5


def test_REV_2_a_run_after_a_crash_half_way_completes_the_cycle(fake):
    customers = admitted("ortho", 3, store=fake.store)
    uow = fake.uow()  # an earlier run wrote one task, then stopped before the cycle record
    uow.repo(ReviewTasks).create(records.ReviewTask(cycle_id="2027H1", dept_id="ortho", customer_id=customers[0],
                                                    customer_name="客户000", grade_at_open="QUALIFIED",
                                                    due_on="2027-01-31"))
    uow.commit()
    run = opened(fake, NEW_YEAR)
    assert (run.created, run.already_open) == (2, False)
    assert len(reviews.tasks(fake.ctx(LEADER), "2027H1", "ortho")) == 3
    assert fake.repo(ReviewCycles).find("2027H1").tasks == 3


def test_REV_2_h2_opens_on_1_july_and_tasks_are_due_after_the_configured_days(fake):
    admitted("ortho", 1, store=fake.store)
    run = reviews.open_cycle(system_ctx(datetime(2027, 6, 30, 16, 1, tzinfo=UTC), store=fake.store), 10)
    assert run.cycle_id == "2027H2"
    assert {t.due_on for t in reviews.tasks(fake.ctx(LEADER), "2027H2", "ortho")} == {"2027-07-11"}


def test_REV_1_the_stage_evaluation_is_recorded_with_the_incidents_of_the_period(fake):
    customers = admitted("ortho", 2, store=fake.store)
    incidents.record(fake.ctx(LEADER, now=datetime(2026, 12, 1, tzinfo=UTC)), "ortho", customers[0],
                     "late_payment", "逾期")
    opened(fake)
    with pytest.raises(Forbidden):  # another department's staff
        reviews.submit(fake.ctx("rehab.rep@demo.local", now=JAN_1), "2027H1", "ortho", customers[0], GOOD, 1)
    with pytest.raises(Invalid) as exc:
        reviews.submit(fake.ctx(REP, now=JAN_1), "2027H1", "ortho", customers[0],
                       reviews.StageEvaluation("great", "never", "good", -1, 101, "GOLD"), 1)
    assert set(exc.value.fields) == {"contract_performance", "payment", "tickets", "score", "recommended"}
    task = submitted(fake, customers[0])
    assert (task.status, task.score, task.recommended, task.submitted_by, task.version) == (
        "submitted", 92, "VIP", REP, 2)
    stored = fake.repo(ReviewTasks).find("2027H1", "ortho", customers[0])
    assert json.loads(stored.form)["incidents"] == 1 and stored.version == 2
    with pytest.raises(Conflict):  # a stale form
        reviews.submit(fake.ctx(REP, now=JAN_1), "2027H1", "ortho", customers[0], GOOD, 1)
    with pytest.raises(NotFound):
        reviews.get_task(fake.ctx(LEADER), "2027H1", "ortho", "no-such-customer")


def test_REV_3_decision_applies_the_grade_through_the_quota_and_md_sees_progress(fake):
    customers = admitted("ortho", 20, store=fake.store)
    opened(fake)
    task = submitted(fake, customers[0])
    with pytest.raises(Forbidden):  # the leader decides
        reviews.decide(fake.ctx(REP, now=JAN_1), "2027H1", "ortho", customers[0], "VIP", "x", task.version)
    done = reviews.decide(fake.ctx(LEADER, now=JAN_1), "2027H1", "ortho", customers[0], "VIP", "评审通过",
                          task.version)
    assert (done.status, done.decided_grade, done.decided_by) == ("decided", "VIP", LEADER)
    progress = {p.dept_id: p for p in reviews.progress(fake.ctx(MD, now=JAN_1), "2027H1")}
    assert standing(fake, "ortho", customers[0]).grade == "VIP" and counts(fake) == (20, 1, 0)
    assert (progress["ortho"].decided, progress["ortho"].open) == (1, 19)
    assert set(progress) == {"ortho", "rehab"}
    assert [p.dept_id for p in reviews.progress(fake.ctx(LEADER, now=JAN_1), "2027H1")] == ["ortho"]
    [change] = [c for c in grading.history(fake.ctx(LEADER), customers[0]) if c.kind == "change"]
    assert change.reason == "2027H1 阶段评价 / review: 评审通过"
    [event] = audit_of(fake, "2027-01-01", "review.decided")
    assert json.loads(event["detail"])["grade"] == "VIP"
    with pytest.raises(Conflict):  # once only
        reviews.decide(fake.ctx(LEADER, now=JAN_1), "2027H1", "ortho", customers[0], "VIP", "again", done.version)


def test_REV_3_keeping_the_grade_decides_without_a_grade_change(fake):
    customers = admitted("ortho", 20, store=fake.store)
    opened(fake)
    task = submitted(fake, customers[1], reviews.StageEvaluation("fair", "late", "good", 2, 60, "QUALIFIED"))
    reviews.decide(fake.ctx(LEADER, now=JAN_1), "2027H1", "ortho", customers[1], "QUALIFIED", "维持", task.version)
    assert [c for c in grading.history(fake.ctx(LEADER), customers[1]) if c.kind == "change"] == []
    assert fake.repo(ReviewTasks).find("2027H1", "ortho", customers[1]).decided_grade == "QUALIFIED"


def test_REV_3_an_open_review_cannot_be_decided_and_reasons_are_required(fake):
    customers = admitted("ortho", 20, store=fake.store)
    opened(fake)
    leader = fake.ctx(LEADER, now=JAN_1)
    with pytest.raises(Conflict):
        reviews.decide(leader, "2027H1", "ortho", customers[0], "VIP", "x", 1)
    task = submitted(fake, customers[0])
    with pytest.raises(Invalid) as exc:
        reviews.decide(leader, "2027H1", "ortho", customers[0], "VIP", " ", task.version)
    assert set(exc.value.fields) == {"reason"}
    with pytest.raises(Invalid) as exc:
        reviews.decide(leader, "2027H1", "ortho", customers[0], "GOLD", "x", task.version)
    assert set(exc.value.fields) == {"grade"}
    with pytest.raises(Conflict):
        reviews.decide(leader, "2027H1", "ortho", customers[0], "VIP", "x", task.version - 1)


def test_REV_4_an_upgrade_at_review_goes_through_the_quota(fake):
    customers = admitted("ortho", 20, store=fake.store)  # at most 3 VIP and 6 优选
    leader = fake.ctx(LEADER, now=JAN_1)
    for customer_id in customers[:3]:
        grading.change(leader, "ortho", customer_id, "VIP", "优秀", no_evaluation_reason="测试准备：不经评价直接调整")
    run = opened(fake)
    target = customers[5]
    task = submitted(fake, target, reviews.StageEvaluation("good", "on_time", "good", 0, 95, "VIP", "全年表现优秀"))
    with pytest.raises(Conflict) as exc:
        reviews.decide(leader, run.cycle_id, "ortho", target, "VIP", "评审建议升为VIP", task.version)
    assert "3 of 3 places taken, 0 left" in str(exc.value.message)
    assert standing(fake, "ortho", target).grade == "QUALIFIED"
    assert reviews.get_task(leader, run.cycle_id, "ortho", target).status == "submitted"  # still to decide
    assert grading.quota(leader, "ortho").counts.vip == 3
    done = reviews.decide(leader, run.cycle_id, "ortho", target, "PREFERRED", "VIP名额已满，升为优选", task.version)
    assert done.status == "decided" and done.decided_grade == "PREFERRED"
    assert standing(fake, "ortho", target).grade == "PREFERRED"
    [change] = [c for c in grading.history(leader, target, "ortho") if c.kind == "change"]
    assert (change.from_grade, change.to_grade) == ("QUALIFIED", "PREFERRED") and run.cycle_id in change.reason
    assert grading.quota(leader, "ortho").counts.preferred == 1


def test_REV_4_the_decision_and_the_grade_change_are_one_transaction(fake, monkeypatch):
    """Someone re-submits the task between the leader's read and the commit: neither the decision nor the grade
    change is written."""
    customers = admitted("ortho", 20, store=fake.store)
    opened(fake)
    task = submitted(fake, customers[0])
    original = grade_staging.stage_grade_change

    def racing(uow, ctx, *args):
        record = original(uow, ctx, *args)
        other = fake.uow()
        stale = other.repo(ReviewTasks).find("2027H1", "ortho", customers[0])
        other.repo(ReviewTasks).submit(stale)  # the clerk saves the form again meanwhile
        other.commit()
        return record

    monkeypatch.setattr(reviews, "stage_grade_change", racing)
    with pytest.raises(Conflict):
        reviews.decide(fake.ctx(LEADER, now=JAN_1), "2027H1", "ortho", customers[0], "VIP", "评审通过", task.version)
    assert standing(fake, "ortho", customers[0]).grade == "QUALIFIED" and counts(fake) == (20, 0, 0)
    assert fake.repo(ReviewTasks).find("2027H1", "ortho", customers[0]).status == "submitted"
    assert [c for c in grading.history(fake.ctx(LEADER), customers[0]) if c.kind == "change"] == []


def test_REV_2_overdue_reviews_are_escalated_once(fake):
    admitted("ortho", 2, store=fake.store)
    opened(fake, datetime(2027, 7, 1, 1, tzinfo=UTC))
    assert reviews.escalate_overdue(system_ctx(datetime(2027, 7, 31, 1, tzinfo=UTC), store=fake.store)) == []
    first = reviews.escalate_overdue(system_ctx(datetime(2027, 8, 1, 1, tzinfo=UTC), store=fake.store))
    assert len(first) == 2
    again = system_ctx(datetime(2027, 8, 2, 1, tzinfo=UTC), store=fake.store)
    assert writes_during(fake, lambda: reviews.escalate_overdue(again)) == []  # DESIGN rule 7
    assert reviews.escalate_overdue(again) == []
    assert sorted(m[0] for m in fake.mails("评审逾期")) == [MD, LEADER]  # ortho's leader and MD, once
    [event] = audit_of(fake, "2027-08-01", "review.escalated")
    assert event["target_id"] == "ortho" and len(json.loads(event["detail"])["tasks"]) == 2


def test_REV_2_escalation_does_not_make_an_open_form_stale(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    opened(fake, datetime(2027, 7, 1, 1, tzinfo=UTC))
    task = reviews.get_task(fake.ctx(REP), "2027H2", "ortho", customer)  # the rep opens the form …
    reviews.escalate_overdue(system_ctx(datetime(2027, 8, 1, 1, tzinfo=UTC), store=fake.store))  # … the job runs
    sent = reviews.submit(fake.ctx(REP), "2027H2", "ortho", customer, GOOD, task.version)  # … the rep saves
    assert sent.status == "submitted"
    assert fake.repo(ReviewTasks).find("2027H2", "ortho", customer).escalated_at  # the escalation is kept
    assert reviews.escalate_overdue(system_ctx(datetime(2027, 8, 2, 1, tzinfo=UTC), store=fake.store)) == []
    decided = reviews.decide(fake.ctx(LEADER), "2027H2", "ortho", customer, "QUALIFIED", "维持", sent.version)
    assert decided.status == "decided"
    assert reviews.escalate_overdue(system_ctx(datetime(2027, 8, 3, 1, tzinfo=UTC), store=fake.store)) == []
