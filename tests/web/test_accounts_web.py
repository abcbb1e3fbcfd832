"""Issue 15 items 2-4 through the Flask client: verification link and banner, colleagues' page and invitations,
the profile page, their API operations, and the bad input each item must refuse."""

import re
from datetime import timedelta

import time_machine

from portal.adapters.clock import utc_now
from tests.conftest import api_token, bearer, csrf_token, sent_mail, sign_in
from tests.factories import PASSWORD, credit_code

REGISTRATION = {"name": "江苏康复医疗器械有限公司", "kind": "enterprise", "region": "江苏省南京市",
                "industry": "医疗器械", "scale": "small", "contact_name": "周经理", "mobile": "13900139000",
                "password": PASSWORD}


def _link(kind: str, to: str) -> str:
    """The path of the newest mailed link of `kind` (verify | invitation) to `to`."""
    mails = [m for m in sent_mail("") if m.destinations["ToAddresses"] == [to] and f"/account/{kind}/" in m.body]
    assert mails, f"no {kind} mail to {to}"
    return re.search(rf"(/account/{kind}/\S+)", mails[-1].body).group(1)


def _register(client, email: str, n: int) -> None:
    token = csrf_token(client, "/register")
    answer = client.post("/register", data={**REGISTRATION, "csrf_token": token, "credit_code": credit_code(n),
                                            "email": email})
    assert answer.status_code == 302


def _post(client, path: str, data: dict, page: str | None = None):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page or path)})


def _invite(client, email: str, role: str = "member"):
    return _post(client, "/customer/colleagues", {"email": email, "role": role})


def _join(client, email: str, name: str = "李四") -> None:
    path = _link("invitation", email)
    answer = _post(client, path, {"name": name, "password": "a long passphrase 2027",
                                  "confirm": "a long passphrase 2027"})
    assert answer.status_code == 302, answer.get_data(as_text=True)


def test_registration_sends_a_link_and_the_banner_stays_until_it_is_opened(client):
    _register(client, "first@jskf.cn", 5101)
    assert sign_in(client, "first@jskf.cn", PASSWORD).status_code == 302
    home = client.get("/customer/").get_data(as_text=True)
    assert 'id="verify-banner"' in home and "再次发送链接" in home
    refused = _post(client, "/customer/tickets", {"dept_id": "company", "kind": "complaint", "subject": "s",
                                                  "description": "d"})
    assert refused.status_code == 403 and "请先验证您的邮箱" in refused.get_data(as_text=True)
    resent = _post(client, "/account/verify/resend", {"next": "/customer/"}, page="/customer/")
    assert resent.status_code == 302 and resent.headers["Location"] == "/customer/"
    path = _link("verify", "first@jskf.cn")
    assert client.get(path).status_code == 200  # a GET (a mail scanner's) changes nothing
    assert 'id="verify-banner"' in client.get("/customer/").get_data(as_text=True)
    assert _post(client, path, {}).status_code == 302
    assert 'id="verify-banner"' not in client.get("/customer/").get_data(as_text=True)
    assert _post(client, path, {}).status_code == 404  # once only


def test_the_whole_colleague_cycle_and_a_disabled_colleague_is_signed_out(client, app):
    _register(client, "boss@jskf.cn", 5102)
    sign_in(client, "boss@jskf.cn", PASSWORD)
    _post(client, _link("verify", "boss@jskf.cn"), {})
    assert _invite(client, "staffer@jskf.cn").status_code == 302
    page = client.get("/customer/colleagues").get_data(as_text=True)
    assert "staffer@jskf.cn" in page and "已邀请" in page and "周经理" in page  # invited by a name, not an id
    colleague = app.test_client()
    _join(colleague, "staffer@jskf.cn")
    assert sign_in(colleague, "staffer@jskf.cn", "a long passphrase 2027").status_code == 302
    filed = _post(colleague, "/customer/tickets", {"dept_id": "company", "kind": "complaint",
                                                   "subject": "送货延误", "description": "三天未到"})
    assert filed.status_code == 302
    listing = client.get("/customer/tickets").get_data(as_text=True)  # the administrator sees who filed it
    assert "送货延误" in listing and "李四" in listing and "staffer@jskf.cn" not in listing
    members_page = colleague.get("/customer/colleagues").get_data(as_text=True)
    assert "invite-form" not in members_page  # a member sees its colleagues, not the invitation form
    staffer = next(c for c in _colleagues(client) if c["email"] == "staffer@jskf.cn")
    assert staffer["status"] == "active" and staffer["name"] == "李四"
    done = _post(client, f"/customer/colleagues/{staffer['id']}", {"action": "disable"}, page="/customer/colleagues")
    assert done.status_code == 302
    assert colleague.get("/customer/tickets").status_code == 302  # its open session no longer works


def _colleagues(client):
    return client.get("/api/v1/colleagues", headers=bearer(api_token(client, "boss@jskf.cn", PASSWORD))).get_json()[
        "items"]


