"""Issue 18 item 4 in a browser: a department asks "may we sell?" for one customer and for a batch of lines, MD
sets device classes; both pages fit a phone and a desktop (screenshots in /tmp/shots/elig when it exists)."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in
from tests.factories import register, stand, upload

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/elig")


@pytest.fixture(scope="module")
def customers(portal_app):
    """One customer with every licence valid (admitted for the bone plate), one whose trading licence is missing."""
    good, ctx = register(name="杭州仁和医疗器械有限公司")
    for type_id in ("business-licence", "tax-registration", "device-trading-licence"):
        upload(ctx, type_id, expiry_date=date.today() + timedelta(days=400), long_term=False)
    stand(good, "ortho", grade="VIP", products=("bone-plate",))
    lacking, ctx = register(name="宁波康泰医疗器械有限公司")
    upload(ctx, "business-licence")
    stand(lacking, "ortho", products=("bone-plate",))
    return good, lacking


def _save(page, name: str, shot) -> None:
    shot(page, name)
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_may_we_sell_one_and_a_batch(browser, portal_url, shot, width, customers):
    good, lacking = customers
    page = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN").new_page()
    sign_in(page, portal_url, "ortho.rep@demo.local")
    page.goto(f"{portal_url}/staff/eligibility")
    page.get_by_label("统一社会信用代码").fill(good.credit_code)
    page.get_by_label("产品").select_option("bone-plate")
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_load_state("load")
    table = page.locator("table.stack tbody").inner_text()
    assert "杭州仁和医疗器械有限公司" in table and "是" in table and "优惠 12%" in table
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _save(page, f"18-eligibility-one-{width}", shot)
    page.get_by_label("查询内容，每行一条").fill(
        f"{good.credit_code},骨科产品销售部,锁定加压接骨板\n{lacking.credit_code},ortho,bone-plate\n"
        f"{good.credit_code},ortho,knee-joint")
    page.get_by_role("button", name="全部查询").click()
    page.wait_for_load_state("load")
    table = page.locator("table.stack tbody").inner_text()
    assert "没有已审核的医疗器械经营许可证" in table and "已获本部门准入，但不含该产品" in table
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _save(page, f"18-eligibility-batch-{width}", shot)
    page.get_by_label("查询内容，每行一条").fill("nonsense")
    page.get_by_role("button", name="全部查询").click()
    page.wait_for_load_state("load")
    assert "请填写三项" in page.locator("#lines-error").inner_text()


@pytest.mark.parametrize("width", [1280, 390])
def test_md_sets_device_classes(browser, portal_url, shot, width):
    page = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN").new_page()
    sign_in(page, portal_url, "md.admin@demo.local")
    page.goto(f"{portal_url}/staff/device-classes")
    assert "第二类医疗器械经营备案凭证" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _save(page, f"18-device-classes-{width}", shot)
