"""Issue 3's journey in headless chromium: register, upload licences to S3, apply, be reviewed and admitted."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PDF, credit_code, mark_verified

pytestmark = pytest.mark.browser



def verify_by_mail(page, url: str, email: str) -> None:
    """Open the verification link mailed to `email` (moto keeps the mail) and confirm it (issue 15 item 2)."""
    import re

    from tests.conftest import sent_mail

    body = [m.body for m in sent_mail("Verify your e-mail") if m.destinations["ToAddresses"] == [email]][-1]
    page.goto(url + re.search(r"(/account/verify/\S+)", body).group(1))
    page.click("#verify-button")
    assert page.locator("#verify-banner").count() == 0


def test_customer_registers_uploads_applies_and_is_admitted(browser, portal_url, shot, tmp_path):
    pdf = tmp_path / "营业执照.pdf"
    pdf.write_bytes(PDF)
    customer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()

    # 1. registration, with a wrong credit code first: the error sits next to its field
    customer.goto(f"{portal_url}/register")
    form = {"#name": "上海仁康医疗器械有限公司", "#credit_code": "91310115MA0000001X", "#region": "上海市浦东新区",
            "#industry": "医疗器械经销", "#contact_name": "陈经理", "#mobile": "13900139000",
            "#email": "chen@renkang.cn", "#password": "renkang secure phrase"}
    for selector, value in form.items():
        customer.fill(selector, value)
    customer.select_option("#kind", "enterprise")
    customer.click("main button[type=submit]")
    assert "统一社会信用代码无效" in customer.locator("#credit_code-error").inner_text()
    shot(customer, "10-register-wrong-code")
    customer.fill("#credit_code", credit_code(9001))
    customer.fill("#password", "renkang secure phrase")
    customer.click("main button[type=submit]")
    customer.wait_for_url(f"{portal_url}/login")  # the same answer whether or not the address had an account
    assert "chen@renkang.cn" in customer.locator(".flash").inner_text()
    shot(customer, "10b-registered-sign-in")
    sign_in(customer, portal_url, "chen@renkang.cn", "renkang secure phrase")
    customer.wait_for_url(f"{portal_url}/customer/")
    assert customer.locator("h1").inner_text() == "上海仁康医疗器械有限公司"
    shot(customer, "11-customer-home-new")
    verify_by_mail(customer, portal_url, "chen@renkang.cn")  # issue 15: applying needs a verified address

    # 2. the three licences an enterprise needs go straight to S3 and are checked
    for type_id in ("business-licence", "tax-registration", "device-trading-licence"):
        customer.goto(f"{portal_url}/customer/documents")
        customer.select_option("#type_id", type_id)
        customer.set_input_files("#file", str(pdf))
        customer.fill("#issue_date", "2024-03-01")
        customer.check("#long_term")
        with customer.expect_navigation(url=f"{portal_url}/customer/documents"):  # the script's reload, once checked
            customer.click("#upload-button")
        customer.wait_for_load_state("networkidle")
    badges = customer.locator("#current-documents table.table .badge").all_inner_texts()  # the versions in force
    assert badges.count("文件已检查") == 3, badges  # issue 17: the portal checked the file; no person yet
    assert "营业执照.pdf" in customer.locator("#current-documents table.table").inner_text()
    assert customer.locator("#document-history table.table .badge").all_inner_texts().count("文件已检查") == 3
    shot(customer, "12-documents-verified")

    # 3. apply to ortho for a product
    customer.goto(f"{portal_url}/customer/applications/new?dept_id=ortho")
    customer.check("input[value=bone-plate]")
    customer.get_by_role("button", name="提交申请").click()
    assert customer.locator("#app-status").inner_text() == "审核中"
    application_url = customer.url
    shot(customer, "13-application-submitted")

    # 4. the ortho leader reviews: designates, checks, records the six conditions, admits
    leader = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN").new_page()
    sign_in(leader, portal_url, "ortho.leader@demo.local")
    leader.goto(f"{portal_url}/staff/departments/ortho/applications")
    shot(leader, "14-queue")
    leader.click("text=上海仁康医疗器械有限公司")
    leader.select_option("#assignee_id", label="李强 (骨科部长) · 部门领导")
    leader.get_by_role("button", name="指定", exact=True).click()
    leader.fill("#note", "工商登记、涉诉及行政处罚记录均已核查，无异常。")
    leader.get_by_role("button", name="记录背景调查").click()
    # ADM-2 (c) / REL-3: the purchase contract goes from draft to in force, then serves as the evidence
    assert leader.locator("#no-contract").is_visible()
    leader.click("#no-contract a")
    for selector, value in {"#contract_no": "RK-2027-0018", "#title": "骨科产品年度购销合同", "#amount": "300000",
                            "#start_date": "2024-01-01", "#end_date": "2099-12-31"}.items():
        leader.fill(selector, value)
    leader.click("main button[type=submit]")
    assert leader.locator("#contract-state").inner_text() == "草稿"
    leader.click("button[value=submit]")
    leader.click("button[value=approve]")
    assert leader.locator("#contract-state").inner_text() == "已批准,待签署"
    contract_url = leader.url
    customer.goto(f"{portal_url}/customer/documents")  # the customer uploads the signed scan as a document
    customer.select_option("#type_id", "signed-contract")
    customer.set_input_files("#file", str(pdf))
    customer.fill("#issue_date", "2024-01-01")
    customer.check("#long_term")
    with customer.expect_navigation(url=f"{portal_url}/customer/documents"):
        customer.click("#upload-button")
    leader.goto(f"{portal_url}/staff/documents/review")
    leader.locator("a", has_text=pdf.name).last.click()  # the newest upload: the signed contract
    leader.select_option("#decision", "confirm")
    leader.click("#review-form button[type=submit]")
    leader.goto(f"{contract_url}/sign")
    leader.select_option("#doc_id", index=1)
    leader.click("main button[type=submit]")
    assert leader.locator("#contract-state").inner_text() == "生效中"
    shot(leader, "14b-contract-in-force")
    leader.goto(application_url.replace("/customer/applications/", "/staff/applications/"))
    for code in "abcdef":
        row = leader.locator(f"#condition-{code}")
        row.locator(f"#c{code}-met").select_option("yes")
        if code in "ae":
            # issue 17: the evidence list says whether a person reviewed the document (here: only file-checked)
            row.locator(f"#c{code}-evidence_doc").select_option(label="营业执照 · 营业执照.pdf · 文件已检查")
        elif code == "c":
            row.locator(f"#c{code}-contract_id").select_option(label="RK-2027-0018 · 骨科产品年度购销合同")
        else:
            row.locator(f"#c{code}-note").fill("已核实")
        row.locator("button[type=submit]").click()
        assert leader.locator(f"#condition-{code} .badge").inner_text() == "满足"
    assert "RK-2027-0018 · 骨科产品年度购销合同" in leader.locator("#condition-c a.evidence-contract").inner_text()
    shot(leader, "15-review-conditions")
    leader.select_option("#decision", "admit")
    leader.fill("#reason", "六项基本条件均满足，同意准入。")
    leader.once("dialog", lambda dialog: dialog.accept())  # a decision is final: the page asks first
    with leader.expect_navigation():
        leader.get_by_role("button", name="记录决定").click()
    assert leader.locator("#app-status").inner_text() == "已准入"
    shot(leader, "16-review-admitted")
    leader.goto(f"{portal_url}/staff/departments/ortho/customers")
    assert "上海仁康医疗器械有限公司" in leader.locator("table.table").first.inner_text()
    assert "合格" in leader.locator("table.table").first.inner_text()
    shot(leader, "17-admitted-customers")

    # 5. the customer sees 已准入
    customer.goto(application_url)
    assert customer.locator("#app-status").inner_text() == "已准入"
    customer.goto(f"{portal_url}/customer/")
    assert "已准入" in customer.locator("table.table").first.inner_text()
    shot(customer, "18-customer-admitted")


def test_ADM_1_retail_customer_is_confirmed_from_the_queue_in_one_click(browser, portal_url, shot, tmp_path):
    from portal.adapters.clock import utc_now
    from portal.services import customers
    from portal.services.context import Ctx
    from tests.factories import registration

    pdf = tmp_path / "营业执照.pdf"
    pdf.write_bytes(PDF)
    _shop, user = customers.register(Ctx(None, utc_now(), "127.0.0.2"), registration(
        name="杭州康复器材零售店", kind="retail", email="shop@kangfu.cn", credit_code=credit_code(9002)))
    mark_verified(user.user_id)  # issue 15: as if its mailed link was opened
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True).new_page()
    sign_in(phone, portal_url, "shop@kangfu.cn", "Demo-pass-2026!")
    phone.goto(f"{portal_url}/customer/documents")
    phone.select_option("#type_id", "business-licence")
    phone.set_input_files("#file", str(pdf))
    phone.fill("#issue_date", "2024-03-01")
    phone.check("#long_term")
    with phone.expect_navigation(url=f"{portal_url}/customer/documents"):
        phone.click("#upload-button")
    phone.wait_for_load_state("networkidle")
    phone.goto(f"{portal_url}/customer/applications/new?dept_id=rehab")
    phone.check("input[value=walker]")
    phone.get_by_role("button", name="提交申请").click()
    assert phone.locator("#app-status").inner_text() == "待确认"
    shot(phone, "19-retail-awaiting-confirmation-390")

    rep = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(rep, portal_url, "rehab.rep@demo.local")
    rep.goto(f"{portal_url}/staff/departments/rehab/applications")
    row = rep.locator("tr", has_text="杭州康复器材零售店")
    assert "待确认" in row.inner_text()
    shot(rep, "19b-queue-confirm")
    row.get_by_role("button", name="确认客户").click()
    assert "已确认杭州康复器材零售店" in rep.locator(".flash").inner_text()
    rep.goto(f"{portal_url}/staff/departments/rehab/customers")
    assert "杭州康复器材零售店" in rep.locator("table.table").first.inner_text()
    phone.reload()
    assert phone.locator("#app-status").inner_text() == "已准入"
    shot(phone, "19c-retail-admitted-390")