def test_a_member_may_not_invite_or_disable_through_pages_or_api(client, app):
    _register(client, "owner@jsmb.cn", 5103)
    sign_in(client, "owner@jsmb.cn", PASSWORD)
    _invite(client, "member@jsmb.cn")
    member = app.test_client()
    _join(member, "member@jsmb.cn")
    sign_in(member, "member@jsmb.cn", "a long passphrase 2027")
    assert _invite(member, "more@jsmb.cn").status_code == 403
    token = api_token(app.test_client(), "member@jsmb.cn", "a long passphrase 2027")
    owner_id = next(c["id"] for c in client.get(
        "/api/v1/colleagues", headers=bearer(api_token(app.test_client(), "owner@jsmb.cn", PASSWORD))).get_json()[
        "items"] if c["email"] == "owner@jsmb.cn")
    assert member.post(f"/customer/colleagues/{owner_id}", data={
        "action": "disable", "csrf_token": csrf_token(member, "/customer/colleagues")}).status_code == 403
    assert app.test_client().post(f"/api/v1/colleagues/{owner_id}/disable", headers=bearer(token)).status_code == 403
    assert app.test_client().post("/api/v1/colleagues", headers=bearer(token), json={
        "email": "x@jsmb.cn", "role": "member"}).status_code == 403
    assert sign_in(app.test_client(), "owner@jsmb.cn", PASSWORD).status_code == 302


def test_the_last_administrator_cannot_be_disabled_through_the_api(client, app):
    _register(client, "solo@jssolo.cn", 5104)
    token = api_token(client, "solo@jssolo.cn", PASSWORD)
    me = client.get("/api/v1/profile", headers=bearer(token)).get_json()
    assert me["company_role"] == "admin" and me["verified"] is False
    demote = client.patch(f"/api/v1/colleagues/{me['id']}", headers=bearer(token), json={"role": "member"})
    assert demote.status_code == 409 and "至少" in demote.get_json()["error"]["message"]
    assert client.post(f"/api/v1/colleagues/{me['id']}/disable", headers=bearer(token)).status_code == 403


def test_an_invitation_used_twice_or_after_7_days_is_refused(client, app):
    _register(client, "admin@jsinv.cn", 5105)
    sign_in(client, "admin@jsinv.cn", PASSWORD)
    _invite(client, "twice@jsinv.cn")
    _invite(client, "late@jsinv.cn")
    _join(app.test_client(), "twice@jsinv.cn")
    path = _link("invitation", "twice@jsinv.cn")
    again = _post(app.test_client(), path, {"name": "再来", "password": "a long passphrase 2027",
                                            "confirm": "a long passphrase 2027"}, page="/login")
    assert again.status_code == 404 and "邀请无效" in again.get_data(as_text=True)
    late = _link("invitation", "late@jsinv.cn").rsplit("/", 1)[1]
    with time_machine.travel(utc_now() + timedelta(days=7, minutes=1)):
        answer = app.test_client().post(f"/api/v1/invitations/{late}", json={"name": "迟到",
                                                                              "password": "a long passphrase 2027"})
    assert answer.status_code == 404
    assert app.test_client().get(f"/api/v1/invitations/{late}").status_code == 200  # still fine before then


def test_inviting_a_registered_address_gives_the_same_answer(client):
    _register(client, "admin@jssame.cn", 5106)
    token = api_token(client, "admin@jssame.cn", PASSWORD)
    taken = client.post("/api/v1/colleagues", headers=bearer(token), json={"email": "md.admin@demo.local",
                                                                          "role": "member"})
    free = client.post("/api/v1/colleagues", headers=bearer(token), json={"email": "nobody@jssame.cn",
                                                                         "role": "member"})
    assert taken.status_code == free.status_code == 202 and taken.get_json() == free.get_json()


def test_verification_api_and_a_link_after_the_address_changed(client):
    _register(client, "api@jsapi.cn", 5107)
    old = _link("verify", "api@jsapi.cn").rsplit("/", 1)[1]
    token = api_token(client, "api@jsapi.cn", PASSWORD)
    assert client.post("/api/v1/profile/email", headers=bearer(token), json={"email": "new@jsapi.cn"}
                       ).status_code == 202
    assert client.post(f"/api/v1/email-verifications/{old}").status_code == 404
    new = _link("verify", "new@jsapi.cn").rsplit("/", 1)[1]
    assert client.post(f"/api/v1/email-verifications/{new}").get_json() == {"status": "verified",
                                                                             "email": "new@jsapi.cn"}
    assert client.post("/api/v1/tokens", json={"email": "new@jsapi.cn", "password": PASSWORD}).status_code == 201
    assert [m for m in sent_mail("登录邮箱已更改") if m.destinations["ToAddresses"] == ["api@jsapi.cn"]]


def test_profile_page_saves_name_mobile_language_and_the_admin_edits_the_company(client):
    _register(client, "prof@jsprof.cn", 5108)
    sign_in(client, "prof@jsprof.cn", PASSWORD)
    bad = _post(client, "/account/profile", {"action": "me", "me-name": "周经理", "me-mobile": "12345",
                                             "me-language": "zh"})
    assert bad.status_code == 200 and "不是有效的中国大陆手机号" in bad.get_data(as_text=True)
    saved = _post(client, "/account/profile", {"action": "me", "me-name": "周总", "me-mobile": "13700137000",
                                               "me-language": "en"})
    assert saved.status_code == 302 and "lang=en" in saved.headers.get("Set-Cookie", "")
    company = _post(client, "/account/profile", {"action": "company", "co-contact_name": "吴经理",
                                                 "co-mobile": "13600136000", "co-email": "office@jsprof.cn",
                                                 "co-region": "江苏省南京市",
                                                 "co-mailing_address": "南京市鼓楼区中山路 1 号"})
    assert company.status_code == 302
    page = client.get("/account/profile").get_data(as_text=True)
    assert "周总" in page and "南京市鼓楼区中山路 1 号" in page
    assert "江苏康复医疗器械有限公司" in page  # the company name shows, and is not a field here (OBL-1)
    assert 'name="co-name"' not in page
