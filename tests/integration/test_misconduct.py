"""RGT-1 c: misconduct reports are MD's only; the reporter never reaches a department."""

import pytest

from portal.adapters.tables import Incident
from portal.services import misconduct
from portal.services.errors import Conflict, Forbidden
from tests.conftest import staff_ctx as staff
from tests.factories import register, stand


def test_RGT_1_c_only_md_reads_reports_and_the_incident_names_no_reporter(app):
    reported, _ = register(name="可疑经销商有限公司")
    stand(reported, "ortho", "VIP")
    reporter, reporter_ctx = register(name="举报人有限公司", email="whistle@kangjian.cn")
    report = misconduct.submit(reporter_ctx, reported.name, reported.credit_code, "串货并伪造发票")
    for email in ("ortho.leader@demo.local", "ortho.rep@demo.local", "leader@demo.local"):
        with pytest.raises(Forbidden):
            misconduct.open_reports(staff(email))
    with pytest.raises(Forbidden):
        misconduct.submit(staff("ortho.rep@demo.local"), "x", None, "y")
    md = staff("md.admin@demo.local")
    assert [r.report_id for r in misconduct.open_reports(md)] == [report.report_id]
    incident = misconduct.to_incident(md, report.report_id, "ortho", "poor_contract_execution")
    stored = Incident.get(reported.customer_id, incident.incident_id)
    assert "串货并伪造发票" in stored.description
    assert "举报人" not in stored.description and "whistle" not in stored.description
    assert stored.downgrade_due_at is not None  # the reported customer is VIP in ortho: INC-2 applies
    with pytest.raises(Conflict):
        misconduct.to_incident(md, report.report_id, "ortho", "late_payment")
    assert misconduct.open_reports(md) == []
