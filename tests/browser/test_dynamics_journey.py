"""Issue 5 in headless chromium: an incident on a VIP, a company listing seen by everyone, the timeline,
a review cycle opened from MD's job page and a review submitted and decided."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import admitted

pytestmark = pytest.mark.browser


def signed_in(browser, url, email):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    return sign_in(page, url, email)


def test_incident_listing_timeline_and_review(browser, portal_url, shot):
    customers = admitted("ortho", 20)
    leader = signed_in(browser, portal_url, "ortho.leader@demo.local")
    leader.goto(f"{portal_url}/staff/departments/ortho/customers/{customers[0]}")
    leader.select_option("#grade", "VIP")
    leader.fill("#reason", "年度优秀")
    leader.fill("#no_evaluation_reason", "测试准备：不经评价直接调整")  # GRD-6: no evaluation behind this promotion
    leader.get_by_role("button", name="变更等级").click()
    leader.get_by_role("link", name="记录事件").click()
    leader.select_option("#kind", "late_payment")
    leader.fill("#description", "货款逾期 120 天未付")
    leader.get_by_role("button", name="保存").click()
    assert "须在" in leader.locator(".flash").inner_text()  # the downgrade deadline (INC-2), without the code
    shot(leader, "30-incident-on-vip")

    md = signed_in(browser, portal_url, "md.admin@demo.local")
    md.goto(f"{portal_url}/staff/customers/{customers[1]}/blacklist?scope=company")
    md.fill("#reason", "经核实存在欺诈行为")
    md.once("dialog", lambda dialog: dialog.accept())  # listing is irreversible: the page asks first
    md.get_by_role("button", name="列入黑名单").click()
    assert "客户001" in md.locator("#list-company").inner_text()
    shot(md, "31-blacklists-md")

    rep = signed_in(browser, portal_url, "rehab.rep@demo.local")
    rep.goto(f"{portal_url}/staff/blacklist")
    assert "经核实存在欺诈行为" in rep.locator("#list-company").inner_text()
    shot(rep, "32-company-blacklist-for-every-staff-user")

    leader.goto(f"{portal_url}/staff/customers/{customers[0]}/timeline")
    text = leader.locator(".timeline").inner_text()
    assert "货款逾期 120 天未付" in text and "年度优秀" in text
    shot(leader, "33-timeline")

    md.goto(f"{portal_url}/staff/jobs")
    md.fill("#now", "2027-01-01T00:05:00+08:00")
    md.get_by_role("button", name="open_review_cycle").click()
    assert '"cycle": "2027H1"' in md.locator("#job-result").inner_text()
    shot(md, "34-jobs")
    md.goto(f"{portal_url}/staff/reviews")
    assert "2027 年上半年" in md.locator(".filter-tabs").inner_text()
    shot(md, "35-review-progress-md")
