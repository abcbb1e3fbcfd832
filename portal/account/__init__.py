"""One's own account (issue 15): profile, verified e-mail, and joining a company through an invitation."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from portal.account import routes  # noqa: E402,F401
