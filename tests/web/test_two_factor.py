"""Issue 15 item 5 through the Flask client, with the production setting on (two-factor required of MD,
leadership and department leaders): set-up after the password step, sign-in with a code, a replayed code, six
wrong codes, recovery codes, the API's `code`, and MD's reset of a lost device."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine

from portal.config import Settings
from tests.conftest import DEMO_PASSWORD, api_token, bearer, csrf_token, sent_mail, sign_in

LEADER = "ortho.leader@demo.local"
T0 = datetime(2027, 4, 6, 1, 0, 0, tzinfo=UTC)


@pytest.fixture
def required(app):
    """The app with the production default: two-factor required of md, lead and dm."""
    conf = app.extensions["portal.settings"]
    app.extensions["portal.settings"] = replace(conf, mfa_required_roles=Settings.mfa_required_roles)
    assert app.extensions["portal.settings"].mfa_roles == {"md", "lead", "dm"}
    return app


def at(seconds: int):
    return time_machine.travel(T0 + timedelta(seconds=seconds), tick=False)


def code_at(secret: str, seconds: int) -> str:
    return pyotp.TOTP(secret).at(T0 + timedelta(seconds=seconds))


def post(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def enrol(client) -> tuple[str, list[str]]:
    """Set up TOTP as the signed-in user at T0: the secret read from the page, the recovery codes shown."""
    with at(0):
        start = client.post("/account/security/totp/start",
                            data={"csrf_token": csrf_token(client, "/account/security/totp")})
        assert start.status_code == 302
        page = client.get("/account/security/totp").get_data(as_text=True)
        assert "<svg" in page  # the QR code, drawn by the server
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
        done = post(client, "/account/security/totp", code=code_at(secret, 0))
        assert done.status_code == 200
        codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


def test_a_required_leader_without_totp_is_sent_to_set_up_after_the_password(required, client):
    with at(0):
        assert sign_in(client, LEADER).status_code == 302
        home = client.get("/staff/")
        assert home.status_code == 302 and home.headers["Location"].endswith("/account/security/totp")
        token = api_token(client, LEADER)  # the API opens only the set-up too
        refused = client.get("/api/v1/departments", headers=bearer(token))
        assert refused.status_code == 403 and refused.get_json()["error"]["message"] == "请先设置两步验证。"
        assert client.get("/api/v1/account/security", headers=bearer(token)).status_code == 200
    secret, _codes = enrol(client)
    with at(10):
        assert client.get("/staff/").status_code == 200
    [mail] = sent_mail("已开启两步验证")
    assert mail.destinations["ToAddresses"] == [LEADER]
    assert secret not in mail.body


def test_a_clerk_signs_in_with_the_password_alone_when_the_setting_is_on(required, client):
    with at(0):
        assert sign_in(client, "ortho.clerk@demo.local").status_code == 302
        assert client.get("/staff/").status_code == 200


def test_sign_in_with_totp_and_a_replayed_code_is_refused(required, app):
    first, second = app.test_client(), app.test_client()
    with at(0):
        sign_in(first, LEADER)
    secret, _ = enrol(first)
    with at(60):
        answer = sign_in(second, LEADER)
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/login/totp")
        assert second.get("/staff/").status_code == 302  # the password alone opened nothing
        code = code_at(secret, 60)
        assert post(second, "/login/totp", code=code).status_code == 302
        assert second.get("/staff/").status_code == 200
    third = app.test_client()
    with at(70):  # the same code, still inside its 30 seconds: never accepted twice
        sign_in(third, LEADER)
        replayed = post(third, "/login/totp", code=code)
        assert replayed.status_code == 200 and "已使用过" in replayed.get_data(as_text=True)
        assert third.get("/staff/").status_code == 302


def test_six_wrong_totp_codes_make_the_sixth_wait_even_if_right(required, app):
    client = app.test_client()
    with at(0):
        sign_in(client, LEADER)
    secret, _ = enrol(client)
    other = app.test_client()
    with at(120):
        sign_in(other, LEADER)
        answers = [post(other, "/login/totp", code="000000").status_code for _ in range(5)]
        sixth = post(other, "/login/totp", code=code_at(secret, 120))
    assert answers == [200] * 5 and sixth.status_code == 429
    assert "登录失败次数过多" in sixth.get_data(as_text=True)
    with at(120 + 61):  # the wait is over: the right code signs in
        sign_in(other, LEADER)
        assert post(other, "/login/totp", code=code_at(secret, 181)).status_code == 302


def test_a_recovery_code_signs_in_once(required, app):
    client = app.test_client()
    with at(0):
        sign_in(client, LEADER)
    _secret, codes = enrol(client)
    with at(60):
        phone_lost = app.test_client()
        sign_in(phone_lost, LEADER)
        assert post(phone_lost, "/login/totp", code=codes[3].upper()).status_code == 302
        again = app.test_client()
        sign_in(again, LEADER)
        assert post(again, "/login/totp", code=codes[3]).status_code == 200
        page = phone_lost.get("/account/security").get_data(as_text=True)
    assert "剩余恢复码：9" in page


def test_the_api_needs_the_code_and_a_token_signs_out(required, client):
    with at(0):
        sign_in(client, LEADER)
    secret, _ = enrol(client)
    with at(60):
        without = client.post("/api/v1/tokens", json={"email": LEADER, "password": DEMO_PASSWORD})
        assert without.status_code == 401 and "code" in without.get_json()["error"]["fields"]
        made = client.post("/api/v1/tokens", json={"email": LEADER, "password": DEMO_PASSWORD,
                                                   "code": code_at(secret, 60)})
        assert made.status_code == 201
        token = made.get_json()["token"]
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
        assert client.delete("/api/v1/tokens/current", headers=bearer(token)).status_code == 200
        gone = client.get("/api/v1/me", headers=bearer(token))
    assert gone.status_code == 401 and gone.get_json()["error"]["message"] == "令牌已退出登录，请重新获取。"


def test_md_resets_a_lost_device_audited_and_the_leader_sets_it_up_again(required, app):
    from portal.adapters.tables import AuditEvent, User
    from tests.conftest import user_id_of

    leader = app.test_client()
    with at(0):
        sign_in(leader, LEADER)
    enrol(leader)
    md = app.test_client()
    uid = user_id_of(LEADER)
    with at(0):
        sign_in(md, "md.admin@demo.local")
    enrol(md)
    with at(60):
        page = md.get(f"/staff/users/{uid}").get_data(as_text=True)
        assert "重置两步验证" in page
        reset = md.post(f"/staff/users/{uid}/two-factor-reset",
                        data={"csrf_token": csrf_token(md, f"/staff/users/{uid}")})
        assert reset.status_code == 302
        assert leader.get("/staff/").status_code == 302  # signed out everywhere
    assert User.get(uid).totp_secret is None
    assert sent_mail("两步验证已重置")[0].destinations["ToAddresses"] == [LEADER]
    day = "2027-04-06"
    assert [e.target_id for e in AuditEvent.query(day) if e.action == "auth.totp_reset"] == [uid]
    with at(90):
        sign_in(leader, LEADER)
        assert leader.get("/staff/").headers["Location"].endswith("/account/security/totp")


def test_only_md_resets_two_factor(required, app):
    from tests.conftest import user_id_of

    client = app.test_client()
    with at(0):
        sign_in(client, "ortho.clerk@demo.local")
        uid = user_id_of(LEADER)
        answer = client.post(f"/staff/users/{uid}/two-factor-reset",
                             data={"csrf_token": csrf_token(client, "/account/security")})
    assert answer.status_code == 403
