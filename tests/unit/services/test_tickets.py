"""CMP-1, CMP-3, RGT-1 b, RGT-2, SEC-1 on the in-memory store: filing, the graded queue, the lifecycle, replies,
rating (deadlines and categories: test_ticket_sla.py)."""


import pytest

from portal.adapters.repos.grading import Standings
from portal.adapters.repos.identity import AuditTrail
from portal.adapters.repos.tickets import TicketEvents, Tickets
from portal.domain.timeutil import shanghai_day
from portal.services import grading, tickets
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.factories import admitted, stand_counted
from tests.fakes import race
from tests.unit.services.ticket_world import customer

MD, LEADER, CLERK, REP = "md.admin@demo.local", "ortho.leader@demo.local", "ortho.clerk@demo.local", \
    "ortho.rep@demo.local"


def steps(fake, ticket_id):
    return [e.status for e in fake.repo(TicketEvents).timeline(ticket_id) if e.kind == "status"]


def test_CMP_1_customer_files_to_a_department_it_deals_with_only(fake):
    customer_id, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "complaint", "交货延迟", "订单延迟两周")
    assert (ticket.status, ticket.channel, ticket.customer_id) == ("submitted", "portal", customer_id)
    stored = fake.repo(Tickets).get(ticket.ticket_id)
    assert (stored.status, stored.customer_name, stored.version) == ("submitted", ticket.customer_name, 1)
    assert steps(fake, ticket.ticket_id) == ["submitted"]
    with pytest.raises(Invalid) as exc:
        tickets.file(ctx, "rehab", "service", "x", "y")
    assert "dept_id" in exc.value.fields
    assert [t.ticket_id for t in tickets.of_customer(ctx)] == [ticket.ticket_id]
    trail = fake.repo(AuditTrail).all(shanghai_day(ctx.now).isoformat())
    assert [(e.action, e.target_id) for e in trail if e.action == "ticket.filed"] == [("ticket.filed",
                                                                                        ticket.ticket_id)]


def test_CMP_1_a_customer_that_only_applied_may_file_there(fake):
    from portal.adapters import records
    from portal.adapters.repos.customers import Applications

    customer_id, ctx = customer(fake, dept=None)
    with pytest.raises(Invalid):
        tickets.file(ctx, "ortho", "consultation", "准入咨询", "材料还缺什么？")
    uow = fake.uow()
    uow.repo(Applications).add(records.Application(app_id="a1", customer_id=customer_id, customer_name="x",
                                                   dept_id="ortho", status="submitted", products={"bone-plate"},
                                                   version=1))
    uow.commit()
    ticket = tickets.file(ctx, "ortho", "consultation", "准入咨询", "材料还缺什么？")
    assert ticket.grade is None and ticket.queue_key.startswith("3#")  # no grade yet: 合格's place


def test_RGT_1_b_complaint_to_the_company_about_a_department(fake):
    _customer_id, ctx = customer(fake)
    ticket = tickets.file(ctx, "company", "complaint", "对销售过程有异议", "业务员承诺未兑现")
    assert [t.ticket_id for t in tickets.queue(fake.ctx(MD), "company")] == [ticket.ticket_id]
    with pytest.raises(Forbidden):
        tickets.get(fake.ctx(LEADER), ticket.ticket_id)
    with pytest.raises(Forbidden):
        tickets.queue(fake.ctx(LEADER), "company")
    resolved = tickets.advance(fake.ctx(MD), ticket.ticket_id, "resolved", "已约谈业务员")
    assert resolved.status == "resolved"


def test_CMP_1_staff_enter_offline_tickets_with_their_channel(fake):
    customer_id, _ctx = customer(fake)
    ticket = tickets.file(fake.ctx(CLERK), "ortho", "service", "电话报修", "设备故障", customer_id=customer_id,
                          channel="hotline")
    assert ticket.channel == "hotline" and ticket.created_by == CLERK
    with pytest.raises(Invalid):
        tickets.file(fake.ctx(CLERK), "ortho", "service", "x", "y", customer_id=customer_id, channel="portal")
    with pytest.raises(NotFound):
        tickets.file(fake.ctx(CLERK), "ortho", "service", "x", "y", customer_id="nobody", channel="email")
    with pytest.raises(Forbidden):  # staff never file as themselves: an offline ticket names its customer
        tickets.file(fake.ctx(CLERK), "ortho", "service", "x", "y", channel="email")
    refused = [e for e in fake.repo(AuditTrail).all(shanghai_day(fake.now).isoformat())
               if e.action == "access.refused" and e.target_type == "file_ticket_as_staff"]
    assert [e.actor_email for e in refused] == [CLERK]


