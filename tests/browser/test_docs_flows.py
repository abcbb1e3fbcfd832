"""Issue 17 (3. Flows) in headless chromium, at 1280 and 390 px: a department reviews a file-checked document
(文件已检查 → 已审核, who and when shown to the customer), and a customer files a ticket with files attached at
creation (a bad file named next to the field, no ticket; sound files kept on the new ticket)."""

from pathlib import Path

import pytest

from tests.browser.conftest import sign_in
from tests.factories import EXE, PASSWORD, PDF, applied

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/docs")
WIDTHS = (1280, 390)


def _shots(pg, name: str) -> None:
    """Screenshots at both widths; the page never wider than the viewport."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        pg.set_viewport_size({"width": width, "height": 900})
        pg.wait_for_timeout(100)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        pg.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    pg.set_viewport_size({"width": 1280, "height": 900})


def test_a_department_reviews_a_document_and_the_customer_sees_who_and_when(browser, portal_url):
    customer_obj, _ctx, _app = applied(email="li@huaxin.cn", name="苏州华信医疗器械有限公司", password=PASSWORD)
    rep = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(rep, portal_url, "ortho.rep@demo.local")
    rep.goto(f"{portal_url}/staff/documents/review")
    rows = rep.locator("#review-queue tbody tr")
    assert "苏州华信医疗器械有限公司" in rows.first.inner_text()
    _shots(rep, "review-queue")
    rows.first.locator("a").click()
    rep.wait_for_load_state("load")
    assert "文件已检查" in rep.locator("#document-status").inner_text()
    assert customer_obj.credit_code in rep.locator("main").inner_text()
    _shots(rep, "review-document")
    rep.click("#review-form button[type=submit]")  # nothing chosen: the form says so next to the field
    rep.wait_for_load_state("load")
    assert rep.locator("#decision-error").count() == 1
    rep.select_option("#decision", "confirm")
    rep.click("#review-form button[type=submit]")
    rep.wait_for_url(f"{portal_url}/staff/documents/review")

    customer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(customer, portal_url, "li@huaxin.cn", PASSWORD)
    customer.goto(f"{portal_url}/customer/documents")
    current = customer.locator("#current-documents table.table")
    badges = current.locator(".badge").all_inner_texts()
    assert "已审核" in badges and "文件已检查" in badges, badges
    assert current.locator(".doc-review").count() == 1  # the reviewer's name and the Beijing time
    _shots(customer, "customer-documents-reviewed")


def test_a_customer_files_a_ticket_with_files_and_a_bad_file_creates_nothing(browser, portal_url, tmp_path):
    applied(email="wang@huaxin.cn", name="无锡华康医疗器械有限公司", password=PASSWORD)
    good, second, bad = tmp_path / "送货单.pdf", tmp_path / "破损照片.pdf", tmp_path / "发票.pdf"
    good.write_bytes(PDF)
    second.write_bytes(PDF)
    bad.write_bytes(EXE)
    pg = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(pg, portal_url, "wang@huaxin.cn", PASSWORD)
    pg.goto(f"{portal_url}/customer/tickets")
    _shots(pg, "new-ticket")

    def fill():
        pg.select_option("#dept_id", "ortho")
        pg.select_option("#kind", "complaint")
        pg.fill("#subject", "到货破损")
        pg.fill("#description", "两箱骨板外包装破损，附送货单和照片。")

    fill()
    pg.set_input_files("#files-input", [str(good), str(bad)])
    with pg.expect_navigation():
        pg.click("#ticket-submit")
    error = pg.locator("#files-error")
    assert "发票.pdf" in error.inner_text(), error.inner_text()
    assert "暂无工单" in pg.locator("main").inner_text()  # no ticket was created
    _shots(pg, "new-ticket-bad-file")

    fill()
    pg.set_input_files("#files-input", [str(good), str(second)])
    with pg.expect_navigation():
        pg.click("#ticket-submit")
    assert "/customer/tickets/" in pg.url
    text = pg.locator("main").inner_text()
    assert "送货单.pdf" in text and "破损照片.pdf" in text
    _shots(pg, "ticket-with-files")
