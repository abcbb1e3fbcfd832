"""Issue 18 items 2 and 5 in the browser: a leader imports an orders file with a bad row (nothing imported, each row
and column listed), corrects it, imports receivables, sees the ageing, and the short-supply queue ranks a VIP
first; at 1280 and 390 px, nothing wider than the screen."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/orders")


def _csv(lines: list[str]) -> bytes:
    return ("\ufeff" + "\n".join(lines)).encode("utf-8")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_leader_imports_orders_and_receivables_and_sees_ageing_and_backlog(browser, portal_url, shot, width):
    from portal.domain.timeutil import SHANGHAI, shanghai_day
    from tests.factories import register, stand

    today = shanghai_day(datetime.now(SHANGHAI))
    day = (today - timedelta(days=3)).isoformat()
    qualified, _c = register()
    stand(qualified, "ortho", products=("bone-plate",))
    vip, _c = register()
    stand(vip, "ortho", "VIP", products=("bone-plate",))
    header = "订单号 order_no,统一社会信用代码,产品,数量,金额（元）,下单日期,状态"
    bad = [header, f"W{width}-1,{qualified.credit_code},锁定加压接骨板,2,-100,{day},未发货",
           f"W{width}-2,{vip.credit_code},没有的产品,1,50,{(today + timedelta(days=2)).isoformat()},未发货"]
    good = [header, f"W{width}-1,{qualified.credit_code},锁定加压接骨板,2,100,{day},未发货",
            f"W{width}-2,{vip.credit_code},锁定加压接骨板,1,50,{today.isoformat()},未发货"]
    invoices = ["发票号,统一社会信用代码,金额（元）,开票日期,到期日,付款日期,已付金额（元）",
                f"I{width}-1,{qualified.credit_code},1000,{(today - timedelta(days=150)).isoformat()},"
                f"{(today - timedelta(days=120)).isoformat()},,",
                f"I{width}-2,{vip.credit_code},300.50,{day},{(today + timedelta(days=27)).isoformat()},,"]

    context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, portal_url, "ortho.leader@demo.local")
    page.goto(f"{portal_url}/staff/departments/ortho/sales")
    page.set_input_files("#now-file", files=[{"name": "订单.csv", "mimeType": "text/csv", "buffer": _csv(bad)}])
    page.get_by_role("button", name="检查并导入").click()
    page.wait_for_load_state("load")
    text = page.content()
    assert "第 2 行，金额（元）：不允许为负数。" in text and "第 3 行，下单日期：此日期晚于今天。" in text
    assert "未导入任何内容：发现 2 个问题" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"18-orders-refused-{width}")
    page.screenshot(path=str(SHOTS / f"orders-refused-{width}.png"), full_page=True)

    page.set_input_files("#now-file", files=[{"name": "订单.csv", "mimeType": "text/csv", "buffer": _csv(good)}])
    page.get_by_role("button", name="检查并导入").click()
    page.wait_for_url("**/staff/departments/ortho/sales")
    assert "订单已导入：共 2 行，新增 2" in page.content()
    page.select_option("#now-kind", "receivables")
    page.set_input_files("#now-file", files=[{"name": "应收.csv", "mimeType": "text/csv", "buffer": _csv(invoices)}])
    page.get_by_role("button", name="检查并导入").click()
    page.wait_for_url("**/staff/departments/ortho/sales")
    assert "应收账款（发票）已导入：共 2 行" in page.content()
    over_90 = page.locator("tbody tr", has_text="逾期超过 90 天").locator("td").nth(1).inner_text()
    assert over_90 not in ("", "0.00") and over_90.endswith(",000.00")  # the 1,000 元 invoice 120 days overdue
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"18-orders-imported-{width}")
    page.screenshot(path=str(SHOTS / f"orders-imported-{width}.png"), full_page=True)

    page.goto(f"{portal_url}/staff/departments/ortho/backlog?product=bone-plate")
    rows = page.locator("table tbody tr")
    assert "VIP" in rows.first.inner_text()  # a VIP's order placed today comes before older 合格 ones (RGT-2)
    assert vip.name in page.content() and qualified.name in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"18-backlog-{width}")
    page.screenshot(path=str(SHOTS / f"backlog-{width}.png"), full_page=True)
    context.close()
