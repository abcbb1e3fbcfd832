"""Issue 14 item 1 (SEC-1, DESIGN rule 10): one JSON line per request through the portal's own logger, and no
password, key, cookie or token in any log line, even with the root logger at DEBUG as Zappa's default sets it."""

import json
import logging

import pytest

from tests.conftest import DEMO_PASSWORD, TEST_SETTINGS, csrf_token, sign_in
from tests.factories import credit_code
from tests.web.test_admission_web import REGISTRATION


class Everything(logging.Handler):
    """Every record that reaches the root logger, formatted with its traceback."""

    def __init__(self):
        super().__init__(logging.NOTSET)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record):
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def logs():
    """Capture every log record with the root logger at DEBUG (Zappa's default), the app's own levels kept."""
    root = logging.getLogger()
    handler, level = Everything(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def request_lines(handler) -> list[dict]:
    return [json.loads(r.getMessage()) for r in handler.records if r.name == "portal.request"]


def test_SEC_1_no_secret_reaches_the_logs_of_sign_in_registration_password_change_and_tokens(client, logs):
    new_password = "a whole new phrase 2027"
    invitation = "invitation-secret-0123456789"
    sign_in(client, "ortho.rep@demo.local")
    cookie = client.get_cookie("portal_session").value
    token = csrf_token(client, "/account/password")
    assert client.post("/account/password", data={"csrf_token": token, "current_password": DEMO_PASSWORD,
                                                   "new_password": new_password,
                                                   "confirm": new_password}).status_code == 302
    other = client.application.test_client()
    token = csrf_token(other, f"/register?invitation={invitation}")
    other.post("/register", data={**REGISTRATION, "csrf_token": token, "credit_code": credit_code(4301),
                                  "email": "logs@jg.cn"})
    answer = other.post("/api/v1/tokens", json={"email": "ortho.clerk@demo.local", "password": DEMO_PASSWORD})
    bearer = answer.get_json()["token"]
    assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {bearer}"}).status_code == 200
    secrets = {"password": DEMO_PASSWORD, "new password": new_password, "registration password":
               REGISTRATION["password"], "cookie key": TEST_SETTINGS["secret_key"],
               "token key": TEST_SETTINGS["token_key"], "session cookie": cookie, "bearer token": bearer,
               "invitation": invitation}
    text = "\n".join(logs.lines)
    assert logs.lines, "nothing was captured: the test would prove nothing"
    assert {name for name, secret in secrets.items() if secret in text} == set()
    assert not [r for r in logs.records if r.name.startswith(("botocore", "boto3", "urllib3", "pynamodb"))
                and r.levelno < logging.WARNING]


def test_one_structured_line_per_request(client, logs):
    sign_in(client, "ortho.clerk@demo.local")  # GET /login, POST /login
    client.get("/staff/")
    client.get("/no-such-page")
    lines = request_lines(logs)
    assert [(x["method"], x["route"], x["status"]) for x in lines] == [
        ("GET", "/login", 200), ("POST", "/login", 302), ("GET", "/staff/", 200), ("GET", None, 404)]
    assert {tuple(sorted(x)) for x in lines} == {
        ("duration_ms", "endpoint", "method", "request_id", "route", "status", "user_id")}
    assert lines[0]["user_id"] is None and lines[2]["user_id"] and lines[2]["endpoint"] == "staff.home"
    assert len({x["request_id"] for x in lines}) == 4 and all(x["duration_ms"] >= 0 for x in lines)
    assert all(r.levelno == logging.INFO for r in logs.records if r.name == "portal.request")


def test_the_request_id_is_lambdas_when_zappa_passes_its_context(client, logs):
    class Context:
        aws_request_id = "c0ffee00-1234-4bcd-9876-000000000001"

    client.get("/login", environ_base={"lambda.context": Context()})
    assert request_lines(logs)[-1]["request_id"] == Context.aws_request_id
