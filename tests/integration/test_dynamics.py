"""INC-1…3 and REV-1…4 on moto, the scheduled functions, and a whole year played with a travelling clock."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
import time_machine

from portal.adapters.clock import utc_now
from portal.adapters.tables import BlacklistEntry, Incident, ReviewTask, Standing
from portal.services import applications, blacklist, grading, incidents, reviews
from portal.services.context import Ctx, system_ctx
from portal.services.errors import Conflict, Forbidden
from tests.conftest import sent_mail as sent
from tests.conftest import staff_ctx as staff
from tests.factories import admitted, all_required_documents, register
from tests.integration.test_admission import review_to_admission

LEADER = "ortho.leader@demo.local"






def vip_customer():
    customers = admitted("ortho", 20)
    grading.change(staff(LEADER), "ortho", customers[0], "VIP", "优秀")
    return customers


def test_INC_1_an_incident_is_recorded_against_the_customer_in_a_department(app):
    from portal.adapters.tables import AuditEvent
    from portal.services.errors import Invalid, NotFound

    customer, other = admitted("ortho", 2)
    clerk = "ortho.clerk@demo.local"
    with time_machine.travel("2027-03-10 06:00:00+00:00", tick=False):
        incident = incidents.record(staff(clerk), "ortho", customer, "operating_crisis", "  资金链紧张，停业整顿  ")
    stored = Incident.get(customer, incident.incident_id)
    assert (stored.dept_id, stored.kind, stored.description, stored.recorded_by, stored.at, stored.grade_at_time) == (
        "ortho", "operating_crisis", "资金链紧张，停业整顿", clerk, datetime(2027, 3, 10, 6, tzinfo=UTC), "QUALIFIED")
    [event] = [e for e in AuditEvent.query("2027-03-10") if e.action == "incident.recorded"]
    assert (event.actor_email, event.target_id, event.dept_id) == (clerk, customer, "ortho")
    assert json.loads(event.detail)["incident"] == incident.incident_id
    # the department's staff and MD see it; another department does not, and cannot record one here
    assert [i.incident_id for i in incidents.of_customer(staff(LEADER), customer)] == [incident.incident_id]
    assert [i.incident_id for i in incidents.of_customer(staff("md.admin@demo.local"), customer)] == [
        incident.incident_id]
    assert incidents.of_customer(staff("rehab.leader@demo.local"), customer) == []
    with pytest.raises(Forbidden):
        incidents.record(staff("rehab.rep@demo.local"), "ortho", other, "late_payment", "越权")
    with pytest.raises(NotFound):  # only against a customer of the department
        incidents.record(staff(clerk), "ortho", "no-such-customer", "late_payment", "x")
    for kind, description, field in (("weather", "暴雨", "kind"), ("late_payment", "  ", "description")):
        with pytest.raises(Invalid) as exc:
            incidents.record(staff(clerk), "ortho", other, kind, description)
        assert set(exc.value.fields) == {field}
    assert list(Incident.query(other)) == []


def test_INC_2_vip_incident_makes_a_downgrade_due_in_five_days(app):
    customers = vip_customer()
    with time_machine.travel("2027-03-10 06:00:00+00:00", tick=False):  # 14:00 in Shanghai
        incident = incidents.record(staff("ortho.rep@demo.local"), "ortho", customers[0], "late_payment", "逾期 90 天")
    assert incident.downgrade_due_at == datetime(2027, 3, 15, 15, 59, 59, tzinfo=UTC)  # 23:59:59 Shanghai
    qualified = incidents.record(staff("ortho.rep@demo.local"), "ortho", customers[1], "late_payment", "逾期")
    assert qualified.downgrade_due_at is None


def test_INC_2_overdue_downgrade_is_escalated_once_not_on_every_run(app):
    customers = vip_customer()
    with time_machine.travel("2027-03-10 06:00:00+00:00", tick=False):
        incident = incidents.record(staff("ortho.rep@demo.local"), "ortho", customers[0], "poor_contract_execution",
                                    "多次延迟交付")
    on_time = incidents.escalate_overdue_downgrades(system_ctx(datetime(2027, 3, 15, 15, 0, tzinfo=UTC)))
    assert on_time.escalated == []
    late = incidents.escalate_overdue_downgrades(system_ctx(datetime(2027, 3, 15, 16, 0, tzinfo=UTC)))
    assert late.escalated == [incident.incident_id]
    again = incidents.escalate_overdue_downgrades(system_ctx(datetime(2027, 3, 16, 16, 0, tzinfo=UTC)))
    assert again.escalated == [] and again.already == 1
    mails = sent("降级逾期")  # INC-2: the department's leader and MD, one mail each, once
    assert sorted(a for m in mails for a in m.destinations["ToAddresses"]) == [
        "md.admin@demo.local", "ortho.leader@demo.local"]


def test_INC_2_a_preferred_or_qualified_incident_makes_no_downgrade_due(app):
    customers = admitted("ortho", 20)
    grading.change(staff(LEADER), "ortho", customers[0], "PREFERRED", "良好")
    rep = "ortho.rep@demo.local"
    with time_machine.travel("2027-03-10 06:00:00+00:00", tick=False):
        preferred = incidents.record(staff(rep), "ortho", customers[0], "late_payment", "逾期 30 天")
        qualified = incidents.record(staff(rep), "ortho", customers[1], "poor_contract_execution", "延迟交付")
    for customer, incident, grade in ((customers[0], preferred, "PREFERRED"), (customers[1], qualified, "QUALIFIED")):
        stored = Incident.get(customer, incident.incident_id)
        assert stored.grade_at_time == grade  # INC-1: recorded all the same
        assert (stored.downgrade_due_at, stored.downgrade_open, stored.downgrade_key) == (None, None, None)
    ten_days_on = datetime(2027, 3, 20, tzinfo=UTC)
    run = incidents.escalate_overdue_downgrades(system_ctx(ten_days_on))
    assert (run.escalated, run.already) == ([], 0)
    assert incidents.overdue_downgrades(Ctx(staff("md.admin@demo.local").actor, ten_days_on)) == []
    assert sent("降级逾期") == []


def test_INC_2_downgrading_the_vip_closes_the_due_downgrade(app):
    customers = vip_customer()
    incident = incidents.record(staff("ortho.rep@demo.local"), "ortho", customers[0], "late_payment", "逾期")
    grading.change(staff(LEADER), "ortho", customers[0], "PREFERRED", "INC-2 降级")
    done = Incident.get(customers[0], incident.incident_id)
    assert done.downgrade_open is None and done.downgraded_at is not None
    far_later = incidents.escalate_overdue_downgrades(system_ctx(datetime(2030, 1, 1, tzinfo=UTC)))
    assert far_later.escalated == []


def test_INC_3_major_loss_goes_to_md_who_may_list_on_the_company_blacklist(app):
    customers = admitted("ortho", 2)
    incident = incidents.record(staff("ortho.clerk@demo.local"), "ortho", customers[0], "major_loss", "造成重大损失")
    assert sent("重大损失报告")
    with pytest.raises(Forbidden):
        incidents.open_reports(staff(LEADER))
    assert [i.incident_id for i in incidents.open_reports(staff("md.admin@demo.local"))] == [incident.incident_id]
    incidents.decide_report(staff("md.admin@demo.local"), customers[0], incident.incident_id, True, "经核实")
    assert any(e.scope == "company" and e.active for e in BlacklistEntry.by_customer.query(customers[0]))
    assert incidents.open_reports(staff("md.admin@demo.local")) == []
    with pytest.raises(Conflict):
        incidents.decide_report(staff("md.admin@demo.local"), customers[0], incident.incident_id, False, "again")


def test_REV_1_and_REV_2_cycle_opens_once_with_a_task_per_admitted_customer(app):
    admitted("ortho", 3)
    admitted("rehab", 2, products=("walker",))
    run = reviews.open_cycle(system_ctx(datetime(2026, 12, 31, 16, 5, tzinfo=UTC)))  # 00:05 on 1 January
    assert (run.cycle_id, run.created, run.already_open) == ("2027H1", 5, False)
    again = reviews.open_cycle(system_ctx(datetime(2026, 12, 31, 17, 0, tzinfo=UTC)))
    assert (again.created, again.already_open) == (0, True)
    assert {t.due_on for t in reviews.tasks(staff(LEADER), "2027H1", "ortho")} == {"2027-01-31"}


def test_REV_3_decision_applies_the_grade_through_the_quota_and_md_sees_progress(app):
    customers = admitted("ortho", 20)
    with time_machine.travel("2027-01-01 01:00:00+00:00", tick=False):
        reviews.open_cycle(system_ctx(utc_now()))
        task = reviews.get_task(staff(LEADER), "2027H1", "ortho", customers[0])
        form = reviews.StageEvaluation("good", "on_time", "good", 0, 92, "VIP", "表现优秀")
        task = reviews.submit(staff("ortho.rep@demo.local"), "2027H1", "ortho", customers[0], form, task.version)
        reviews.decide(staff(LEADER), "2027H1", "ortho", customers[0], "VIP", "评审通过", task.version)
        progress = {p.dept_id: p for p in reviews.progress(staff("md.admin@demo.local"), "2027H1")}
    assert Standing.get("ortho", customers[0]).grade == "VIP"
    assert (progress["ortho"].decided, progress["ortho"].open) == (1, 19)
    assert [p.dept_id for p in reviews.progress(staff(LEADER), "2027H1")] == ["ortho"]


def test_REV_4_an_upgrade_at_review_goes_through_the_quota(app):
    customers = admitted("ortho", 20)  # at most 3 VIP and 6 优选
    leader, rep = staff(LEADER), staff("ortho.rep@demo.local")
    for customer_id in customers[:3]:
        grading.change(leader, "ortho", customer_id, "VIP", "优秀")
    run = reviews.open_cycle(system_ctx(utc_now()))
    target = customers[5]
    task = reviews.get_task(leader, run.cycle_id, "ortho", target)
    form = reviews.StageEvaluation("good", "on_time", "good", 0, 95, "VIP", "全年表现优秀")
    task = reviews.submit(rep, run.cycle_id, "ortho", target, form, task.version)
    with pytest.raises(Conflict) as exc:
        reviews.decide(leader, run.cycle_id, "ortho", target, "VIP", "评审建议升为VIP", task.version)
    assert "3 of 3 places taken, 0 left" in str(exc.value.message)
    assert Standing.get("ortho", target).grade == "QUALIFIED"
    assert reviews.get_task(leader, run.cycle_id, "ortho", target).status == "submitted"  # still to decide
    assert grading.quota(leader, "ortho").counts.vip == 3
    done = reviews.decide(leader, run.cycle_id, "ortho", target, "PREFERRED", "VIP名额已满，升为优选", task.version)
    assert done.status == "decided" and done.decided_grade == "PREFERRED"
    assert Standing.get("ortho", target).grade == "PREFERRED"
    [change] = [c for c in grading.history(leader, target, "ortho") if c.kind == "change"]
    assert (change.from_grade, change.to_grade) == ("QUALIFIED", "PREFERRED") and run.cycle_id in change.reason
    assert grading.quota(leader, "ortho").counts.preferred == 1


def test_REV_2_overdue_reviews_are_escalated_once(app):
    admitted("ortho", 2)
    with time_machine.travel("2027-07-01 01:00:00+00:00", tick=False):
        reviews.open_cycle(system_ctx(utc_now()))
    assert reviews.escalate_overdue(system_ctx(datetime(2027, 7, 31, 1, tzinfo=UTC))) == []
    first = reviews.escalate_overdue(system_ctx(datetime(2027, 8, 1, 1, tzinfo=UTC)))
    assert len(first) == 2
    assert reviews.escalate_overdue(system_ctx(datetime(2027, 8, 2, 1, tzinfo=UTC))) == []
    assert len(sent("评审逾期")) == 2  # ortho's leader and MD, once


def test_functions_run_from_the_shell_against_the_configured_endpoint():
    """`python -m functions.<name> --now …` with the environment `make run` prints."""
    from portal.local import start_backend

    stack = start_backend(moto_port=5397, portal_url="http://127.0.0.1:5396", env="test", demo_customers=True)
    try:
        env = {**os.environ, **stack.environment}
        command = [sys.executable, "-m", "functions.open_review_cycle", "--now", "2027-01-01T00:05:00+08:00"]
        out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        assert result["cycle"] == "2027H1" and result["created"] == 15 and not result["already_open"]
        out = subprocess.run([sys.executable, "-m", "functions.expire_blacklist", "--now", "2027-07-15T00:01:00+08:00"],
                             capture_output=True, text=True, env=env, timeout=60)
        assert out.returncode == 0 and json.loads(out.stdout)["day"] == "2027-07-15"
    finally:
        stack.stop()


def test_a_whole_year_with_a_travelling_clock(app):
    """Cycles open, reviews are done or escalated, a VIP is downgraded after an incident, a customer is
    blacklisted, expires and re-enters as 合格."""
    admitted("ortho", 19)
    buyer, ctx = register(name="全年客户有限公司")
    all_required_documents(ctx)

    def at(iso):
        return time_machine.travel(iso, tick=False)

    with at("2027-01-01 00:30:00+08:00"):
        app_ = applications.submit(Ctx(ctx.actor, utc_now(), ctx.ip), "ortho", ["bone-plate"])
        app_ = review_to_admission(app_)
        applications.decide(staff(LEADER), app_.app_id, True, "准入", app_.version)
        assert reviews.open_cycle(system_ctx(utc_now())).cycle_id == "2027H1"
    with at("2027-01-10 10:00:00+08:00"):
        task = reviews.get_task(staff(LEADER), "2027H1", "ortho", buyer.customer_id)
        task = reviews.submit(staff("ortho.rep@demo.local"), "2027H1", "ortho", buyer.customer_id,
                              reviews.StageEvaluation("good", "on_time", "good", 0, 95, "VIP"), task.version)
        reviews.decide(staff(LEADER), "2027H1", "ortho", buyer.customer_id, "VIP", "年度优秀", task.version)
    with at("2027-02-01 09:00:00+08:00"):
        escalated = reviews.escalate_overdue(system_ctx(utc_now()))
        assert len(escalated) == 19  # the others were not reviewed in time
    with at("2027-03-10 14:00:00+08:00"):
        incidents.record(staff("ortho.clerk@demo.local"), "ortho", buyer.customer_id, "late_payment", "逾期回款")
    with at("2027-03-13 10:00:00+08:00"):
        grading.change(staff(LEADER), "ortho", buyer.customer_id, "PREFERRED", "INC-2 事件后降级")
    with at("2027-03-20 10:00:00+08:00"):
        assert incidents.escalate_overdue_downgrades(system_ctx(utc_now())).escalated == []
    with at("2027-04-01 10:00:00+08:00"):
        entry = blacklist.list_customer(staff(LEADER), buyer.customer_id, "ortho", "再次严重违约")
        assert entry.expires_on == "2027-10-01"
        assert Standing.count("ortho", Standing.customer_id == buyer.customer_id) == 0
    with at("2027-07-01 00:05:00+08:00"):
        h2 = reviews.open_cycle(system_ctx(utc_now()))
        assert h2.cycle_id == "2027H2" and h2.created == 19  # the listed customer has no standing to review
    with at("2027-09-30 23:59:00+08:00"):
        assert blacklist.expire_due(system_ctx(utc_now())).expired == []
    with at("2027-10-01 00:01:00+08:00"):
        assert blacklist.expire_due(system_ctx(utc_now())).expired == [entry.entry_id]
    with at("2027-10-08 10:00:00+08:00"):
        again = applications.submit(Ctx(ctx.actor, utc_now(), ctx.ip), "ortho", ["bone-plate"], requested_grade="VIP")
        again = review_to_admission(again)
        again = applications.decide(staff(LEADER), again.app_id, True, "情况已重大变化", again.version)
        applications.approve_reentry(staff("leader@demo.local"), again.app_id, "同意重新准入", again.version)
    assert Standing.get("ortho", buyer.customer_id).grade == "QUALIFIED"
    timeline = [c.kind for c in grading.history(staff(LEADER), buyer.customer_id)]
    assert timeline.count("change") == 2 and "left" in timeline
    assert ReviewTask.get("2027H1", f"ortho#{buyer.customer_id}").decided_grade == "VIP"
