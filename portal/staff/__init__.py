"""Staff pages: departments, staff accounts, product catalogues, audit."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from portal.staff import (  # noqa: E402,F401
    admission,
    contracts,
    documents,
    dynamics,
    eligibility,
    exports,
    grading,
    onboarding,
    routes,
    sales,
    search,
    tickets,
    visits,
)
