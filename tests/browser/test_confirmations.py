"""Issue 17 item 3: irreversible actions ask before they act. Saying no changes nothing; saying yes acts."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import admitted

pytestmark = pytest.mark.browser


def test_ending_a_standing_and_blacklisting_ask_first(browser, portal_url):
    from portal.adapters.tables import BlacklistEntry, Standing

    customers = admitted("rehab", 2, products=("walker",))
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    sign_in(page, portal_url, "rehab.leader@demo.local")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.goto(f"{portal_url}/staff/departments/rehab/customers/{customers[0]}")
    page.fill("#end-reason", "客户注销")
    page.once("dialog", lambda d: answer(d, False))
    page.get_by_role("button", name="终止合作").click()
    assert "确定终止 客户000 在本部门的客户资格" in questions[-1]
    assert Standing.count("rehab", Standing.customer_id == customers[0]) == 1  # said no: nothing happened
    page.once("dialog", lambda d: answer(d, True))
    page.get_by_role("button", name="终止合作").click()
    page.wait_for_url(f"{portal_url}/staff/departments/rehab/customers")
    assert Standing.count("rehab", Standing.customer_id == customers[0]) == 0

    page.goto(f"{portal_url}/staff/customers/{customers[1]}/blacklist?scope=rehab")
    page.fill("#reason", "严重违约，拒不履行合同")
    page.once("dialog", lambda d: answer(d, False))
    page.get_by_role("button", name="列入黑名单").click()
    assert "确定将 客户001 列入黑名单" in questions[-1]
    assert BlacklistEntry.count() == 0
    page.once("dialog", lambda d: answer(d, True))
    page.get_by_role("button", name="列入黑名单").click()
    page.wait_for_url(f"{portal_url}/staff/blacklist")
    assert BlacklistEntry.count() == 1
