"""Issue 17 item 3: a readable audit page. A table with filters; on a phone each event is a card; the details
(the record, the address, the stored JSON) open on demand instead of stretching the page."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_md_reads_the_audit_trail_with_details_on_demand(browser, portal_url, shot, width):
    page = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN").new_page()
    sign_in(page, portal_url, "ortho.rep@demo.local")  # events of today to read
    sign_in(page, portal_url, "md.admin@demo.local")
    page.goto(f"{portal_url}/staff/audit")
    rows = page.locator("table.stack tbody tr")
    assert rows.count() >= 2 and "auth.sign_in" in page.locator("table.stack code").all_inner_texts()
    first = rows.first.locator("details")
    assert not first.locator("pre, dl").first.is_visible()  # closed until asked
    first.locator("summary").click()
    assert first.locator("dl").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 400 * rows.count() + 800, height  # no JSON wrapping a character per line
    shot(page, f"09-audit-{width}")
