"""Issue 16's journey in headless chromium: an application walk leaves the right items in the customer's and the
department's inboxes; the bell counts them on every page; the inbox opens the record; preferences save."""

from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/notify")


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
