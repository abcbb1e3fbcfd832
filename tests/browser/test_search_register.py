"""Issue 17 items 5 and 6 in a browser: the header search box finds customers (each department its own), MD's
register lists every company with its status per department; both fit a phone and a desktop."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import register, stand

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def customers(portal_app):
    """Two admitted customers (one per department) and one that registered and never applied."""
    for name, dept, grade in (("华东骨科医院", "ortho", "PREFERRED"), ("扬州市中医院", "rehab", "QUALIFIED"),
                              ("温州从未申请医疗器械有限公司", None, None)):
        customer, _ = register(name=name, kind="medical" if "医院" in name else "enterprise",
                               hospital_level="三级甲等" if "医院" in name else None,
                               beds=300 if "医院" in name else None)
        if dept:
            stand(customer, dept, grade=grade)


@pytest.mark.parametrize("width", [1280, 390])
def test_header_search_and_the_register(browser, portal_url, shot, width, customers):
    page = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN").new_page()
    sign_in(page, portal_url, "ortho.rep@demo.local")
    if width < 700:
        page.get_by_role("button", name="菜单").click()
    page.get_by_role("searchbox", name="搜索客户").fill("医院")
    page.get_by_role("searchbox", name="搜索客户").press("Enter")
    page.wait_for_url("**/staff/search?q=*")
    found = page.locator("table.stack tbody").inner_text()
    assert "华东骨科医院" in found and "扬州市中医院" not in found  # rehab's customer is not ortho's to see
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"17-search-{width}")
    sign_in(page, portal_url, "md.admin@demo.local")
    page.goto(f"{portal_url}/staff/search?q=医院")
    assert "扬州市中医院" in page.locator("table.stack tbody").inner_text()
    page.goto(f"{portal_url}/staff/register")
    body = page.locator("table.stack tbody").inner_text()
    assert "温州从未申请医疗器械有限公司" in body and "已准入" in body and "已注册" in body
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"17-register-{width}")
