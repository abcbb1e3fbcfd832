"""CMP-3 / REL-5 / SEC-1 on the in-memory store: ticket reports by kind, category and channel, SLA hit rate,
satisfaction and repeat complainers, for the department's own staff and MD."""

from datetime import timedelta

import pytest

from portal.services import ticket_reports, tickets
from portal.services.errors import Forbidden
from tests.unit.services.ticket_world import customer

MD, LEADER, REP = "md.admin@demo.local", "ortho.leader@demo.local", "ortho.rep@demo.local"


def test_REL_5_CMP_3_report_counts_kinds_hit_rate_satisfaction_and_repeat_complainers(fake):
    repeat_id, repeat = customer(fake, name="重复投诉有限公司")
    _o, once = customer(fake, name="偶尔投诉有限公司")
    first = tickets.file(repeat, "ortho", "complaint", "第一次", "质量问题", category="产品质量 | Product quality")
    tickets.file(fake.later(repeat, seconds=1), "ortho", "complaint", "第二次", "又有问题")
    tickets.file(once, "ortho", "service", "维修", "故障")
    tickets.file(fake.ctx("ortho.clerk@demo.local"), "ortho", "complaint", "电话投诉", "x", customer_id=repeat_id,
                 channel="hotline")
    tickets.file(fake.later(once, seconds=2), "company", "complaint", "销售过程", "x")
    tickets.advance(fake.ctx(REP), first.ticket_id, "resolved", "已更换")
    tickets.close(fake.later(repeat, seconds=3), first.ticket_id, 4, None)

    report = ticket_reports.build(fake.ctx(LEADER), "ortho", days=30)
    assert report.total == 4
    assert dict(report.by_kind) == {"complaint": 3, "service": 1}
    assert dict(report.by_channel) == {"portal": 3, "hotline": 1}
    assert report.by_category["产品质量 | Product quality"] == 1 and report.by_category["—"] == 3
    assert (report.resolved, report.sla_hit_rate, report.satisfaction) == (1, 100.0, 4.0)
    assert report.repeat_complainers == [("重复投诉有限公司", 3)]
    rows = ticket_reports.csv_rows(report)
    assert ["repeat_complainer", "重复投诉有限公司", 3] in rows and ["by_kind", "complaint", 3] in rows

    everything = ticket_reports.build(fake.ctx(MD), None, days=30)  # MD: every sales department and the company
    assert everything.total == 5 and everything.by_kind["complaint"] == 4
    assert ticket_reports.build(fake.ctx(LEADER), None, days=30).total == 4  # a leader: its own department
    later = fake.later(fake.ctx(LEADER), days=31)
    assert ticket_reports.build(later, "ortho", days=30).total == 0  # the period moves with the clock
    assert ticket_reports.build(later, "ortho", days=32).total == 4


def test_SEC_1_reports_of_other_departments_and_the_company_are_refused(fake):
    with pytest.raises(Forbidden):
        ticket_reports.build(fake.ctx(LEADER), "company")
    with pytest.raises(Forbidden):
        ticket_reports.build(fake.ctx("rehab.leader@demo.local"), "ortho")
    assert ticket_reports.build(fake.ctx(MD), "company", days=1).total == 0
    assert ticket_reports.build(fake.ctx(REP), "ortho", days=1).since == fake.now - timedelta(days=1)
