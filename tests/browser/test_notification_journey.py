"""Issue 16's journey in headless chromium: an application walk leaves the right items in the customer's and the
department's inboxes; the bell counts them on every page; the inbox opens the record; preferences save."""

from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/notify")
MD = "md.admin@demo.local"


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _bell(pg) -> str:
    count = pg.locator(".bell .bell-count")
    return count.inner_text() if count.count() else "0"


def test_an_application_walk_fills_the_right_inboxes(browser, portal_url):
    from portal.services import applications, document_review
    from tests.conftest import staff_ctx
    from tests.factories import PASSWORD, all_required_documents, fresh, register, review_to_admission

    customer_obj, ctx = register(email="zhao@kangning.cn", name="杭州康宁医疗器械有限公司", password=PASSWORD)
    md = staff_ctx("md.admin@demo.local")  # issue 17: "accepted" is told once a person reviewed the content
    for document in all_required_documents(ctx):
        document_review.review(md, document.doc_id, accept=True)
    app = applications.submit(fresh(ctx), "ortho", ["bone-plate"])  # after the reviews (a clock read now)
    customer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(customer, portal_url, "zhao@kangning.cn", PASSWORD)
    customer.wait_for_url(f"{portal_url}/customer/")
    from portal.services import notifications

    docs = sum(i.kind == "document_accepted" for i in notifications.inbox_page(ctx, "zh").items)
    assert docs >= 2  # the documents uploaded to apply were reviewed: told too
    assert _bell(customer) == str(1 + docs)
    customer.click(".bell")
    customer.wait_for_url(f"{portal_url}/notifications")
    assert "已收到您的准入申请" in customer.locator("ul.inbox").inner_text()

    leader = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(leader, portal_url, "ortho.leader@demo.local")
    leader.wait_for_url(f"{portal_url}/staff/")
    assert _bell(leader) == "1"
    leader.goto(f"{portal_url}/notifications")
    assert "杭州康宁医疗器械有限公司 提交了新的准入申请" in leader.locator("ul.inbox").inner_text()
    _shot(leader, "inbox-staff-1280")
    leader.locator("ul.inbox .inbox-title").first.click()
    leader.wait_for_url(f"{portal_url}/staff/applications/{app.app_id}")
    assert _bell(leader) == "0"  # opened: read

    app = review_to_admission(app)
    applications.decide(staff_ctx("ortho.leader@demo.local"), app.app_id, True, "六项条件均满足", app.version)
    customer.goto(f"{portal_url}/customer/")
    assert _bell(customer) == str(2 + docs)
    _shot(customer, "bell-customer-1280")
    customer.goto(f"{portal_url}/notifications")
    items = customer.locator("ul.inbox li").all_inner_texts()
    assert "准入通过" in items[0] and "已收到您的准入申请" in items[1]  # newest first
    _shot(customer, "inbox-customer-1280")
    customer.set_viewport_size({"width": 390, "height": 844})
    _shot(customer, "inbox-customer-390")
    customer.goto(f"{portal_url}/customer/")
    _shot(customer, "bell-customer-390")
    customer.goto(f"{portal_url}/notifications/preferences")
    customer.select_option("#applications", "digest")
    _shot(customer, "preferences-390")
    customer.get_by_role("button", name="保存").click()
    customer.wait_for_url(f"{portal_url}/notifications/preferences")
    assert "通知设置已保存" in customer.locator(".flash").inner_text()
    customer.set_viewport_size({"width": 1280, "height": 900})
    _shot(customer, "preferences-1280")
    customer.goto(f"{portal_url}/notifications")
    customer.get_by_role("button", name="全部标为已读").click()
    customer.wait_for_url(f"{portal_url}/notifications")
    assert _bell(customer) == "0"
    assert ctx is not None and customer_obj.name == "杭州康宁医疗器械有限公司"


def _walk_shot(pg, name: str) -> None:
    path = Path("/tmp/shots/notify2")
    path.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(path / f"{name}.png"), full_page=True)


def _inbox_text(pg, url: str) -> str:
    pg.goto(f"{url}/notifications")
    return pg.locator("ul.inbox").inner_text()


