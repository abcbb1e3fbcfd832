"""Issue 16 item 1: the events of the admission, ticket and dynamic-management walks reach the right inboxes."""

from portal.services import applications, notifications
from tests.factories import applied, review_to_admission

LEADER, CLERK, REP = "ortho.leader@demo.local", "ortho.clerk@demo.local", "ortho.rep@demo.local"


def items(ctx, locale: str = "zh") -> list:
    """Someone's inbox, newest first, without the notices of the documents a world's customer uploaded to apply
    (tests/unit/services/test_document_notices.py checks those)."""
    return [i for i in notifications.inbox_page(ctx, locale).items if i.kind != "document_accepted"]


def kinds(fake, ctx_or_email) -> list[str]:
    """The kinds in someone's inbox, newest first."""
    ctx = fake.ctx(ctx_or_email) if isinstance(ctx_or_email, str) else ctx_or_email
    return [i.kind for i in items(ctx)]


def test_an_application_is_received_queued_and_decided(fake):
    customer, ctx, app = applied(fake=fake)
    assert kinds(fake, ctx) == ["application_received"]
    assert kinds(fake, LEADER) == kinds(fake, CLERK) == ["application_new"]
    assert kinds(fake, REP) == [] and kinds(fake, "rehab.leader@demo.local") == []  # not the queue's roles
    [item] = notifications.inbox_page(fake.ctx(LEADER), "zh").items
    assert item.target == f"/staff/applications/{app.app_id}" and customer.name in item.title
    app = review_to_admission(app, fake=fake)  # the leader designates the rep: the rep hears of it
    assert kinds(fake, REP) == ["designated"]
    applications.decide(fake.ctx(LEADER), app.app_id, True, "六项条件均满足", app.version)
    assert kinds(fake, ctx) == ["application_admitted", "application_received"]
    [decided, _received] = items(ctx)
    assert decided.target == f"/customer/applications/{app.app_id}" and "准入通过" in decided.title
    assert [m[0] for m in fake.mails("准入通过")] == [customer.email]
    assert "http://127.0.0.1:5000/customer/applications/" in fake.mails("准入通过")[0][2]


def test_a_refusal_says_why(fake):
    customer, ctx, app = applied(fake=fake)
    app = review_to_admission(app, codes="abc", fake=fake)
    applications.decide(fake.ctx(LEADER), app.app_id, False, "资质不全", app.version)
    [refused, _received] = items(ctx, "en")
    assert refused.kind == "application_rejected" and refused.detail == "Reason: 资质不全"


def test_a_ticket_walk_tells_the_customer_each_answer_and_the_department_each_new_or_reopened_ticket(fake):
    from portal.services import ticket_lifecycle, tickets
    from tests.unit.services import ticket_world

    _customer_id, ctx = ticket_world.customer(fake)
    ticket = tickets.file(ctx, "ortho", "complaint", "交货延迟", "订单延迟两周")
    assert kinds(fake, LEADER) == kinds(fake, CLERK) == ["ticket_new"] and kinds(fake, ctx) == []
    tickets.advance(fake.ctx(REP), ticket.ticket_id, "acknowledged", None)
    ticket_lifecycle.reply(fake.ctx(REP), ticket.ticket_id, "正在安排补发")
    ticket_lifecycle.reply(ctx, ticket.ticket_id, "谢谢")  # the customer's own reply tells nobody new
    tickets.advance(fake.ctx(REP), ticket.ticket_id, "resolved", "已补发")
    assert kinds(fake, ctx) == ["ticket_resolved", "ticket_replied", "ticket_acknowledged"]
    resolved = notifications.inbox_page(ctx, "zh").items[0]
    assert resolved.target == f"/customer/tickets/{ticket.ticket_id}" and "请确认" in resolved.title
    assert "自动关闭" in resolved.detail  # the day it closes by itself unless confirmed (7 days after this)
    ticket_lifecycle.reopen(ctx, ticket.ticket_id, "问题仍在")
    assert kinds(fake, LEADER) == ["ticket_reopened", "ticket_new"]


def test_a_company_ticket_goes_to_md(fake):
    from portal.services import tickets
    from tests.unit.services import ticket_world

    _customer_id, ctx = ticket_world.customer(fake)
    tickets.file(ctx, "company", "complaint", "销售过程", "内容")
    assert kinds(fake, "md.admin@demo.local") == ["ticket_new"] and kinds(fake, LEADER) == []


