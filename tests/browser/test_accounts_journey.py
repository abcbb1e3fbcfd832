"""Issue 15 items 2-4 in headless chromium: register → verify (the link read from the mail moto keeps) → invite a
colleague → the colleague accepts, signs in and files a ticket; the new pages at 1280 and 390 px."""

import re
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in
from tests.factories import credit_code

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/acct")
PASSWORD = "zhongshan road phrase 27"


def _snap(shot, page, name: str) -> None:
    """A full-page screenshot (artifacts/screenshots, and a copy under /tmp/shots/acct to look at)."""
    path = shot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def _both_widths(shot, page, name: str) -> None:
    """The page as it is at 1280 px, and at 390 px (a phone), then back."""
    _snap(shot, page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _snap(shot, page, f"{name}-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out sideways
    page.set_viewport_size({"width": 1280, "height": 900})


def _mailed_path(to: str, kind: str) -> str:
    from tests.conftest import sent_mail

    bodies = [m.body for m in sent_mail("") if m.destinations["ToAddresses"] == [to] and f"/account/{kind}/" in m.body]
    assert bodies, f"no {kind} mail to {to}"
    return re.search(rf"(/account/{kind}/\S+)", bodies[-1]).group(1)


def test_register_verify_invite_and_the_colleague_files_a_ticket(browser, portal_url, shot):
    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()

    # 1. register, sign in: a banner asks to verify, and a ticket cannot be filed yet
    admin.goto(f"{portal_url}/register")
    for selector, value in {"#name": "南京中山医疗器械有限公司", "#credit_code": credit_code(9301),
                            "#region": "江苏省南京市", "#industry": "医疗器械经销", "#contact_name": "钱经理",
                            "#mobile": "13900139001", "#email": "qian@zsyl.cn", "#password": PASSWORD}.items():
        admin.fill(selector, value)
    admin.select_option("#kind", "enterprise")
    admin.click("main button[type=submit]")
    admin.wait_for_url(f"{portal_url}/login")
    sign_in(admin, portal_url, "qian@zsyl.cn", PASSWORD)
    admin.wait_for_url(f"{portal_url}/customer/")
    assert "请验证您的邮箱" in admin.locator("#verify-banner").inner_text()
    _both_widths(shot, admin, "50-unverified-banner")

    # 2. the link from the mail: a page asks to confirm; then the banner is gone
    admin.goto(portal_url + _mailed_path("qian@zsyl.cn", "verify"))
    _both_widths(shot, admin, "51-verify-page")
    admin.click("#verify-button")
    assert "已验证" in admin.locator(".flash").inner_text()
    admin.goto(f"{portal_url}/customer/")
    assert admin.locator("#verify-banner").count() == 0

    # 3. invite a colleague as a member
    admin.click("text=同事")
    admin.fill("#email", "sun@zsyl.cn")
    admin.select_option("#role", "member")
    admin.click("#invite-form button[type=submit]")
    assert "sun@zsyl.cn" in admin.locator(".flash").inner_text()
    assert "已邀请" in admin.locator("#colleagues").inner_text()
    assert "邀请人：钱经理" in admin.locator("#colleagues").inner_text()  # a name, not an e-mail or an id
    _both_widths(shot, admin, "52-colleagues-invited")

    # 4. the colleague accepts on its own browser, signs in and files a ticket
    colleague = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    colleague.goto(portal_url + _mailed_path("sun@zsyl.cn", "invitation"))
    assert "南京中山医疗器械有限公司" in colleague.locator("main").inner_text()
    _both_widths(shot, colleague, "53-invitation")
    colleague.fill("#name", "孙主管")
    colleague.fill("#password", "sun's own long phrase 2027")
    colleague.fill("#confirm", "sun's own long phrase 2027")
    colleague.click("main button[type=submit]")
    colleague.wait_for_url(f"{portal_url}/login")
    sign_in(colleague, portal_url, "sun@zsyl.cn", "sun's own long phrase 2027")
    colleague.wait_for_url(f"{portal_url}/customer/")
    assert colleague.locator("#verify-banner").count() == 0  # the invitation reached the mailbox: verified
    colleague.goto(f"{portal_url}/customer/tickets")
    colleague.select_option("#dept_id", "company")
    colleague.select_option("#kind", "consultation")
    colleague.fill("#subject", "发票抬头变更")
    colleague.fill("#description", "请问发票抬头如何变更？")
    colleague.get_by_role("button", name="提交").click()
    assert colleague.locator("#ticket-status").inner_text() == "已提交，待受理"
    colleague.goto(f"{portal_url}/customer/colleagues")
    assert colleague.locator("#invite-form").count() == 0  # a member invites nobody

    # 5. the administrator sees the colleague by name and the company's ticket; the profile pages
    admin.goto(f"{portal_url}/customer/colleagues")
    assert "孙主管" in admin.locator("#colleagues").inner_text()
    admin.goto(f"{portal_url}/customer/tickets")
    assert "发票抬头变更" in admin.locator("table.table").inner_text()
    assert "孙主管" in admin.locator("table.table").inner_text()  # who filed it, by name
    _snap(shot, admin, "56-tickets-filed-by-1280")
    admin.goto(f"{portal_url}/account/profile")
    _both_widths(shot, admin, "54-profile-admin")
    colleague.goto(f"{portal_url}/account/profile")
    _both_widths(shot, colleague, "55-profile-member")
