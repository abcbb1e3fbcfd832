"""Every signed-in user's inbox (issue 16): notifications, marking them read, and mail preferences."""

from flask import Blueprint

bp = Blueprint("inbox", __name__)

from portal.inbox import routes  # noqa: E402,F401
