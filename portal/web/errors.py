"""Errors as JSON for the API and as pages for browsers, in the visitor's language."""

from __future__ import annotations

from flask import Flask, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.adapters.uow import Unavailable as StoreUnavailable
from portal.services import audit
from portal.services.errors import ServiceError, Unauthenticated, Unavailable
from portal.web import ctx, wants_json


def api_error(status: int, code: str, message: str, fields: dict | None = None):
    """The API's one error shape: {"error": {"code", "message", "fields"}}."""
    body = {"error": {"code": code, "message": str(message),
                      "fields": {k: [str(m) for m in v] for k, v in (fields or {}).items()}}}
    return jsonify(body), status


def register_error_handlers(app: Flask) -> None:
    """Map service errors, CSRF failures and HTTP errors to answers."""

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        headers = [("Retry-After", str(exc.retry_after))] if isinstance(exc, Unavailable) else []
        if wants_json():
            body, status = api_error(exc.status, exc.code, exc.message, exc.fields)
            return body, status, headers
        if isinstance(exc, Unauthenticated) and g.get("actor") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return render_template("errors/error.html", status=exc.status, message=exc.message), exc.status, headers

    @app.errorhandler(StoreUnavailable)
    def _unavailable(exc: StoreUnavailable):
        # the store, the bucket or the mail service failed for a reason a retry may cure: never the user's
        # fault, never a 409 (issue 13); what was committed stands, what was not is not half-written
        app.logger.warning("unavailable: %s", exc)
        return _service_error(Unavailable())

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        audit.record(ctx(), "access.csrf_refused", outcome="refused", target_type="path", target_id=request.path)
        message = _("This form has expired or was not sent from this portal. Go back, reload the page and try again.")
        if wants_json():  # the upload script shows it next to the form
            return api_error(400, "csrf", message)
        return render_template("errors/error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        messages = {
            404: _("This page does not exist."),
            405: _("This action is not allowed here."),
            413: _("The request is too large."),
            500: _("Something went wrong on our side, not yours. Please try again later."),
        }
        message = messages.get(exc.code, exc.description)
        headers = [(k, v) for k, v in exc.get_headers() if k == "Allow"]  # every 405 says what is allowed
        if wants_json():
            body, status = api_error(exc.code or 500, exc.name.lower().replace(" ", "_"), message)
            return body, status, headers
        return render_template("errors/error.html", status=exc.code, message=message), exc.code, headers
