"""Who is asking (session cookie or bearer token) and the security headers of every answer."""

from __future__ import annotations

import json
import math
from urllib.parse import urlsplit

from flask import Response, g, request, session
from flask.json.provider import DefaultJSONProvider

from portal.adapters import files
from portal.adapters.uow import UnitOfWork
from portal.services.mfa import must_set_up
from portal.services.sessions import actor_for, resume, seen
from portal.services.tokens import read_token_session
from portal.web import request_now, request_store, settings


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:20]}")
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class StrictJSON(DefaultJSONProvider):
    """Request bodies as strict JSON: no NaN or Infinity, no number beyond a double, no nesting that exhausts the
    stack. Each is a ValueError, which Flask answers as a malformed body (400), never as a 500."""

    def loads(self, s: str | bytes, **kwargs):
        """Parse `s`, refusing what JSON does not allow."""
        try:
            return json.loads(s, parse_float=_finite, parse_constant=_no_constant, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc


def identify() -> None:
    """Set g.actor from the API bearer token or the browser session; None when anonymous. A session or token unused
    longer than the idle limit ends; "last seen" is written at most once a minute (issue 15 item 7)."""
    g.actor, g.must_change_password, g.mfa_setup, g.token_sid, g.unread = None, False, False, None, None
    if request.endpoint == "static":
        return
    conf = settings()
    found = None
    if request.path.startswith("/api/"):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            found = read_token_session(header[7:].strip(), conf.token_keys, request_now(), idle=conf.idle_limit)
            g.token_sid = found.session.sid_hash
    elif raw := session.get("sid"):
        store = request_store()  # a GET keeps what it read: the catalogue comes with the session, for its pages
        inbox: dict = {}  # the bell's unread count, read in the same BatchGetItem (issue 16)
        found = resume(raw, request_now(), UnitOfWork(store), user_id=session.get("uid"),
                       with_catalogue=store is not None, idle=conf.idle_limit, inbox=inbox)
        g.unread = inbox.get("unread")
        if found is None:
            session.clear()  # ended, expired, idle or disabled: the old cookie is worthless
    if found is not None:
        user = found.user
        g.actor, g.must_change_password = actor_for(user), bool(user.must_change_password)
        g.mfa_setup = must_set_up(user, conf.mfa_roles)
        if found.due_for_seen(request_now()):
            seen(found.session.sid_hash, request_now())


def _origin(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def security_headers(response: Response) -> Response:
    """CSP, nosniff, frame, referrer, permissions and opener policies; HSTS outside local; private pages no-store."""
    conf = settings()
    static = _origin(conf.static_url)
    extra = f" {static}" if static else ""
    # Documents are POSTed by a signed-in person's page straight to S3; pages for visitors never upload, so
    # they neither allow it nor pay for an S3 client on a cold start.
    uploads = f" {files.upload_origin()}" if g.get("actor") is not None else ""
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self'{extra}; style-src 'self'{extra}; img-src 'self' data:{extra}; "
        f"connect-src 'self'{uploads}; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if not conf.is_local:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if g.get("actor") is not None or request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response
