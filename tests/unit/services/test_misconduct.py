"""RGT-1 c on the in-memory store: misconduct reports are MD's only; the reporter never reaches a department."""

import pytest

from portal.adapters import records
from portal.adapters.repos.dynamics import Incidents, MisconductReports
from portal.services import misconduct
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.unit.services.dynamics_world import MD, audit_of, credit_code_of, customer, put, today


def reported_vip(world):
    """A customer standing as VIP in ortho (as written by an admission and a promotion)."""
    customer_id, _ = customer(world, name="可疑经销商有限公司")
    put(world, records.Standing(dept_id="ortho", customer_id=customer_id, customer_name="可疑经销商有限公司",
                                grade="VIP", dept_grade="ortho#VIP", products={"bone-plate"},
                                admitted_at=world.now, version=1))
    return customer_id


def test_RGT_1_c_only_md_reads_reports_and_the_incident_names_no_reporter(fake):
    reported = reported_vip(fake)
    _, reporter = customer(fake, name="举报人有限公司", email="whistle@kangjian.cn")
    code = credit_code_of(fake, reported)
    report = misconduct.submit(fake.ctx(reporter), "可疑经销商有限公司", code, "串货并伪造发票")
    for email in ("ortho.leader@demo.local", "ortho.rep@demo.local", "leader@demo.local"):
        with pytest.raises(Forbidden):
            misconduct.open_reports(fake.ctx(email))
        with pytest.raises(Forbidden):
            misconduct.get(fake.ctx(email), report.report_id)
    with pytest.raises(Forbidden):
        misconduct.submit(fake.ctx("ortho.rep@demo.local"), "x", None, "y")
    md = fake.ctx(MD)
    assert [r.report_id for r in misconduct.open_reports(md)] == [report.report_id]
    assert misconduct.get(md, report.report_id).reporter_user == "whistle@kangjian.cn"
    incident = misconduct.to_incident(md, report.report_id, "ortho", "poor_contract_execution")
    stored = fake.repo(Incidents).get(reported, incident.incident_id)
    assert "串货并伪造发票" in stored.description
    assert "举报人" not in stored.description and "whistle" not in stored.description
    assert stored.recorded_by == MD and stored.downgrade_due_at is not None  # VIP in ortho: INC-2 applies
    with pytest.raises(Conflict):
        misconduct.to_incident(md, report.report_id, "ortho", "late_payment")
    assert misconduct.open_reports(md) == []
    assert fake.repo(MisconductReports).find(report.report_id).outcome == "incident in ortho"
    [event] = [e for e in audit_of(fake, today(fake), "misconduct.to_incident")]
    assert event["target_id"] == reported and "whistle" not in str(event["detail"])


def test_RGT_1_c_a_report_is_checked_and_a_failed_incident_leaves_it_open(fake):
    reported = reported_vip(fake)
    _, reporter = customer(fake)
    with pytest.raises(Invalid) as exc:
        misconduct.submit(fake.ctx(reporter), " ", None, " ")
    assert set(exc.value.fields) == {"subject_name", "description"}
    report = misconduct.submit(fake.ctx(reporter), "可疑经销商", credit_code_of(fake, reported).lower(), "伪造发票")
    md = fake.ctx(MD)
    with pytest.raises(Invalid) as exc:  # not a customer of rehab
        misconduct.to_incident(md, report.report_id, "rehab", "late_payment")
    assert "dept_id" in exc.value.fields
    with pytest.raises(Invalid):  # an unknown kind: nothing is written, the report stays open
        misconduct.to_incident(md, report.report_id, "ortho", "weather")
    assert [r.report_id for r in misconduct.open_reports(md)] == [report.report_id]
    assert fake.repo(Incidents).of_customer(reported) == []
    with pytest.raises(NotFound):
        misconduct.get(md, "no-such-report")


def test_RGT_1_c_a_report_without_a_credit_code_cannot_become_an_incident(fake):
    reported_vip(fake)
    _, reporter = customer(fake)
    report = misconduct.submit(fake.ctx(reporter), "某公司", None, "串货")
    with pytest.raises(Invalid):
        misconduct.to_incident(fake.ctx(MD), report.report_id, "ortho", "late_payment")

