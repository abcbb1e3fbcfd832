"""Issue 18 item 6 (ONB-1) in a browser: MD opens "导入客户" from the menu, checks a CSV (dry run), imports it with
one click, and sees a bad file's rows said with row and column; at a desktop and a phone width (screenshots in
/tmp/shots/onboard when it exists)."""

from pathlib import Path

import pytest

from tests.browser.conftest import sign_in
from tests.unit.services.onboarding_world import csv_file, row

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/onboard")


def _save(page, name: str, shot) -> None:
    shot(page, name)
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_md_checks_then_imports_customers_and_sees_bad_rows(browser, portal_url, shot, width):
    page = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN").new_page()
    sign_in(page, portal_url, "md.admin@demo.local")
    page.goto(f"{portal_url}/staff/customers/import")
    assert page.get_by_role("link", name="Excel 模板").is_visible()
    good = [row(name=f"杭州老客户医疗器械有限公司{width}"),
            row(name=f"温州老客户医院{width}", kind="医疗机构", hospital_level="二级甲等", beds="260", grade="合格")]
    page.set_input_files("#file", files=[{"name": "老客户.csv", "mimeType": "text/csv", "buffer": csv_file(good)}])
    page.get_by_role("button", name="检查或导入").click()
    page.wait_for_load_state("load")
    report = page.locator("#import-report").inner_text()
    assert "文件无误：将创建 2 家客户" in report and f"温州老客户医院{width}" in report and "刘洋" in report
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _save(page, f"18-import-dry-run-{width}", shot)
    page.get_by_role("button", name="导入这 2 家客户").click()
    page.wait_for_load_state("load")
    assert "已创建 2 家客户" in page.locator("#import-report").inner_text()
    assert page.locator("#dry_run").is_checked()  # the next file is checked first again
    _save(page, f"18-import-done-{width}", shot)
    bad = [row(mobile="12345"), row(department="牙科部")]
    page.set_input_files("#file", files=[{"name": "错误.csv", "mimeType": "text/csv", "buffer": csv_file(bad)}])
    page.get_by_role("button", name="检查或导入").click()
    page.wait_for_load_state("load")
    report = page.locator("#import-report").inner_text()
    assert "未创建任何内容" in report and "第 2 行" in report and "第 3 行" in report and "牙科部" in report
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _save(page, f"18-import-bad-rows-{width}", shot)
