"""JSON API under /api/v1, over the same services as the pages, described by /api/v1/openapi.json."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from portal.api import (  # noqa: E402,F401
    accounts,
    admission,
    contracts,
    dynamics,
    eligibility,
    exports,
    grading,
    inbox,
    onboarding,
    routes,
    sales,
    search,
    security,
    tickets,
    visits,
)
