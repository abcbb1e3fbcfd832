"""Sign-in, sign-out, language choice and the user's own password."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.auth import routes, security  # noqa: E402,F401
