"""INC-1…3 on the in-memory store: incidents per department, the VIP's due downgrade and its escalation, major
losses reported to MD."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from portal.adapters.repos.dynamics import BlacklistEntries, Incidents
from portal.services import blacklist, grading, incidents
from portal.services.context import system_ctx
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.unit.services.dynamics_world import (
    LEADER,
    MD,
    admitted,
    audit_of,
    stand_counted,
    vip_customers,
    writes_during,
)
from tests.unit.services.dynamics_world import customer as new_customer

MARCH_10 = datetime(2027, 3, 10, 6, tzinfo=UTC)  # 14:00 in Shanghai


def at(world, moment):
    return system_ctx(moment, store=world.store)


def test_INC_1_an_incident_is_recorded_against_the_customer_in_a_department(fake):
    customer, other = admitted("ortho", 2, store=fake.store)
    clerk = "ortho.clerk@demo.local"
    incident = incidents.record(fake.ctx(clerk, now=MARCH_10), "ortho", customer, "operating_crisis",
                                "  资金链紧张，停业整顿  ")
    stored = fake.repo(Incidents).get(customer, incident.incident_id)
    assert (stored.dept_id, stored.kind, stored.description, stored.recorded_by, stored.at, stored.grade_at_time) == (
        "ortho", "operating_crisis", "资金链紧张，停业整顿", clerk, MARCH_10, "QUALIFIED")
    [event] = audit_of(fake, "2027-03-10", "incident.recorded")
    assert (event["actor_email"], event["target_id"], event["dept_id"]) == (clerk, customer, "ortho")
    assert json.loads(event["detail"])["incident"] == incident.incident_id
    # the department's staff and MD see it; another department does not, and cannot record one here
    assert [i.incident_id for i in incidents.of_customer(fake.ctx(LEADER), customer)] == [incident.incident_id]
    assert [i.incident_id for i in incidents.of_customer(fake.ctx(MD), customer)] == [incident.incident_id]
    assert incidents.of_customer(fake.ctx("rehab.leader@demo.local"), customer) == []
    with pytest.raises(Forbidden):
        incidents.record(fake.ctx("rehab.rep@demo.local"), "ortho", other, "late_payment", "越权")
    with pytest.raises(NotFound):  # only against a customer of the department
        incidents.record(fake.ctx(clerk), "ortho", "no-such-customer", "late_payment", "x")
    for kind, description, field in (("weather", "暴雨", "kind"), ("late_payment", "  ", "description")):
        with pytest.raises(Invalid) as exc:
            incidents.record(fake.ctx(clerk), "ortho", other, kind, description)
        assert set(exc.value.fields) == {field}
    assert fake.repo(Incidents).of_customer(other) == []


def test_INC_1_incidents_are_internal_customers_never_see_them(fake):
    customer_id, email = new_customer(fake)
    stand_counted(customer_id, "客户", "ortho", store=fake.store)
    incidents.record(fake.ctx(LEADER), "ortho", customer_id, "late_payment", "逾期")
    assert incidents.of_customer(fake.ctx(email), customer_id) == []


def test_INC_2_vip_incident_makes_a_downgrade_due_in_five_days(fake):
    customers = vip_customers(fake)
    incident = incidents.record(fake.ctx("ortho.rep@demo.local", now=MARCH_10), "ortho", customers[0],
                                "late_payment", "逾期 90 天")
    assert incident.downgrade_due_at == datetime(2027, 3, 15, 15, 59, 59, tzinfo=UTC)  # 23:59:59 Shanghai
    qualified = incidents.record(fake.ctx("ortho.rep@demo.local"), "ortho", customers[1], "late_payment", "逾期")
    assert qualified.downgrade_due_at is None


def test_INC_2_overdue_downgrade_is_escalated_once_not_on_every_run(fake):
    customers = vip_customers(fake)
    incident = incidents.record(fake.ctx("ortho.rep@demo.local", now=MARCH_10), "ortho", customers[0],
                                "poor_contract_execution", "多次延迟交付")
    on_time = incidents.escalate_overdue_downgrades(at(fake, datetime(2027, 3, 15, 15, 0, tzinfo=UTC)))
    assert on_time.escalated == []
    late = incidents.escalate_overdue_downgrades(at(fake, datetime(2027, 3, 15, 16, 0, tzinfo=UTC)))
    assert late.escalated == [incident.incident_id]
    assert incidents.overdue_downgrades(fake.ctx(MD, now=datetime(2027, 3, 16, tzinfo=UTC)))[0].escalated_at
    later = at(fake, datetime(2027, 3, 16, 16, 0, tzinfo=UTC))
    assert writes_during(fake, lambda: incidents.escalate_overdue_downgrades(later)) == []  # DESIGN rule 7
    again = incidents.escalate_overdue_downgrades(later)
    assert again.escalated == [] and again.already == 1
    mails = fake.mails("降级逾期")  # INC-2: the department's leader and MD, one mail each, once
    assert sorted(m[0] for m in mails) == [MD, LEADER]
    [event] = audit_of(fake, "2027-03-16", "incident.downgrade_escalated")
    assert event["target_id"] == customers[0]


def test_INC_2_a_preferred_or_qualified_incident_makes_no_downgrade_due(fake):
    customers = admitted("ortho", 20, store=fake.store)
    grading.change(fake.ctx(LEADER), "ortho", customers[0], "PREFERRED", "良好",
                   no_evaluation_reason="测试准备：不经评价直接调整")
    rep = fake.ctx("ortho.rep@demo.local", now=MARCH_10)
    preferred = incidents.record(rep, "ortho", customers[0], "late_payment", "逾期 30 天")
    qualified = incidents.record(rep, "ortho", customers[1], "poor_contract_execution", "延迟交付")
    for customer, incident, grade in ((customers[0], preferred, "PREFERRED"), (customers[1], qualified, "QUALIFIED")):
        stored = fake.repo(Incidents).get(customer, incident.incident_id)
        assert stored.grade_at_time == grade  # INC-1: recorded all the same
        assert (stored.downgrade_due_at, stored.downgrade_open, stored.downgrade_key) == (None, None, None)
    ten_days_on = datetime(2027, 3, 20, tzinfo=UTC)
    run = incidents.escalate_overdue_downgrades(at(fake, ten_days_on))
    assert (run.escalated, run.already) == ([], 0)
    assert incidents.overdue_downgrades(fake.ctx(MD, now=ten_days_on)) == []
    assert fake.mails("降级逾期") == []


def test_INC_2_downgrading_the_vip_closes_the_due_downgrade(fake):
    customers = vip_customers(fake)
    incident = incidents.record(fake.ctx("ortho.rep@demo.local"), "ortho", customers[0], "late_payment", "逾期")
    month_later = fake.now + timedelta(days=30)  # the downgrade fell due 5 days after the incident (INC-2)
    assert [i.incident_id for i in incidents.overdue_downgrades(fake.ctx(LEADER, now=month_later))] == [
        incident.incident_id]
    grading.change(fake.ctx(LEADER), "ortho", customers[0], "PREFERRED", "INC-2 降级",
                   no_evaluation_reason="测试准备：不经评价直接调整")
    done = fake.repo(Incidents).get(customers[0], incident.incident_id)
    assert done.downgrade_open is None and done.downgraded_at is not None
    far_later = incidents.escalate_overdue_downgrades(at(fake, month_later))
    assert far_later.escalated == []


def test_INC_2_a_department_sees_only_its_own_overdue_downgrades(fake):
    customers = vip_customers(fake)
    incidents.record(fake.ctx(LEADER, now=MARCH_10), "ortho", customers[0], "late_payment", "逾期")
    later = datetime(2027, 4, 1, tzinfo=UTC)
    assert len(incidents.overdue_downgrades(fake.ctx(LEADER, now=later))) == 1
    assert incidents.overdue_downgrades(fake.ctx("rehab.leader@demo.local", now=later)) == []


def test_INC_3_major_loss_goes_to_md_who_may_list_on_the_company_blacklist(fake):
    customers = admitted("ortho", 2, store=fake.store)
    incident = incidents.record(fake.ctx("ortho.clerk@demo.local"), "ortho", customers[0], "major_loss", "造成重大损失")
    assert [m[0] for m in fake.mails("重大损失报告")] == [MD]
    with pytest.raises(Forbidden):
        incidents.open_reports(fake.ctx(LEADER))
    md = fake.ctx(MD)
    assert [i.incident_id for i in incidents.open_reports(md)] == [incident.incident_id]
    with pytest.raises(Invalid):
        incidents.decide_report(md, customers[0], incident.incident_id, True, " ")
    incidents.decide_report(md, customers[0], incident.incident_id, True, "经核实")
    assert any(e.scope == "company" and e.active for e in fake.repo(BlacklistEntries).of_customer(customers[0]))
    assert fake.repo(Incidents).get(customers[0], incident.incident_id).md_decision == "listed: 经核实"
    assert incidents.open_reports(md) == []
    with pytest.raises(Conflict):
        incidents.decide_report(md, customers[0], incident.incident_id, False, "again")
    with pytest.raises(NotFound):
        incidents.decide_report(md, customers[0], "no-such-incident", False, "x")


def test_INC_3_md_may_close_a_report_without_listing(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    incident = incidents.record(fake.ctx(LEADER), "ortho", customer, "major_loss", "损失")
    incidents.decide_report(fake.ctx(MD), customer, incident.incident_id, False, "未造成重大损失")
    assert fake.repo(Incidents).get(customer, incident.incident_id).md_decision == "closed: 未造成重大损失"
    assert fake.repo(BlacklistEntries).of_customer(customer) == []


def test_INC_3_a_report_on_a_customer_listed_already_stays_open(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    incident = incidents.record(fake.ctx(LEADER), "ortho", customer, "major_loss", "损失")
    blacklist.list_customer(fake.ctx(MD), customer, "company", "另案")
    with pytest.raises(Conflict):
        incidents.decide_report(fake.ctx(MD), customer, incident.incident_id, True, "经核实")
    assert [i.incident_id for i in incidents.open_reports(fake.ctx(MD))] == [incident.incident_id]
