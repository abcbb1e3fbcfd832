"""REL-3: the contract pages as people see them, at 1280 and 390 px — the department's list, a contract with an
amendment awaiting approval (two versions, its history), and the customer's own contracts — none scrolls sideways;
screenshots land in artifacts/screenshots/ to be looked at."""

from __future__ import annotations

from datetime import date

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.factories import PASSWORD

WIDTHS = {"desktop": (1280, 860), "phone": (390, 844)}


def _world():
    from portal.services import contract_changes, contracts, document_review
    from tests.conftest import staff_ctx
    from tests.factories import register, stand, upload

    customer, ctx = register(email="qian@kangtai.cn", name="宁波康泰医疗器械有限公司", password=PASSWORD)
    stand(customer, "ortho")
    rep, leader = staff_ctx("ortho.rep@demo.local"), staff_ctx("ortho.leader@demo.local")
    head = contracts.create(rep, "ortho", customer.customer_id, contracts.Terms(
        "GK-2027-018", "骨科植入物年度购销合同", 800_000, date(2024, 1, 1), date(2099, 12, 31)))
    contracts.submit(rep, head.contract_id)
    contracts.approve(leader, head.contract_id)
    scan = upload(ctx, "signed-contract", filename="合同扫描件.pdf")
    document_review.review(leader, scan.doc_id, accept=True)
    contracts.sign(rep, head.contract_id, scan.doc_id)
    contract_changes.amend(rep, head.contract_id, contracts.Terms(
        "GK-2027-018", "骨科植入物年度购销合同", 950_000, date(2024, 1, 1), date(2099, 12, 31)),
        "增加脊柱类产品，金额上调")
    contracts.submit(rep, head.contract_id)
    return head.contract_id


def test_REL_3_contract_pages_fit_a_phone_and_a_desktop(browser, portal_url):
    contract_id = _world()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = [("ortho.leader@demo.local", None, "contracts-list", "/staff/departments/ortho/contracts"),
             ("ortho.leader@demo.local", None, "contract", f"/staff/contracts/{contract_id}"),
             ("qian@kangtai.cn", PASSWORD, "customer-contracts", "/customer/contracts"),
             ("qian@kangtai.cn", PASSWORD, "customer-contract", f"/customer/contracts/{contract_id}")]
    for width_name, (width, height) in WIDTHS.items():
        for who, password, name, path in pages:
            context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
            page = context.new_page()
            sign_in(page, portal_url, who, password)
            response = page.goto(f"{portal_url}{path}")
            assert response.status == 200, (path, response.status)
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert scroll <= inner, (name, width_name, scroll, inner)
            page.screenshot(path=str(ARTIFACTS / f"contracts-{name}-{width_name}.png"), full_page=True)
            if name == "contract":
                assert "待审批" in page.locator("#contract-versions").inner_text()  # the amendment
                assert "生效中" in page.locator("#contract-state").inner_text()  # the signed version stays in force
            if name == "customer-contract":  # the customer sees signed versions only: not the amendment's draft
                assert page.locator("#contract-versions tbody tr").count() == 1
            context.close()
