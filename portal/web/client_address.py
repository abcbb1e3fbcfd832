"""The client's address, from what our own fronts recorded and never from what the client wrote (issue 14 item 4).

Throttling and the audit trail read `request.remote_addr`; this WSGI middleware sets it before Flask looks.
`trusted_proxies` (PORTAL_TRUSTED_PROXIES) is how many X-Forwarded-For entries, counted from the right, our own
infrastructure appends; everything left of them is the client's to forge:

| front                                               | setting | client address                    |
|-----------------------------------------------------|---------|-----------------------------------|
| API Gateway REST (edge or regional), HTTP API,      | 0       | the event's requestContext        |
| Lambda function URL                                 |         | sourceIp (what AWS saw connect)   |
| ALB (its events carry no sourceIp)                  | 1       | the rightmost X-Forwarded-For     |
| CloudFront of our own in front of any of the above  | 2       | the entry CloudFront appended     |

With 0 outside Lambda (werkzeug, gunicorn) it is the socket's peer. Zappa's own REMOTE_ADDR (the second-last
X-Forwarded-For entry whatever the front) is never used: behind a regional API the client chooses it.
"""

from __future__ import annotations

import ipaddress


def _valid(text: str | None) -> str | None:
    """`text` when it is an IP address, else None."""
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None


def source_ip(event: dict) -> str | None:
    """The connecting address API Gateway (REST v1, HTTP API v2) or a function URL put in the event."""
    context = event.get("requestContext") or {}
    return _valid((context.get("identity") or {}).get("sourceIp") or (context.get("http") or {}).get("sourceIp"))


def client_address(environ: dict, trusted_proxies: int) -> str | None:
    """The client's address in a WSGI `environ` (Zappa's, or a server's), or None when nothing says it."""
    if trusted_proxies > 0:
        entries = [e.strip() for e in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if entries:
            return _valid(entries[-min(trusted_proxies, len(entries))])
    event = environ.get("lambda.event")
    if event is not None:
        return source_ip(event)
    return _valid(environ.get("REMOTE_ADDR"))


class ClientAddress:
    """WSGI middleware: REMOTE_ADDR becomes `client_address` (absent when unknown: throttled as `unknown`)."""

    def __init__(self, app, trusted_proxies: int = 0) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies

    def __call__(self, environ, start_response):
        address = client_address(environ, self.trusted_proxies)
        if address is None:
            environ.pop("REMOTE_ADDR", None)
        else:
            environ["REMOTE_ADDR"] = address
        return self.app(environ, start_response)
