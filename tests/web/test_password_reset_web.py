"""Issue 15 item 1 through the Flask client: 忘记密码 on the sign-in page, the same answer for any address, the
link's page, the API's two operations, and a temporary password that must be changed at the next sign-in."""

import re

from tests.conftest import csrf_token, sent_mail, sign_in

REP = "rehab.rep@demo.local"
NEW = "a brand new phrase 2027"


def link_path(subject="重设密码") -> str:
    return re.search(r"https?://[^/\s]+(/password/reset/\S+)", sent_mail(subject)[-1].body).group(1)


def test_SEC_1_forgot_password_from_the_sign_in_page_to_a_new_password(client):
    login = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in login and "忘记密码" in login
    known = client.post("/password/forgot", data={"email": REP, "csrf_token": csrf_token(client, "/password/forgot")})
    unknown = client.post("/password/forgot", data={"email": "nobody@x.cn",
                                                    "csrf_token": csrf_token(client, "/password/forgot")})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)  # nothing tells them apart
    assert [m.destinations["ToAddresses"] for m in sent_mail("重设密码")] == [[REP]]
    path = link_path()
    page = client.get(path)
    assert page.status_code == 200 and "设置新密码" in page.get_data(as_text=True)
    weak = client.post(path, data={"password": "12345678", "csrf_token": csrf_token(client, path)})
    assert weak.status_code == 200 and "常见" in weak.get_data(as_text=True)  # said next to the field
    done = client.post(path, data={"password": NEW, "csrf_token": csrf_token(client, path)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert sign_in(client, REP, NEW).status_code == 302
    again = client.get(path)
    assert again.status_code == 404 and "该链接无效或已过期" in again.get_data(as_text=True)


def test_SEC_1_a_forged_link_and_a_stale_form_change_nothing(client):
    client.post("/password/forgot", data={"email": REP, "csrf_token": csrf_token(client, "/password/forgot")})
    path = link_path()
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    assert client.get(forged).status_code == 404
    assert client.post(forged, data={"password": NEW, "csrf_token": csrf_token(client, path)}).status_code == 404
    no_csrf = client.post(path, data={"password": NEW})
    assert no_csrf.status_code == 400
    assert sign_in(client, REP).status_code == 302  # the old password still works


def test_SEC_1_the_api_answers_202_for_any_address_and_sets_the_password_once(client):
    for email in (REP, "nobody@x.cn"):
        answer = client.post("/api/v1/password-resets", json={"email": email})
        assert answer.status_code == 202 and answer.get_json()["status"] == "received"
    assert len(sent_mail("重设密码")) == 1
    token = link_path().rsplit("/", 1)[1]
    assert client.post(f"/api/v1/password-resets/{token}", json={"password": NEW}).get_json() == {
        "status": "changed"}
    used = client.post(f"/api/v1/password-resets/{token}", json={"password": "another phrase 2027"})
    assert used.status_code == 404 and used.get_json()["error"]["message"] == "该链接无效或已过期，请重新获取。"
    assert client.post("/api/v1/tokens", json={"email": REP, "password": NEW}).status_code == 201


def test_SEC_1_a_temporary_password_must_be_changed_at_the_next_sign_in(client):
    sign_in(client, "ortho.leader@demo.local")
    path = "/staff/departments/ortho/staff/new"
    made = client.post(path, data={"email": "new.rep@demo.local", "name": "新代表", "role": "rep",
                                   "password": "temporary phrase 2027", "csrf_token": csrf_token(client, path)})
    assert made.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/password")})
    assert sign_in(client, "new.rep@demo.local", "temporary phrase 2027").status_code == 302
    home = client.get("/staff/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/account/password")
    token = client.post("/api/v1/tokens", json={"email": "new.rep@demo.local", "password": "temporary phrase 2027"})
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.get_json()['token']}"})
    assert me.status_code == 403
    changed = client.post("/account/password", data={
        "current_password": "temporary phrase 2027", "new_password": "my own phrase 2027",
        "confirm": "my own phrase 2027", "csrf_token": csrf_token(client, "/account/password")})
    assert changed.status_code == 302
    assert client.get("/staff/").status_code == 200
