"""Issue 12 item 4: "导出 CSV" on the customers page asks for an export; the job writes it; "我的导出" lists it
with a download that is the file (UTF-8 BOM), and the page fits a phone."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_a_leader_asks_for_an_export_and_downloads_it_when_the_job_wrote_it(browser, portal_url, shot, width):
    from functions import write_exports

    context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, portal_url, "ortho.leader@demo.local")
    page.goto(f"{portal_url}/staff/departments/ortho/customers")
    page.get_by_role("button", name="导出 CSV").click()
    page.wait_for_url("**/staff/exports")
    assert "已申请导出" in page.content() and page.locator("table.exports .badge").first.inner_text() == "正在生成"
    result = write_exports.run({})
    assert result["ready"] and not result["failed"]
    page.reload()
    assert page.locator("table.exports .badge").first.inner_text() == "可下载"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"12-exports-{width}")
    with page.expect_download() as info:
        page.locator("table.exports a", has_text="下载").first.click()
    download = info.value
    assert download.suggested_filename.startswith("ortho-customers-") and download.suggested_filename.endswith(".csv")
    with open(download.path(), "rb") as f:
        body = f.read()
    assert body.startswith("\ufeff".encode()) and b"customer_id,name,grade,priority_rank" in body
    context.close()