def test_a_grade_change_tells_the_customer_its_new_grade(fake):
    from portal.services import grading
    from tests.factories import admitted
    from tests.unit.services.dynamics_world import customer

    admitted("ortho", 6, store=fake.store)
    customer_id, email = customer(fake)
    from tests.factories import stand_counted

    stand_counted(customer_id, "上海康健医疗器械有限公司", "ortho", ("bone-plate",), store=fake.store)
    grading.change(fake.ctx(LEADER), "ortho", customer_id, "PREFERRED", "年度评审优秀",
                   no_evaluation_reason="测试准备：不经评价直接调整")
    [item] = notifications.inbox_page(fake.ctx(email), "zh").items
    assert item.kind == "grade_changed" and "优选" in item.title and item.target == "/customer/"


def test_a_listed_customer_hears_its_standing_ended_and_later_that_the_restriction_ended(fake):
    from portal.services import blacklist
    from tests.factories import stand_counted
    from tests.unit.services.dynamics_world import customer

    customer_id, email = customer(fake)
    stand_counted(customer_id, "上海康健医疗器械有限公司", "ortho", ("bone-plate",), store=fake.store)
    entry = blacklist.list_customer(fake.ctx(LEADER), customer_id, "ortho", "违约")
    [item] = notifications.inbox_page(fake.ctx(email), "zh").items
    assert item.kind == "blacklisted" and "违约" not in item.title + item.detail
    blacklist.lift(fake.ctx(LEADER), entry.entry_id, "已整改")
    assert kinds(fake, email) == ["blacklist_ended", "blacklisted"]


def test_a_change_report_reaches_the_department_and_its_handling_the_customer(fake):
    from portal.services import changes
    from tests.factories import stand_counted
    from tests.unit.services.dynamics_world import customer, verified_document

    customer_id, email = customer(fake)
    stand_counted(customer_id, "上海康健医疗器械有限公司", "ortho", ("bone-plate",), store=fake.store)
    [task] = changes.report(fake.ctx(email), "change", {"address": "上海市新地址1号"},
                            verified_document(fake, customer_id))
    assert kinds(fake, LEADER) == kinds(fake, CLERK) == ["change_reported"]
    changes.handle(fake.ctx(LEADER), "ortho", task.task_id, "已更新档案")
    [item] = notifications.inbox_page(fake.ctx(email), "zh").items
    assert item.kind == "change_done" and "已更新档案" in item.detail and item.target == "/customer/changes"


def test_daily_reminders_tell_of_listings_expiring_in_7_days_and_visits_due_once(fake):
    from datetime import date, timedelta

    from functions import daily_reminders
    from portal.adapters import uow as uow_module
    from portal.domain.timeutil import shanghai_day
    from portal.services import blacklist, reminders, visits
    from portal.services.context import system_ctx
    from tests.factories import stand_counted
    from tests.unit.services.dynamics_world import customer

    today = shanghai_day(fake.now)
    listed_id, _e = customer(fake, email="listed@x.cn")
    blacklist.list_customer(fake.ctx(LEADER), listed_id, "ortho", "违约", expires_on=today + timedelta(days=7))
    visited_id, _e = customer(fake)
    stand_counted(visited_id, "上海康健医疗器械有限公司", "ortho", ("bone-plate",), store=fake.store)
    visits.plan(fake.ctx(REP), "ortho", visited_id, planned_on=today, mode="phone", purpose="季度回访",
                assignee_id=fake.user(REP).user_id)
    visits.plan(fake.ctx(REP), "ortho", visited_id, planned_on=today + timedelta(days=1), mode="phone",
                purpose="明天", assignee_id=fake.user(REP).user_id)
    ctx = system_ctx(fake.now, store=fake.store)
    first = reminders.send_daily(ctx)
    assert len(first.expiring) == 1 and len(first.visits) == 1 and first.failed == []
    again = reminders.send_daily(fake.later(ctx, hours=2))  # a second run that day tells nobody twice
    assert again.expiring == again.visits == []
    assert kinds(fake, LEADER) == ["blacklist_expiring"] and kinds(fake, "md.admin@demo.local") == [
        "blacklist_expiring"]
    assert kinds(fake, REP) == ["visit_due"]
    previous = uow_module._default["store"]
    uow_module.configure(fake.store)
    try:
        assert daily_reminders.run({"now": fake.now.isoformat()})["failed"] == []
    finally:
        uow_module.configure(previous)
    assert isinstance(today, date)
