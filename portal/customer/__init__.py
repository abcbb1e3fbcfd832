"""Pages for the users of customer companies."""

from flask import Blueprint

bp = Blueprint("customer", __name__)

from portal.customer import colleagues, routes, tickets  # noqa: E402,F401
