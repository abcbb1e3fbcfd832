"""Issue 14 item 4 (SEC-1, sign-in throttling): the client address throttling and the audit trail use comes from
what our own fronts recorded; a forged X-Forwarded-For never chooses it, behind any front. Events are made the
way each front delivers them and turned into WSGI environs by Zappa's own code, as on Lambda."""

import json

import pytest
from werkzeug.test import run_wsgi_app
from zappa.wsgi import create_wsgi_request

from portal.web.client_address import client_address

CLIENT, FORGED, EDGE = "203.0.113.7", "6.6.6.6", "130.176.1.1"  # EDGE: a CloudFront address
BODY = json.dumps({"email": "ortho.clerk@demo.local", "password": "wrong password 1"})


def rest_event(xff: str, source_ip: str | None) -> dict:
    """API Gateway REST (payload 1.0), edge or regional; ALB events have the same shape without sourceIp."""
    context = {"requestId": "r-1", "stage": "dev"}
    if source_ip:
        context["identity"] = {"sourceIp": source_ip}
    else:
        context = {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:ap-east-1:123456789012:targetgroup/p/1"}}
    return {"httpMethod": "POST", "path": "/api/v1/tokens", "queryStringParameters": None, "body": BODY,
            "isBase64Encoded": False, "requestContext": context,
            "headers": {"Host": "portal.example.cn", "Content-Type": "application/json",
                        "X-Forwarded-For": xff, "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443"}}


def v2_event(xff: str, source_ip: str) -> dict:
    """HTTP API or Lambda function URL (payload 2.0): lower-case headers, requestContext.http.sourceIp."""
    return {"version": "2.0", "rawPath": "/api/v1/tokens", "rawQueryString": "", "body": BODY,
            "isBase64Encoded": False,
            "requestContext": {"requestId": "r-2", "http": {"method": "POST", "path": "/api/v1/tokens",
                                                            "sourceIp": source_ip}},
            "headers": {"host": "abc.lambda-url.ap-east-1.on.aws", "content-type": "application/json",
                        "x-forwarded-for": xff, "x-forwarded-proto": "https", "x-forwarded-port": "443"}}


# (front, the event as it reaches the function after the client sent `X-Forwarded-For: FORGED`, the setting)
FRONTS = [
    ("edge API (API Gateway's own CloudFront)", rest_event(f"{FORGED}, {CLIENT}, {EDGE}", CLIENT), 0),
    ("edge API, counting its two entries", rest_event(f"{FORGED}, {CLIENT}, {EDGE}", CLIENT), 2),
    ("regional API", rest_event(f"{FORGED}, {CLIENT}", CLIENT), 0),
    ("regional API, counting its entry", rest_event(f"{FORGED}, {CLIENT}", CLIENT), 1),
    ("our CloudFront in front of a regional API", rest_event(f"{FORGED}, {CLIENT}, {EDGE}", EDGE), 2),
    ("ALB", rest_event(f"{FORGED}, {CLIENT}", None), 1),
    ("function URL / HTTP API", v2_event(f"{FORGED}, {CLIENT}", CLIENT), 0),
    ("our CloudFront in front of a function URL", v2_event(f"{FORGED}, {CLIENT}, {EDGE}", EDGE), 2),
]


def lambda_environ(event: dict) -> dict:
    """The environ Zappa's handler gives the app (create_wsgi_request, then the event and HTTPS added)."""
    environ = create_wsgi_request(event, trailing_slash=False, binary_support=True)
    environ.update({"HTTPS": "on", "wsgi.url_scheme": "https", "lambda.event": event})
    return environ


@pytest.mark.parametrize(("front", "event", "trusted"), FRONTS, ids=[f[0] for f in FRONTS])
def test_SEC_1_a_forged_forwarded_for_never_chooses_the_client_address(front, event, trusted):
    environ = lambda_environ(event)
    assert client_address(environ, trusted) == CLIENT, front


def test_zappas_own_remote_addr_is_forgeable_behind_a_regional_api_so_it_is_never_used():
    environ = lambda_environ(rest_event(f"{FORGED}, {CLIENT}", CLIENT))
    assert environ["REMOTE_ADDR"] == FORGED  # Zappa takes the second-last entry, whatever the front
    assert client_address(environ, 0) == CLIENT


def test_without_a_trusted_record_the_address_is_unknown_never_the_forged_one():
    alb = lambda_environ(rest_event(FORGED, None))  # ALB with the setting left at 0: no sourceIp to trust
    assert client_address(alb, 0) is None
    nonsense = lambda_environ(rest_event("not-an-address", CLIENT))
    assert client_address(nonsense, 1) is None
    # a request that skipped a front has fewer entries than trusted: the leftmost our fronts wrote is used
    assert client_address(lambda_environ(rest_event(CLIENT, CLIENT)), 2) == CLIENT


def test_local_servers_use_the_socket_peer():
    assert client_address({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": FORGED}, 0) == "127.0.0.1"


@pytest.mark.parametrize(("front", "event", "trusted"), [FRONTS[2], FRONTS[5], FRONTS[7]],
                         ids=["regional API", "ALB", "CloudFront + function URL"])
def test_SEC_1_throttling_and_the_audit_trail_see_the_real_client(aws, front, event, trusted):
    from portal import create_app
    from portal.adapters.clock import utc_now
    from portal.adapters.tables import AuditEvent, Throttle
    from portal.domain.timeutil import shanghai_day
    from tests.conftest import TEST_SETTINGS

    app = create_app({**TEST_SETTINGS, "trusted_proxies": trusted})
    _body, status, _headers = run_wsgi_app(app, lambda_environ(event))
    assert status.startswith("401")
    day = shanghai_day(utc_now()).isoformat()
    failed = [e for e in AuditEvent.query(day) if e.action == "auth.sign_in" and e.outcome == "failed"]
    assert [e.ip for e in failed] == [CLIENT]
    keys = {t.key for t in Throttle.scan()}
    assert f"client#{CLIENT}" in keys and not any(FORGED in k for k in keys)
