"""Issue 15 item 5, the optional side: a user whose role does not require two-factor sign-in turns it off with a
current code (audited, the owner told); a wrong code is said next to the field and changes nothing; a role that
requires it cannot turn it off (page and API)."""

import pytest

from portal.adapters.tables import AuditEvent, User
from tests.conftest import DEMO_PASSWORD, api_token, bearer, csrf_token, sent_mail, sign_in, user_id_of
from tests.web.test_two_factor import LEADER, at, code_at, enrol, post, required  # noqa: F401 (a fixture)

CLERK = "ortho.clerk@demo.local"
pytestmark = pytest.mark.usefixtures("required")  # the production setting: two-factor required of md, lead, dm


def test_an_optional_user_turns_two_factor_off_with_a_code_and_a_wrong_code_changes_nothing(app):
    client = app.test_client()
    with at(0):
        sign_in(client, CLERK)
    secret, _codes = enrol(client)
    uid = user_id_of(CLERK)
    with at(60):
        page = client.get("/account/security").get_data(as_text=True)
        assert "关闭两步验证" in page
        wrong = post(client, "/account/security/totp/off", code="000000")
        assert wrong.status_code == 200
        body = wrong.get_data(as_text=True)
        assert 'aria-invalid="true"' in body and "验证码错误" in body  # next to the field
        assert User.get(uid).totp_secret == secret  # still on
        done = client.post("/account/security/totp/off",
                           data={"code": code_at(secret, 60), "csrf_token": csrf_token(client, "/account/security")})
        assert done.status_code == 302
    assert User.get(uid).totp_secret is None and not User.get(uid).recovery_hashes
    assert sent_mail("已关闭两步验证")[0].destinations["ToAddresses"] == [CLERK]
    assert [e.target_id for e in AuditEvent.query("2027-04-06") if e.action == "auth.totp_disabled"] == [uid]
    with at(120):  # the password alone signs in again
        other = app.test_client()
        assert sign_in(other, CLERK).headers["Location"].endswith("/staff/")


def test_a_required_role_cannot_turn_two_factor_off_on_the_page_or_through_the_api(app):
    client = app.test_client()
    with at(0):
        sign_in(client, LEADER)
    secret, _codes = enrol(client)
    with at(60):
        assert "关闭两步验证" not in client.get("/account/security").get_data(as_text=True)
        refused = post(client, "/account/security/totp/off", code=code_at(secret, 60))
        assert refused.status_code == 302
        assert "不能关闭" in client.get("/account/security").get_data(as_text=True)
        token = client.post("/api/v1/tokens", json={"email": LEADER, "password": DEMO_PASSWORD,
                                                    "code": code_at(secret, 60)}).get_json()["token"]
    with at(90):
        api = client.post("/api/v1/account/totp/off", headers=bearer(token), json={"code": code_at(secret, 90)})
    assert api.status_code == 409
    assert User.get(user_id_of(LEADER)).totp_secret == secret


def test_the_api_turns_it_off_and_answers_the_state(app):
    client = app.test_client()
    with at(0):
        sign_in(client, CLERK)
    secret, codes = enrol(client)
    with at(60):
        token = client.post("/api/v1/tokens", json={"email": CLERK, "password": DEMO_PASSWORD,
                                                    "code": code_at(secret, 60)}).get_json()["token"]
        wrong = client.post("/api/v1/account/totp/off", headers=bearer(token), json={"code": "123456"})
        done = client.post("/api/v1/account/totp/off", headers=bearer(token), json={"code": codes[0]})
    assert wrong.status_code == 422 and "code" in wrong.get_json()["error"]["fields"]
    assert done.status_code == 200 and done.get_json()["totp"] is False
    assert api_token(app.test_client(), CLERK)  # the password alone gives a token again
