"""Issue 6's journey in headless chromium: a customer files a complaint, the department resolves it,
the customer confirms and rates it; a VIP's ticket sits above a 合格 customer's."""

import pytest

from portal.adapters.clock import utc_now
from tests.browser.conftest import sign_in
from tests.factories import EXE, PNG, register, stand

pytestmark = pytest.mark.browser


def test_complaint_from_filing_to_close(browser, portal_url, shot, tmp_path):
    customer, _ctx = register(email="complain@kangjian.cn", name="宁波康泰医疗器械有限公司")
    stand(customer, "ortho", "QUALIFIED")
    vip, vip_ctx = register(email="vip@kangjian.cn", name="上海瑞金骨科医院")
    stand(vip, "ortho", "VIP")
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(page, portal_url, "complain@kangjian.cn")
    page.goto(f"{portal_url}/customer/tickets")
    page.select_option("#dept_id", "ortho")
    page.select_option("#kind", "complaint")
    page.fill("#subject", "接骨板交货延迟")
    page.fill("#description", "合同约定 11 月 20 日交货，至今未到。")
    page.get_by_role("button", name="提交").click()
    assert page.locator("#ticket-status").inner_text() == "已提交，待受理"
    shot(page, "40-ticket-filed")
    ticket_url = page.url

    # a fake PDF is refused next to the file field; a real photo joins the timeline
    fake, photo = tmp_path / "发货单.pdf", tmp_path / "外箱破损.png"
    fake.write_bytes(EXE)
    photo.write_bytes(PNG)
    page.set_input_files("#file", str(fake))
    page.click("#upload-button")
    assert "不是所声明类型的真实" in page.locator("#file-error").inner_text()
    shot(page, "40a-ticket-fake-file-refused")
    page.set_input_files("#file", str(photo))
    page.click("#upload-button")
    page.wait_for_selector("a.ticket-file")
    assert page.locator("a.ticket-file").inner_text() == "外箱破损.png"

    from portal.services import tickets

    tickets.file(vip_ctx, "ortho", "service", "VIP 设备维修", "需要上门")
    rep = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(rep, portal_url, "ortho.rep@demo.local")
    rep.goto(f"{portal_url}/staff/departments/ortho/tickets")
    rows = rep.locator("table.table tbody tr").all_inner_texts()
    assert "上海瑞金骨科医院" in rows[0] and "宁波康泰医疗器械有限公司" in rows[1]
    shot(rep, "41-ticket-queue-vip-first")
    rep.click("text=接骨板交货延迟")
    assert rep.locator("a.ticket-file").inner_text() == "外箱破损.png"
    shot(rep, "41a-staff-ticket-with-file")
    rep.select_option("#status", "resolved")
    rep.fill("#reply", "已安排加急发货，明日送达。")
    rep.get_by_role("button", name="保存").click()
    assert rep.locator("#ticket-status").inner_text() == "已解决"

    page.goto(ticket_url)
    assert "已安排加急发货" in page.locator("#ticket-timeline").inner_text()
    page.fill("#rating", "5")
    page.fill("#comment", "处理及时")
    page.get_by_role("button", name="确认并关闭").click()
    assert page.locator("#ticket-status").inner_text() == "已关闭"
    shot(page, "42-ticket-closed")


def test_visits_are_planned_by_day_with_grade_badges_and_made_not_before_the_day(browser, portal_url, shot):
    from datetime import timedelta

    from portal.domain.timeutil import shanghai_day

    plain, _ = register(email="visit1@kangjian.cn", name="杭州康复器材有限公司")
    stand(plain, "ortho", "QUALIFIED")
    vip, _ = register(email="visit2@kangjian.cn", name="苏州大学附属骨科医院")
    stand(vip, "ortho", "VIP")
    rep = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(rep, portal_url, "ortho.rep@demo.local")
    today = shanghai_day(utc_now())
    for customer, days, purpose in ((plain, 1, "了解康复器材需求"), (vip, 0, "季度高层拜访")):
        rep.goto(f"{portal_url}/staff/departments/ortho/customers/{customer.customer_id}")
        rep.click("text=安排拜访")
        rep.fill("#planned_on", (today + timedelta(days=days)).isoformat())
        rep.select_option("#mode", "on_site")
        rep.fill("#purpose", purpose)
        if customer is vip:
            shot(rep, "43-visit-plan-form")
        rep.get_by_role("button", name="保存").click()
        rep.wait_for_url(f"{portal_url}/staff/departments/ortho/visits")
    rows = rep.locator("#visit-plan tbody tr").all_inner_texts()
    # by day, earliest first, each with its grade in words (issue 17)
    assert "苏州大学附属骨科医院" in rows[0] and "VIP" in rows[0] and "今天" in rows[0]
    assert "杭州康复器材有限公司" in rows[1] and "合格" in rows[1]
    shot(rep, "44-visit-plan-by-day")
    rep.click("text=杭州康复器材有限公司")  # tomorrow's: only cancelling is offered today
    assert rep.locator("#outcome option").all_inner_texts() == ["已取消"]
    assert rep.locator("#made-from").is_visible()
    rep.goto(f"{portal_url}/staff/departments/ortho/visits")
    rep.click("text=苏州大学附属骨科医院")
    rep.select_option("#outcome", "done")
    rep.fill("#notes", "院方明年计划扩建骨科，需求增加。")
    rep.get_by_role("button", name="保存").click()
    rep.wait_for_url(f"{portal_url}/staff/departments/ortho/visits")
    assert "苏州大学附属骨科医院" not in rep.locator("#visit-plan").inner_text()