def test_CMP_1_md_enters_company_tickets_received_offline_and_others_may_not(fake):
    customer_id, _ctx = customer(fake)
    md = fake.ctx(MD)
    ticket = tickets.file(md, tickets.offline_scope(md), "complaint", "热线投诉：业务员承诺未兑现", "客户来电",
                          customer_id=customer_id, channel="hotline")
    assert (ticket.dept_id, ticket.channel, ticket.created_by) == ("company", "hotline", MD)
    assert [t.ticket_id for t in tickets.queue(md, "company")] == [ticket.ticket_id]
    for who, scope in (("leader@demo.local", "ortho"), ("leader@demo.local", "company"),
                       ("rehab.rep@demo.local", "ortho"), (REP, "company")):
        with pytest.raises(Forbidden):
            tickets.file(fake.ctx(who), scope, "service", "x", "y", customer_id=customer_id, channel="email")


def test_empty_or_huge_description_gets_a_clear_error(fake):
    _customer_id, ctx = customer(fake)
    for text in ("", "字" * 50_000):
        with pytest.raises(Invalid) as exc:
            tickets.file(ctx, "ortho", "complaint", "主题", text)
        assert "description" in exc.value.fields
    assert tickets.of_customer(ctx) == []


def test_RGT_2_vip_ticket_sits_above_a_qualified_one(fake):
    _q, qualified = customer(fake)
    _v, vip = customer(fake, grade="VIP")
    first = tickets.file(qualified, "ortho", "service", "合格客户", "先提交")
    second = tickets.file(fake.later(vip, seconds=1), "ortho", "service", "VIP 客户", "后提交")
    queue = tickets.queue(fake.ctx(REP), "ortho")
    assert [t.ticket_id for t in queue] == [second.ticket_id, first.ticket_id]
    assert second.resolution_due < first.resolution_due  # shorter SLA for VIP


def test_RGT_2_grades_change_the_priority_of_new_tickets_only(fake):
    admitted("ortho", 19, store=fake.store)
    customer_id, ctx = customer(fake, dept=None, name="上海仁济医疗器械有限公司")
    stand_counted(customer_id, "上海仁济医疗器械有限公司", "ortho", store=fake.store)
    before = tickets.file(ctx, "ortho", "service", "升级前", "内容")
    grading.change(fake.ctx(LEADER), "ortho", customer_id, "VIP", "优秀",
                   no_evaluation_reason="测试准备：不经评价直接调整")
    assert fake.repo(Standings).get("ortho", customer_id).grade == "VIP"
    after = tickets.file(fake.later(ctx, seconds=1), "ortho", "service", "升级后", "内容")
    assert (before.grade, after.grade) == ("QUALIFIED", "VIP")
    assert [t.ticket_id for t in tickets.queue(fake.ctx(REP), "ortho")] == [after.ticket_id, before.ticket_id]
    assert fake.repo(Tickets).get(before.ticket_id).queue_key.startswith("3#")


def test_SEC_1_other_customers_and_departments_are_kept_out(fake):
    _a, ctx_a = customer(fake)
    _b, ctx_b = customer(fake)
    ticket = tickets.file(ctx_a, "ortho", "complaint", "A 的投诉", "内容")
    for forged in (ticket.ticket_id, "01ZZZZZZZZZZZZZZZZZZZZZZZZ", "x" * 2000):
        with pytest.raises(NotFound):
            tickets.get(ctx_b, forged)
    with pytest.raises(NotFound):
        tickets.reply(ctx_b, ticket.ticket_id, "别家客户的回复")
    with pytest.raises(Forbidden):
        tickets.advance(fake.ctx("rehab.leader@demo.local"), ticket.ticket_id, "acknowledged", None)
    with pytest.raises(Forbidden):
        tickets.reply(fake.ctx("rehab.rep@demo.local"), ticket.ticket_id, "越权回复")
    with pytest.raises(Forbidden):
        tickets.queue(fake.ctx("rehab.rep@demo.local"), "ortho")
    with pytest.raises(Forbidden):
        tickets.of_customer(fake.ctx(REP))
    assert [e.kind for e in fake.repo(TicketEvents).timeline(ticket.ticket_id)] == ["status"]
    refused = [e for e in fake.repo(AuditTrail).all(shanghai_day(ctx_b.now).isoformat())
               if e.action == "access.refused"]
    assert refused and all(e.outcome == "refused" for e in refused)


