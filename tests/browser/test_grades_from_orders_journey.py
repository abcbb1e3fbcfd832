"""Issue 18's journey in the browser: a leader imports the ERP's orders and receivables, evaluates the customer with
the values computed from them (volume in 万元 with its source, payment record, years since the first order), and
promotes it within the quota; the evaluation page also at 390 px."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/journey18")


def _csv(lines: list[str]) -> bytes:
    return ("\ufeff" + "\n".join(lines)).encode("utf-8")


def _import(page, portal_url: str, kind: str, lines: list[str]) -> str:
    page.goto(f"{portal_url}/staff/departments/ortho/sales")
    page.select_option("#now-kind", kind)
    page.set_input_files("#now-file", files=[{"name": f"{kind}.csv", "mimeType": "text/csv", "buffer": _csv(lines)}])
    page.get_by_role("button", name="检查并导入").click()
    page.wait_for_url("**/staff/departments/ortho/sales")
    return page.content()


def test_imported_orders_feed_the_evaluation_and_the_customer_is_promoted_within_the_quota(browser, portal_url,
                                                                                         shot):
    from portal.domain.timeutil import SHANGHAI, shanghai_day
    from tests.factories import admitted, register, stand_counted

    SHOTS.mkdir(parents=True, exist_ok=True)
    today = shanghai_day(datetime.now(SHANGHAI))
    admitted("ortho", 20)  # a department of 21 customers: room for a few 优选 (QTA-1/2)
    customer, _ctx = register()
    stand_counted(customer.customer_id, customer.name, "ortho", ("bone-plate",))
    code, day = customer.credit_code, (lambda n: (today - timedelta(days=n)).isoformat())
    orders = ["订单号 order_no,统一社会信用代码,产品,数量,金额（元）,下单日期,状态",
              f"J-1,{code},bone-plate,10,100000,{day(800)},已发货",  # the first order: over two years ago
              f"J-2,{code},bone-plate,200,2000000,{day(200)},已发货",
              f"J-3,{code},bone-plate,150,1562000,{day(30)},已发货"]
    invoices = ["发票号,统一社会信用代码,金额（元）,开票日期,到期日,付款日期,已付金额（元）",
                f"JI-1,{code},2000000,{day(200)},{day(170)},{day(169)},2000000"]  # one day late
    paid_in_time = ["发票号,统一社会信用代码,金额（元）,开票日期,到期日,付款日期,已付金额（元）",
                    f"JI-1,{code},2000000,{day(200)},{day(170)},{day(170)},2000000"]  # the ERP corrected

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(page, portal_url, "ortho.leader@demo.local")
    assert "订单已导入：共 3 行，新增 3" in _import(page, portal_url, "orders", orders)
    assert "共 1 行，新增 1" in _import(page, portal_url, "receivables", invoices)

    evaluate = f"{portal_url}/staff/departments/ortho/customers/{customer.customer_id}/evaluate"
    page.goto(evaluate)
    assert page.input_value("#v_annual_volume") == "356.2"  # the last 12 months: 2,000,000 + 1,562,000 元
    assert "共 2 笔，356.20 万元" in page.locator("#v_annual_volume-source").inner_text()
    assert page.locator("input[name=hard_late_payment]").is_checked()  # paid a day late: GRD-2 (b) caps at 合格
    shot(page, "18-evaluate-late-payment")

    assert "共 1 行，新增 0，更新 1" in _import(page, portal_url, "receivables", paid_in_time)
    page.goto(evaluate)
    assert not page.locator("input[name=hard_late_payment]").is_checked()  # the facts moved with the ERP's row
    assert 2 <= float(page.input_value("#v_loyalty_years")) < 2.3  # years since the first ERP order, 800 days ago
    page.select_option("#v_scale", "三级甲等")
    page.select_option("#v_reputation", "信誉良好，无违规")
    page.select_option("#v_qualification", "齐全有效")
    page.screenshot(path=str(SHOTS / "evaluate-1280.png"), full_page=True)
    page.get_by_role("button", name="计算并保存").click()
    total = int(page.locator("#latest-total").inner_text())
    assert total > 0
    page.goto(f"{portal_url}/staff/departments/ortho/customers")
    before = page.locator(".quota-num").nth(1).inner_text()  # 优选: used / allowed
    page.goto(f"{portal_url}/staff/departments/ortho/customers/{customer.customer_id}")
    page.select_option("#grade", "PREFERRED")
    page.fill("#reason", f"年度评价 {total} 分，ERP 显示近 12 个月 356.2 万元，回款及时。")
    page.select_option("#evaluation_id", index=1)
    page.get_by_role("button", name="变更等级").click()
    assert page.locator("#current-grade").inner_text() == "优选"
    shot(page, "18-promoted-from-facts")
    page.goto(f"{portal_url}/staff/departments/ortho/customers")
    used, allowed = (int(n) for n in before.split(" / "))
    assert page.locator(".quota-num").nth(1).inner_text() == f"{used + 1} / {allowed}"
    page.context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    sign_in(phone, portal_url, "ortho.leader@demo.local")
    phone.goto(evaluate)
    assert "356.20 万元" in phone.locator("#v_annual_volume-source").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "evaluate-390.png"), full_page=True)
    phone.context.close()
