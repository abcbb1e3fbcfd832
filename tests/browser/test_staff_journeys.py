"""Main staff journeys in headless Debian chromium through Playwright."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser



def test_sign_in_as_md_and_see_the_staff_home(page, portal_url, shot):
    page.goto(f"{portal_url}/login")
    assert page.locator("h1").inner_text() == "登录"
    shot(page, "01-login-zh")
    sign_in(page, portal_url, "md.admin@demo.local")
    page.wait_for_url(f"{portal_url}/staff/")
    assert "欢迎" in page.locator("h1").inner_text()
    tiles = page.locator(".tile-title").all_inner_texts()
    assert {"营销事业部", "骨科产品销售部", "康复器具销售部", "审计记录"} <= set(tiles)
    shot(page, "02-staff-home-md")


def test_wrong_password_shows_the_message_on_the_form(page, portal_url, shot):
    sign_in(page, portal_url, "ortho.clerk@demo.local", "not-the-password")
    assert page.locator(".problem").inner_text() == "邮箱或密码错误。"
    shot(page, "03-login-wrong-password")


def test_leader_adds_a_rep_and_errors_sit_next_to_fields(page, portal_url, shot):
    sign_in(page, portal_url, "ortho.leader@demo.local")
    page.goto(f"{portal_url}/staff/departments/ortho")
    assert page.locator("h1").inner_text().startswith("骨科产品销售部")
    shot(page, "04-department-ortho")
    page.click("text=新建员工账号")
    options = page.locator("#role option").all_inner_texts()
    assert options == ["销售内务", "业务员"]
    page.fill("#email", "ortho.rep@demo.local")
    page.fill("#name", "重复的人")
    page.fill("#password", "12345678")
    page.click("main button[type=submit]")
    assert page.locator("#email-error").inner_text() == "此邮箱已有账号。"
    assert page.locator("#password-error").inner_text().startswith("此密码过于常见")
    shot(page, "05-new-staff-errors")
    page.fill("#email", "wang.rep@demo.local")
    page.fill("#name", "王业务")
    page.select_option("#role", "rep")
    page.fill("#password", "a long enough phrase")
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "王业务"
    assert "账号已创建" in page.locator(".flash").inner_text()
    shot(page, "06-staff-member")


def test_english_switch_is_remembered(page, portal_url, shot):
    sign_in(page, portal_url, "rehab.leader@demo.local")
    page.click("a.lang")
    nav = [text.strip() for text in page.locator("nav.mainnav a").all_inner_texts()]
    assert nav == ["Home", "Departments", "Scorecards", "Reviews", "Blacklists", "May we sell?"]
    page.goto(f"{portal_url}/staff/departments/rehab")
    assert page.locator("h1").inner_text().startswith("Rehabilitation Equipment Sales")
    shot(page, "07-department-rehab-en")


def test_md_reads_the_audit_trail(page, portal_url, shot):
    sign_in(page, portal_url, "md.admin@demo.local")
    page.goto(f"{portal_url}/staff/audit")
    actions = page.locator("table.table code").all_inner_texts()
    assert "auth.sign_in" in actions
    shot(page, "08-audit")


def test_forgot_password_mail_new_password_signed_in(page, portal_url, shot):
    """Issue 15 item 1: 忘记密码 → the mail's link → a new password → signed in with it (on a phone)."""
    import re

    from tests.conftest import sent_mail

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{portal_url}/login")
    page.click("text=忘记密码？")
    page.fill("#email", "rehab.rep@demo.local")
    shot(page, "40-forgot-password-390")
    page.click("main button[type=submit]")
    assert "链接已发出" in page.locator("main").inner_text()
    shot(page, "41-forgot-password-sent-390")
    body = sent_mail("重设密码")[-1].body
    link = re.search(r"https?://\S+/password/reset/\S+", body).group(0)
    page.goto(portal_url + link[link.index("/password/"):])
    page.fill("#password", "12345678")
    page.click("main button[type=submit]")
    assert page.locator("#password-error").inner_text().startswith("此密码过于常见")
    page.fill("#password", "spring rain over the river 2027")
    shot(page, "42-reset-password-390")
    page.click("main button[type=submit]")
    assert "新密码已设置" in page.locator(".flash").inner_text()
    sign_in(page, portal_url, "rehab.rep@demo.local", "spring rain over the river 2027")
    page.wait_for_url(f"{portal_url}/staff/")
    assert page.locator("h1").is_visible()
