"""Issue 14 item 3 (SEC-1): the signing keys come from an SSM SecureString read once per process; cookies and API
tokens have separate keys; a rotation signs nobody out while the previous keys still verify."""

import json

import pytest

from tests.conftest import DEMO_PASSWORD, count_aws_calls, sign_in

PARAMETER = "/customer-portal/test/keys"
K1, K2, T1, T2 = ("cookie-key-one-" + "1" * 30, "cookie-key-two-" + "2" * 30, "token-key-one-" + "3" * 30,
                  "token-key-two-" + "4" * 30)


def store(**keys) -> None:
    from portal.adapters import aws, secrets

    aws.client("ssm").put_parameter(Name=PARAMETER, Type="SecureString", Value=json.dumps(keys), Overwrite=True)
    secrets.forget()


def portal():
    from portal import create_app
    from tests.conftest import TEST_SETTINGS

    settings = {k: v for k, v in TEST_SETTINGS.items() if k not in ("secret_key", "token_key")}
    app = create_app({**settings, "secrets_parameter": PARAMETER})
    app.config["TESTING"] = True
    return app


@pytest.fixture
def keys(aws):
    from portal.adapters import secrets

    yield
    secrets.forget()


def test_keys_are_read_from_ssm_once_per_process(keys):
    store(secret_key=K1, token_key=T1)
    with count_aws_calls() as calls:
        first, second = portal(), portal()
    assert calls["ssm.GetParameter"] == 1
    for app in (first, second):
        settings = app.extensions["portal.settings"]
        assert app.config["SECRET_KEY"] == K1 and settings.token_keys == [T1]
        assert app.config["SECRET_KEY_FALLBACKS"] == []


def test_a_rotation_signs_nobody_out_and_its_end_retires_the_old_keys(keys):
    store(secret_key=K1, token_key=T1)
    before = portal()
    browser = before.test_client()
    assert sign_in(browser, "ortho.clerk@demo.local").status_code == 302
    cookie = browser.get_cookie("portal_session").value
    token = browser.post("/api/v1/tokens", json={"email": "ortho.clerk@demo.local", "password": DEMO_PASSWORD}
                         ).get_json()["token"]

    store(secret_key=K2, secret_key_previous=K1, token_key=T2, token_key_previous=T1)  # rotation starts
    during = portal().test_client()
    during.set_cookie("portal_session", cookie)
    assert during.get("/staff/").status_code == 200  # the old cookie still opens the session
    assert during.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    fresh = during.post("/api/v1/tokens", json={"email": "ortho.clerk@demo.local", "password": DEMO_PASSWORD}
                        ).get_json()["token"]

    store(secret_key=K2, token_key=T2)  # rotation ends: the previous keys are dropped
    after = portal().test_client()
    after.set_cookie("portal_session", cookie)
    assert after.get("/staff/").status_code == 302  # signed with a retired key: back to the sign-in page
    assert after.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert after.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_a_token_signed_with_the_cookie_key_is_refused(keys):
    from itsdangerous import URLSafeSerializer

    from portal.services.auth import find_user_by_email

    store(secret_key=K1, token_key=T1)
    client = portal().test_client()
    uid = find_user_by_email("ortho.clerk@demo.local").user_id
    forged = URLSafeSerializer(K1, salt="api-token").dumps({"uid": uid, "exp": 4102444800})
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
