"""Issue 15 leftovers: the language chosen in one's profile is applied at sign-in on any device; guessed
verification and invitation links are throttled per client address like reset links (SEC-1)."""

import time_machine

from portal.adapters.tables import AuditEvent
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD
from tests.web.test_accounts_web import _post, _register


def test_the_profile_language_is_applied_when_signing_in_on_another_device(app):
    client = app.test_client()
    _register(client, "lang@jslang.cn", 5201)
    sign_in(client, "lang@jslang.cn", PASSWORD)
    saved = _post(client, "/account/profile", {"action": "me", "me-name": "周总", "me-mobile": "13700137000",
                                               "me-language": "en"})
    assert saved.status_code == 302
    other = app.test_client()  # a new browser: no language cookie yet
    assert "登录" in other.get("/login").get_data(as_text=True)
    answer = sign_in(other, "lang@jslang.cn", PASSWORD)
    assert answer.status_code == 302 and "lang=en" in answer.headers.get("Set-Cookie", "")
    home = other.get("/customer/").get_data(as_text=True)
    assert "My company" in home or "Sign out" in home
    assert "退出" not in home


def test_a_user_without_a_chosen_language_keeps_the_browser_s_choice(app):
    client = app.test_client()
    client.get("/lang/en")
    answer = sign_in(client, "ortho.clerk@demo.local")
    assert answer.status_code == 302 and "lang=" not in answer.headers.get("Set-Cookie", "")
    assert "Sign out" in client.get("/staff/").get_data(as_text=True)


def _guesser(app, ip):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def test_SEC_1_guessed_verification_links_are_throttled_per_address(app):
    with time_machine.travel("2027-05-11 04:00:00+00:00", tick=False):
        guesser = _guesser(app, "198.51.100.70")
        token = csrf_token(guesser, "/login")
        answers = [guesser.post(f"/account/verify/x.guess{n}", data={"csrf_token": token}).status_code
                   for n in range(51)]
        api = guesser.post("/api/v1/email-verifications/x.guess")
        elsewhere = _guesser(app, "198.51.100.71").post("/api/v1/email-verifications/x.guess").status_code
    assert answers == [404] * 50 + [429] and api.status_code == 429 and elsewhere == 404
    assert api.get_json()["error"]["code"]
    refused = [e for e in AuditEvent.query("2027-05-11") if e.action == "auth.verify_link"]
    assert refused and all(e.outcome == "refused" for e in refused)


def test_SEC_1_guessed_invitation_links_are_throttled_per_address(app):
    with time_machine.travel("2027-05-12 04:00:00+00:00", tick=False):
        guesser = _guesser(app, "198.51.100.72")
        answers = [guesser.get(f"/account/invitation/x.guess{n}").status_code for n in range(51)]
        api = guesser.get("/api/v1/invitations/x.guess")
        elsewhere = _guesser(app, "198.51.100.73").get("/api/v1/invitations/x.guess").status_code
    assert answers == [404] * 50 + [429] and api.status_code == 429 and elsewhere == 404
