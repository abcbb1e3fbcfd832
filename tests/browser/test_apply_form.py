"""Issue 17 item 3 in chromium: changing the department on the apply form shows that department's products at
once, and the application goes to the department shown (no "show products" round trip to forget)."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, all_required_documents, register

pytestmark = pytest.mark.browser


def test_the_products_follow_the_department_and_the_application_goes_there(browser, portal_url, shot):
    from portal.adapters.tables import Application

    customer, ctx = register()
    all_required_documents(ctx)
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    sign_in(page, portal_url, customer.email, PASSWORD)
    page.goto(f"{portal_url}/customer/applications/new")
    page.select_option("#dept_id", "ortho")
    assert page.locator("input[value=bone-plate]").is_visible()
    page.select_option("#dept_id", "rehab")  # no button pressed
    assert not page.locator("input[value=bone-plate]").is_visible()
    page.check("input[value=walker]")
    shot(page, "26-apply-rehab-390")
    with page.expect_navigation():
        page.get_by_role("button", name="提交申请").click()
    [application] = [a for a in Application.scan() if a.customer_id == customer.customer_id]
    assert (application.dept_id, application.products) == ("rehab", {"walker"})
