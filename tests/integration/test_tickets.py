"""CMP-1…3, RGT-1 b, RGT-2, SEC-1 on moto: filing, the graded queue, the lifecycle, rating, escalation."""

from datetime import UTC, datetime

import pytest
import time_machine

from portal.adapters.clock import utc_now
from portal.adapters.tables import Standing, Ticket
from portal.services import grading, tickets
from portal.services.context import Ctx, system_ctx
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import staff_ctx as staff
from tests.factories import admitted, customer_ctx, register, stand


def fresh(ctx):
    """The customer's context at the current moment (a request's clock)."""
    return Ctx(ctx.actor, utc_now(), ctx.ip)


def admitted_customer(dept="ortho", grade=None):
    customer, ctx = register()
    stand(customer, dept, grade or "QUALIFIED")
    return customer, ctx


def test_CMP_1_customer_files_to_a_department_it_deals_with_only(app):
    customer, ctx = admitted_customer()
    ticket = tickets.file(ctx, "ortho", "complaint", "交货延迟", "订单延迟两周")
    assert (ticket.status, ticket.channel, ticket.customer_id) == ("submitted", "portal", customer.customer_id)
    with pytest.raises(Invalid) as exc:
        tickets.file(ctx, "rehab", "service", "x", "y")
    assert "dept_id" in exc.value.fields


def test_RGT_1_b_complaint_to_the_company_about_a_department(app):
    _customer, ctx = admitted_customer()
    ticket = tickets.file(ctx, "company", "complaint", "对销售过程有异议", "业务员承诺未兑现")
    assert [t.ticket_id for t in tickets.queue(staff("md.admin@demo.local"), "company")] == [ticket.ticket_id]
    with pytest.raises(Forbidden):
        tickets.get(staff("ortho.leader@demo.local"), ticket.ticket_id)


def test_CMP_1_staff_enter_offline_tickets_with_their_channel(app):
    customer, _ctx = admitted_customer()
    ticket = tickets.file(staff("ortho.clerk@demo.local"), "ortho", "service", "电话报修", "设备故障",
                          customer_id=customer.customer_id, channel="hotline")
    assert ticket.channel == "hotline" and ticket.created_by == "ortho.clerk@demo.local"
    with pytest.raises(Invalid):
        tickets.file(staff("ortho.clerk@demo.local"), "ortho", "service", "x", "y",
                     customer_id=customer.customer_id, channel="portal")


def test_empty_or_huge_description_gets_a_clear_error(app):
    _customer, ctx = admitted_customer()
    for text in ("", "字" * 50_000):
        with pytest.raises(Invalid) as exc:
            tickets.file(ctx, "ortho", "complaint", "主题", text)
        assert "description" in exc.value.fields


def test_RGT_2_vip_ticket_sits_above_a_qualified_one(app):
    _q, qualified = admitted_customer()
    _v, vip = admitted_customer(grade="VIP")
    first = tickets.file(qualified, "ortho", "service", "合格客户", "先提交")
    second = tickets.file(vip, "ortho", "service", "VIP 客户", "后提交")
    queue = tickets.queue(staff("ortho.rep@demo.local"), "ortho")
    assert [t.ticket_id for t in queue] == [second.ticket_id, first.ticket_id]
    assert second.resolution_due < first.resolution_due  # shorter SLA for VIP


def test_SEC_1_other_customers_and_departments_are_kept_out(app):
    _a, ctx_a = admitted_customer()
    _b, ctx_b = admitted_customer()
    ticket = tickets.file(ctx_a, "ortho", "complaint", "A 的投诉", "内容")
    with pytest.raises(NotFound):
        tickets.get(ctx_b, ticket.ticket_id)
    with pytest.raises(Forbidden):
        tickets.advance(staff("rehab.leader@demo.local"), ticket.ticket_id, "acknowledged", None)
    with pytest.raises(Forbidden):
        tickets.reply(staff("rehab.rep@demo.local"), ticket.ticket_id, "越权回复")


def test_CMP_3_lifecycle_rating_and_closing_twice(app):
    _c, ctx = admitted_customer()
    ticket = tickets.file(ctx, "ortho", "service", "维修", "需要上门")
    rep = staff("ortho.rep@demo.local")
    tickets.advance(rep, ticket.ticket_id, "acknowledged", "已收到")
    with pytest.raises(Invalid):
        tickets.advance(rep, ticket.ticket_id, "resolved", "")
    tickets.advance(rep, ticket.ticket_id, "resolved", "已上门维修")
    with pytest.raises(Invalid):
        tickets.close(ctx, ticket.ticket_id, 0, None)
    with pytest.raises(Invalid):
        tickets.close(ctx, ticket.ticket_id, 6, None)
    closed = tickets.close(fresh(ctx), ticket.ticket_id, 5, "很满意")
    assert (closed.status, closed.rating) == ("closed", 5)
    with pytest.raises(Conflict):
        tickets.close(ctx, ticket.ticket_id, 4, None)
    steps = [e.status for e in tickets.timeline(ctx, closed) if e.kind == "status"]
    assert steps == ["submitted", "acknowledged", "resolved", "closed"]


