"""Issue 4's journey in headless chromium: evaluate a customer, promote it within the quota, read the history."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import admitted

pytestmark = pytest.mark.browser



def test_leader_evaluates_promotes_and_sees_quota_and_history(browser, portal_url, shot):
    customers = admitted("rehab", 20, products=("walker",))
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(page, portal_url, "rehab.leader@demo.local")
    page.goto(f"{portal_url}/staff/departments/rehab/customers")
    assert page.locator(".quota-num").first.inner_text() == "0 / 3"
    shot(page, "20-customers-quota")
    page.goto(f"{portal_url}/staff/departments/rehab/customers/{customers[0]}/evaluate")
    page.select_option("#v_scale", "三级甲等")
    page.fill("#v_annual_volume", "650")
    page.select_option("#v_payment", "按时回款，无逾期")
    page.select_option("#v_reputation", "信誉良好，无违规")
    page.fill("#v_loyalty_years", "6")  # computed from today's admission: 0 years, so an override with its reason
    page.fill("#why_loyalty_years", "合作始于本系统上线之前")
    page.select_option("#v_qualification", "齐全有效")
    shot(page, "21-evaluate")
    page.get_by_role("button", name="计算并保存").click()
    assert page.locator("#latest-total").inner_text() == "100"
    page.select_option("#grade", "VIP")
    page.fill("#reason", "年度评价 100 分，回款及时，合作六年。")
    page.select_option("#evaluation_id", index=1)
    page.get_by_role("button", name="变更等级").click()
    assert page.locator("#current-grade").inner_text() == "VIP"
    shot(page, "22-standing-vip")
    page.goto(f"{portal_url}/staff/departments/rehab/customers")
    assert page.locator(".quota-num").first.inner_text() == "1 / 3"
    page.goto(f"{portal_url}/staff/customers/{customers[0]}/grades")
    assert "年度评价 100 分" in page.locator("table.table").inner_text()
    shot(page, "23-grade-history")
    page.goto(f"{portal_url}/staff/scorecards/company/default")
    assert "年度业务量" in page.locator("table.table").inner_text()
    shot(page, "24-scorecard")
