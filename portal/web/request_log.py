"""One structured JSON line per request through the portal's own logger, and quiet SDK loggers (issue 14 item 1).

The line names the request, the user, the route's rule (`/invite/<token>`, never the path that carries the
token), the endpoint, the status and the duration. Nothing from the body, the query, the headers or the cookies
is ever logged, so no password, token, key, cookie or document content can reach CloudWatch.
"""

from __future__ import annotations

import json
import logging
import time
import uuid

from flask import Flask, Response, g, request

log = logging.getLogger("portal.request")  # at INFO (portal.adapters.setup.configure_logging)


def _request_id() -> str:
    """Lambda's request id when Zappa passes its context, else a fresh one (local runs, tests)."""
    context = request.environ.get("lambda.context")
    return getattr(context, "aws_request_id", None) or uuid.uuid4().hex


def _start() -> None:
    g.request_started = time.perf_counter()
    g.request_id = _request_id()


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    actor = g.get("actor")
    line = {
        "request_id": g.get("request_id"),
        "user_id": actor.user_id if actor is not None else None,
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule is not None else None,
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
    }
    log.info(json.dumps(line, separators=(",", ":")))
    return response


def register(app: Flask) -> None:
    """Log every request of `app` once, at its end."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)  # first, so the duration covers the rest
    app.after_request(_finish)
