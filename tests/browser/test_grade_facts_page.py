"""Issue 18 item 3 in the browser: the evaluation page with values computed from the ERP and their sources, an
override with its reason, and the standing page showing it afterwards, at 1280 and 390 pixels."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from portal.domain.sales_facts import SalesFacts
from tests.browser.conftest import sign_in
from tests.factories import admitted

SHOTS = Path("/tmp/shots/facts")


def test_evaluation_shows_computed_values_and_keeps_an_override(browser, portal_url, monkeypatch):
    facts = SalesFacts(True, Decimal("3562000"), 12, 1, 0, Decimal(0), date(2019, 3, 1))
    monkeypatch.setattr("portal.services.sales_facts.facts", lambda *args: facts)
    [customer] = admitted("ortho", 1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN").new_page()
        sign_in(page, portal_url, "ortho.rep@demo.local")
        page.goto(f"{portal_url}/staff/departments/ortho/customers/{customer}/evaluate")
        assert page.input_value("#v_annual_volume") == "356.2"
        assert "共 12 笔，356.20 万元" in page.locator("#v_annual_volume-source").inner_text()
        assert page.locator("input[name=hard_late_payment]").is_checked()
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
        page.screenshot(path=str(SHOTS / f"evaluate-{width}.png"), full_page=True)
        page.context.close()
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(page, portal_url, "ortho.rep@demo.local")
    page.goto(f"{portal_url}/staff/departments/ortho/customers/{customer}/evaluate")
    page.select_option("#v_scale", "三级甲等")
    page.select_option("#v_reputation", "信誉良好，无违规")
    page.select_option("#v_qualification", "齐全有效")
    page.fill("#v_annual_volume", "600")
    page.get_by_role("button", name="计算并保存").click()
    assert "请填写理由" in page.locator("#why_annual_volume-error").inner_text()
    page.screenshot(path=str(SHOTS / "evaluate-override-refused-1280.png"), full_page=True)
    page.fill("#why_annual_volume", "ERP 漏记了 11 月的两笔大单")
    page.get_by_role("button", name="计算并保存").click()
    assert "ERP 漏记了 11 月的两笔大单" in page.locator("body").inner_text()
    page.screenshot(path=str(SHOTS / "standing-after-override-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(SHOTS / "standing-after-override-390.png"), full_page=True)
    page.context.close()