def test_CMP_3_lifecycle_rating_and_closing_twice(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "service", "维修", "需要上门")
    rep = fake.ctx(REP)
    tickets.advance(rep, ticket.ticket_id, "acknowledged", "已收到")
    assert fake.repo(Tickets).get(ticket.ticket_id).first_response_at == rep.now
    with pytest.raises(Invalid):
        tickets.advance(rep, ticket.ticket_id, "resolved", "")
    with pytest.raises(Invalid):
        tickets.advance(rep, ticket.ticket_id, "reopened", "x")
    with pytest.raises(Conflict):
        tickets.advance(rep, ticket.ticket_id, "submitted", "x")
    with pytest.raises(Forbidden):
        tickets.close(rep, ticket.ticket_id, 5, None)  # closing is the customer's
    tickets.advance(rep, ticket.ticket_id, "resolved", "已上门维修")
    assert tickets.queue(rep, "ortho") == []  # resolved: off the queue
    for rating in (0, 6, None):
        with pytest.raises(Invalid):
            tickets.close(ctx, ticket.ticket_id, rating, None)
    closed = tickets.close(fake.later(ctx, seconds=1), ticket.ticket_id, 5, "很满意")
    assert (closed.status, closed.rating) == ("closed", 5)
    stored = fake.repo(Tickets).get(ticket.ticket_id)
    assert (stored.status, stored.rating, stored.comment, stored.due_key) == ("closed", 5, "很满意", None)
    with pytest.raises(Conflict):
        tickets.close(ctx, ticket.ticket_id, 4, None)
    assert [e.status for e in tickets.timeline(ctx, closed) if e.kind == "status"] == [
        "submitted", "acknowledged", "resolved", "closed"]


def test_CMP_3_a_reply_is_on_the_timeline_with_its_author(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "service", "维修", "需要上门")
    tickets.reply(fake.ctx(REP), ticket.ticket_id, "明天上门")
    tickets.reply(fake.later(ctx, seconds=1), ticket.ticket_id, "好的")
    with pytest.raises(Invalid):
        tickets.reply(ctx, ticket.ticket_id, "   ")
    replies = [(e.text, e.by_staff) for e in tickets.timeline(ctx, ticket) if e.kind == "reply"]
    assert replies == [("明天上门", True), ("好的", False)]


def test_CMP_3_reopen_puts_it_back_in_the_queue(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "dispute", "结算争议", "金额不符")
    with pytest.raises(Conflict):
        tickets.reopen(ctx, ticket.ticket_id, "还没处理")  # only a resolved ticket
    tickets.advance(fake.ctx(LEADER), ticket.ticket_id, "resolved", "已核对")
    with pytest.raises(Invalid):
        tickets.reopen(ctx, ticket.ticket_id, " ")
    tickets.reopen(fake.later(ctx, seconds=1), ticket.ticket_id, "仍不一致")
    assert [t.ticket_id for t in tickets.queue(fake.ctx(REP), "ortho")] == [ticket.ticket_id]
    stored = fake.repo(Tickets).get(ticket.ticket_id)
    assert stored.status == "in_progress" and stored.due_key.split("#")[1] == "soon:resolution"  # near first
    assert steps(fake, ticket.ticket_id) == ["submitted", "resolved", "reopened"]


def test_CMP_3_two_resolutions_at_once_one_wins(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "service", "维修", "需要上门")
    results = race(lambda n: tickets.advance(fake.later(fake.ctx(REP), seconds=n), ticket.ticket_id, "resolved",
                                             f"处理{n}"))
    assert results == ["conflict"] * 7 + ["ok"]
    assert steps(fake, ticket.ticket_id) == ["submitted", "resolved"]
    assert fake.repo(Tickets).get(ticket.ticket_id).version == 2