def test_reopen_puts_it_back_in_the_queue(app):
    _c, ctx = admitted_customer()
    ticket = tickets.file(ctx, "ortho", "dispute", "结算争议", "金额不符")
    tickets.advance(staff("ortho.leader@demo.local"), ticket.ticket_id, "resolved", "已核对")
    tickets.reopen(fresh(ctx), ticket.ticket_id, "仍不一致")
    assert [t.ticket_id for t in tickets.queue(staff("ortho.rep@demo.local"), "ortho")] == [ticket.ticket_id]


def test_CMP_3_escalation_once_per_breach_and_auto_close(app):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    _c, ctx = admitted_customer()
    with time_machine.travel("2026-11-27 02:00:00+00:00", tick=False):  # Friday 10:00 in Shanghai
        ctx = customer_ctx(ctx.actor.user_id)
        ticket = tickets.file(ctx, "ortho", "complaint", "无人回复", "内容")
    assert ticket.first_response_due == datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC)  # Monday's end
    first = tickets.escalate_and_autoclose(system_ctx(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)))
    assert first.escalated == [f"{ticket.ticket_id}:first_response"]
    again = tickets.escalate_and_autoclose(system_ctx(datetime(2026, 11, 30, 17, 0, tzinfo=UTC)))
    assert again.escalated == []
    late = tickets.escalate_and_autoclose(system_ctx(datetime(2026, 12, 10, tzinfo=UTC)))
    assert late.escalated == [f"{ticket.ticket_id}:resolution"]
    assert tickets.escalate_and_autoclose(system_ctx(datetime(2026, 12, 11, tzinfo=UTC))).escalated == []
    sent = [m for m in ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages if "工单逾期" in m.subject]
    assert len(sent) == 2
    assert [t.ticket_id for t in tickets.overdue(staff("md.admin@demo.local"))] == [ticket.ticket_id]
    with time_machine.travel("2026-12-11 02:00:00+00:00", tick=False):
        tickets.advance(staff("ortho.rep@demo.local"), ticket.ticket_id, "resolved", "已处理")
    closed = tickets.escalate_and_autoclose(system_ctx(datetime(2026, 12, 19, tzinfo=UTC)))
    assert closed.auto_closed == [ticket.ticket_id] and Ticket.get(ticket.ticket_id).status == "closed"


def test_CMP_2_a_ticket_filed_on_the_eve_of_national_day_is_due_after_the_holiday(app):
    _c, ctx = admitted_customer()
    with time_machine.travel("2026-09-30 02:00:00+00:00", tick=False):  # Wednesday 10:00 in Shanghai
        ticket = tickets.file(customer_ctx(ctx.actor.user_id), "ortho", "complaint", "节前投诉", "内容")
    # 1 working day: 1–7 October are off, so the 8th's end (Shanghai); 5 working days: 8, 9, Saturday 10 (调休),
    # 12 and 13 October
    assert ticket.first_response_due == datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)
    assert ticket.resolution_due == datetime(2026, 10, 13, 15, 59, 59, tzinfo=UTC)
    assert tickets.escalate_and_autoclose(system_ctx(datetime(2026, 10, 7, 15, 0, tzinfo=UTC))).escalated == []


def test_grades_change_the_priority_of_new_tickets_only(app):
    customers = admitted("ortho", 20)
    grading.change(staff("ortho.leader@demo.local"), "ortho", customers[0], "VIP", "优秀")
    assert Standing.get("ortho", customers[0]).grade == "VIP"


def test_CMP_1_md_enters_company_tickets_received_offline_and_others_may_not(app):
    customer, _ctx = admitted_customer()
    md = staff("md.admin@demo.local")
    ticket = tickets.file(md, tickets.offline_scope(md), "complaint", "热线投诉：业务员承诺未兑现", "客户来电",
                          customer_id=customer.customer_id, channel="hotline")
    assert (ticket.dept_id, ticket.channel, ticket.created_by) == ("company", "hotline", "md.admin@demo.local")
    assert [t.ticket_id for t in tickets.queue(md, "company")] == [ticket.ticket_id]
    for who, scope in (("leader@demo.local", "ortho"), ("leader@demo.local", "company"),
                       ("rehab.rep@demo.local", "ortho"), ("ortho.rep@demo.local", "company")):
        with pytest.raises(Forbidden):
            tickets.file(staff(who), scope, "service", "x", "y", customer_id=customer.customer_id, channel="email")
