"""CMP-2 / CMP-3 on the in-memory store: SLA clocks on China's working days, escalation once per breach,
auto-close, and the categories and times a department sets."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from portal.adapters.repos.tickets import TicketEvents, Tickets
from portal.services import tickets
from portal.services.context import system_ctx
from portal.services.errors import Conflict, Forbidden, Invalid
from tests.unit.services.ticket_world import customer

MD, LEADER, REP = "md.admin@demo.local", "ortho.leader@demo.local", "ortho.rep@demo.local"


def at(ctx, when: datetime):
    """The same person at another moment."""
    return replace(ctx, now=when)


def steps(fake, ticket_id):
    return [e.status for e in fake.repo(TicketEvents).timeline(ticket_id) if e.kind == "status"]


def test_CMP_3_escalation_once_per_breach_and_auto_close(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(at(ctx, datetime(2026, 11, 27, 2, tzinfo=UTC)), "ortho", "complaint", "无人回复",
                          "内容")  # Friday 10:00 in Shanghai
    assert ticket.first_response_due == datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC)  # Monday's end
    job = lambda *when: tickets.escalate_and_autoclose(system_ctx(datetime(*when, tzinfo=UTC), store=fake.store))  # noqa: E731
    assert job(2026, 11, 30, 15).escalated == []  # not yet due
    assert job(2026, 11, 30, 16).escalated == [f"{ticket.ticket_id}:first_response"]
    assert job(2026, 11, 30, 17).escalated == []
    assert job(2026, 12, 10).escalated == [f"{ticket.ticket_id}:resolution"]
    assert job(2026, 12, 11).escalated == []
    sent = fake.mails("工单逾期")
    assert [to for to, _s, _b in sent] == [LEADER, LEADER]
    # issue 16: the breach is named in the reader's language (no raw code), in the mail's text
    assert "首次响应的期限" in sent[0][2] and "解决的期限" in sent[1][2]
    assert "/staff/tickets/" in sent[0][2]
    assert fake.repo(Tickets).get(ticket.ticket_id).breaches == {"first_response", "resolution"}
    assert [t.ticket_id for t in tickets.overdue(fake.ctx(MD))] == [ticket.ticket_id]
    assert [t.ticket_id for t in tickets.overdue(fake.ctx(REP))] == [ticket.ticket_id]
    assert tickets.overdue(fake.ctx("rehab.rep@demo.local")) == []
    tickets.advance(at(fake.ctx(REP), datetime(2026, 12, 11, 2, tzinfo=UTC)), ticket.ticket_id, "resolved", "已处理")
    assert job(2026, 12, 17).auto_closed == []  # 7 days after resolving: not before the 18th, 02:00
    closed = job(2026, 12, 19)
    assert closed.auto_closed == [ticket.ticket_id] and fake.repo(Tickets).get(ticket.ticket_id).status == "closed"
    assert job(2026, 12, 20) == tickets.SlaRun([], [])  # a second run changes nothing
    assert steps(fake, ticket.ticket_id) == ["submitted", "overdue:first_response", "overdue:resolution",
                                             "resolved", "closed"]


def test_CMP_3_company_tickets_escalate_to_md(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(at(ctx, datetime(2026, 11, 27, 2, tzinfo=UTC)), "company", "complaint", "销售过程",
                          "内容")
    run = tickets.escalate_and_autoclose(system_ctx(datetime(2026, 12, 1, tzinfo=UTC), store=fake.store))
    assert run.escalated == [f"{ticket.ticket_id}:first_response"]
    assert [to for to, _s, _b in fake.mails("工单逾期")] == [MD]


def test_CMP_2_a_ticket_filed_on_the_eve_of_national_day_is_due_after_the_holiday(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(at(ctx, datetime(2026, 9, 30, 2, tzinfo=UTC)), "ortho", "complaint", "节前投诉", "内容")
    # 1 working day: 1–7 October are off, so the 8th's end (Shanghai); 5 working days: 8, 9, Saturday 10 (调休),
    # 12 and 13 October
    assert ticket.first_response_due == datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)
    assert ticket.resolution_due == datetime(2026, 10, 13, 15, 59, 59, tzinfo=UTC)
    run = tickets.escalate_and_autoclose(system_ctx(datetime(2026, 10, 7, 15, tzinfo=UTC), store=fake.store))
    assert run.escalated == []


def test_CMP_2_leader_sets_categories_and_times_and_a_stale_form_loses(fake):
    leader = fake.ctx(LEADER)
    record, _sla = tickets.sla_of("ortho", fake.uow())
    with pytest.raises(Invalid) as exc:
        tickets.save_sla(leader, "ortho", categories=["质量", "质量"], responsible_role="boss", first_response_days=3,
                         resolution_days=2, vip_first_response_days=None, vip_resolution_days=None,
                         autoclose_days=7, version=record.version)
    assert set(exc.value.fields) == {"categories", "responsible_role", "resolution_days"}
    saved = tickets.save_sla(leader, "ortho", categories=["产品质量", " 交货延迟 ", ""], responsible_role="rep",
                             first_response_days=2, resolution_days=4, vip_first_response_days=0,
                             vip_resolution_days=2, autoclose_days=7, version=record.version)
    assert saved.version == record.version + 1
    assert tickets.categories_of("ortho", fake.uow()) == ["产品质量", "交货延迟"]
    with pytest.raises(Conflict):
        tickets.save_sla(leader, "ortho", categories=["旧"], responsible_role="rep", first_response_days=1,
                         resolution_days=4, vip_first_response_days=None, vip_resolution_days=None,
                         autoclose_days=7, version=record.version)
    for who, scope in ((LEADER, "company"), ("rehab.leader@demo.local", "ortho"), (REP, "ortho")):
        with pytest.raises(Forbidden):
            tickets.save_sla(fake.ctx(who), scope, categories=[], responsible_role="rep", first_response_days=1,
                             resolution_days=4, vip_first_response_days=None, vip_resolution_days=None,
                             autoclose_days=7, version=None)
    _c, ctx = customer(fake)
    with pytest.raises(Invalid) as exc:
        tickets.file(ctx, "ortho", "complaint", "延迟", "x", category="旧")
    assert "category" in exc.value.fields
    ticket = tickets.file(at(ctx, datetime(2026, 11, 27, 2, tzinfo=UTC)), "ortho", "complaint", "延迟", "x",
                          category="交货延迟")
    assert ticket.category == "交货延迟"
    assert ticket.first_response_due == datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC)  # 2 working days now


def test_CMP_2_a_department_without_its_own_setting_uses_the_company_default(fake):
    md = fake.ctx(MD)
    company, _sla = tickets.sla_of("company", fake.uow())
    tickets.save_sla(md, "company", categories=["公司类别"], responsible_role="md", first_response_days=3,
                     resolution_days=9, vip_first_response_days=None, vip_resolution_days=None, autoclose_days=5,
                     version=company.version)
    record, sla = tickets.sla_of("new-dept", fake.uow())
    assert (record.scope, sla.first_response_days, sla.resolution_days) == ("company", 3, 9)
    assert sla.for_grade(None) == (3, 9)


def test_CMP_3_the_overdue_list_is_one_query_for_every_scope(fake):
    md = fake.ctx(MD)
    fake.store.calls.clear()
    assert tickets.overdue(md) == []
    assert fake.store.calls == ["Query"]  # the sparse `overdue` index holds every scope's overdue tickets