def test_a_grading_review_complaint_incident_and_blacklisting_walk_reaches_every_party(browser, portal_url):
    """Issue 16 "Done when": after the admission, each party finds its items — the customer its grade, review
    result, ticket answers and the end of its standing; the department its new ticket and review tasks; MD the
    incident and the misconduct report; every department's staff the company listing (fanned out)."""
    from portal.adapters.clock import utc_now
    from portal.services import (
        applications,
        blacklist,
        grading,
        incidents,
        misconduct,
        outbox,
        reviews,
        ticket_lifecycle,
        tickets,
    )
    from portal.services.context import system_ctx
    from tests.conftest import staff_ctx
    from tests.factories import PASSWORD, admitted, applied, review_to_admission

    leader, rep, md = (staff_ctx(e) for e in ("ortho.leader@demo.local", "ortho.rep@demo.local", MD))
    admitted("ortho", 6)  # room in the quota for one 优选
    customer_obj, ctx, app = applied(email="qian@anda.cn", name="苏州安达医疗器械有限公司", password=PASSWORD)
    app = review_to_admission(app)  # the rep is designated (ONB-3): the customer's review falls to the rep
    applications.decide(leader, app.app_id, True, "六项条件均满足", app.version)
    cid = customer_obj.customer_id
    grading.change(leader, "ortho", cid, "PREFERRED", "回款及时",
                   no_evaluation_reason="测试准备：不经评价直接调整")  # grading
    ticket = tickets.file(ctx, "ortho", "complaint", "包装破损", "到货包装破损")  # a complaint, answered
    tickets.advance(rep, ticket.ticket_id, "acknowledged", None)
    ticket_lifecycle.reply(rep, ticket.ticket_id, "已安排换货")
    tickets.advance(rep, ticket.ticket_id, "resolved", "已换货")
    run = reviews.open_cycle(system_ctx(utc_now()))  # the half-year's review, kept at 优选
    task = reviews.get_task(leader, run.cycle_id, "ortho", cid)
    form = reviews.StageEvaluation("good", "on_time", "good", 1, 85, "PREFERRED")
    task = reviews.submit(rep, run.cycle_id, "ortho", cid, form, task.version)
    reviews.decide(leader, run.cycle_id, "ortho", cid, "PREFERRED", "维持优选", task.version)
    incidents.record(leader, "ortho", cid, "late_payment", "本月逾期付款")  # INC-1: filed with MD
    misconduct.submit(ctx, "某某贸易有限公司", None, "串货")  # RGT-1 c: to MD
    blacklist.list_customer(md, cid, "company", "经核实造成重大损失")  # BLK-3
    outbox.deliver_due(system_ctx(utc_now()))  # the minute job: fans the listing out to every department

    pages = {}
    for email, password in (("qian@anda.cn", PASSWORD), ("ortho.leader@demo.local", None),
                            ("ortho.rep@demo.local", None), (MD, None), ("rehab.leader@demo.local", None)):
        pg = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        sign_in(pg, portal_url, email, *([password] if password else []))
        pg.wait_for_load_state()
        pages[email] = pg
    customer_inbox = _inbox_text(pages["qian@anda.cn"], portal_url)
    for expected in ("您在骨科产品销售部的等级已调整为优选", "您的工单“包装破损”已受理", "您的工单“包装破损”有新回复",
                     "您的工单“包装破损”已处理完毕，请确认", "骨科产品销售部 半年度评审：您的等级保持为 优选",
                     "您在所有部门的客户资格已终止", "准入通过"):
        assert expected in customer_inbox, expected
    assert "维持优选" not in customer_inbox and "重大损失" not in customer_inbox  # reasons stay internal
    _walk_shot(pages["qian@anda.cn"], "walk-customer-1280")
    leader_inbox = _inbox_text(pages["ortho.leader@demo.local"], portal_url)
    assert "苏州安达医疗器械有限公司 提交了新工单：“包装破损”" in leader_inbox
    assert "待您评审：骨科产品销售部" in leader_inbox  # the customers without a designated person
    assert "苏州安达医疗器械有限公司 已列入黑名单（公司黑名单）" in leader_inbox
    rep_inbox = _inbox_text(pages["ortho.rep@demo.local"], portal_url)
    assert "待您评审：骨科产品销售部" in rep_inbox and "已列入黑名单（公司黑名单）" in rep_inbox
    md_inbox = _inbox_text(pages[MD], portal_url)
    for expected in ("事件登记：苏州安达医疗器械有限公司（骨科产品销售部）", "客户举报：某某贸易有限公司 的违规行为",
                     "苏州安达医疗器械有限公司 已列入黑名单（公司黑名单）"):
        assert expected in md_inbox, expected
    assert "qian@anda.cn" not in md_inbox  # the reporter is never named
    _walk_shot(pages[MD], "walk-md-1280")
    pages[MD].set_viewport_size({"width": 390, "height": 844})
    _walk_shot(pages[MD], "walk-md-390")
    rehab_inbox = _inbox_text(pages["rehab.leader@demo.local"], portal_url)
    assert "苏州安达医疗器械有限公司 已列入黑名单（公司黑名单）" in rehab_inbox
    pages[MD].locator("ul.inbox .inbox-title").first.click()  # the newest: the listing, linking to the list
    pages[MD].wait_for_url(f"{portal_url}/staff/blacklist")
