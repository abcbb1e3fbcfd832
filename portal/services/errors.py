"""Errors a user can cause, each with an HTTP status, a code and a translatable message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class ServiceError(Exception):
    """Base: status, machine-readable code, human message, and per-field messages."""

    status = 400
    code = "bad_request"

    def __init__(self, message=None, fields: dict | None = None):
        super().__init__(str(message or self.code))
        self.message = message or self.default_message()
        self.fields = fields or {}

    def default_message(self):
        """The message used when none is given."""
        return _l("The request could not be processed.")


class Invalid(ServiceError):
    """Input that breaks a rule; `fields` names the fields."""

    status = 422
    code = "invalid"

    def default_message(self):
        return _l("Please correct the marked fields.")


class Unauthenticated(ServiceError):
    """No valid sign-in or token."""

    status = 401
    code = "unauthenticated"

    def default_message(self):
        return _l("Please sign in.")


class Forbidden(ServiceError):
    """Signed in, but not allowed here (SEC-1)."""

    status = 403
    code = "forbidden"

    def default_message(self):
        return _l("You do not have access to this.")


class NotFound(ServiceError):
    """No such record, or not one this user may know about."""

    status = 404
    code = "not_found"

    def default_message(self):
        return _l("Not found.")


class Conflict(ServiceError):
    """The record exists already, or changed since the form was loaded."""

    status = 409
    code = "conflict"

    def default_message(self):
        return _l("This record was changed by someone else. Reload the page and try again.")


class Unavailable(ServiceError):
    """Not the user's fault: the store, the bucket or the mail service could not do it now (throttled, a
    transaction that met another, a lost connection). Nothing half-written stays; the same request again
    finishes it, so the answer says "try again" and when (Retry-After)."""

    status = 503
    code = "unavailable"
    retry_after = 5  # seconds

    def default_message(self):
        return _l("The service is busy or briefly unreachable; nothing was lost. Please try again in a moment.")


class Throttled(ServiceError):
    """Too many failed sign-ins."""

    status = 429
    code = "throttled"

    def __init__(self, until, message=None):
        self.until = until
        super().__init__(message)

    def default_message(self):
        return _l("Too many failed sign-in attempts. Please wait 15 minutes and try again.")
