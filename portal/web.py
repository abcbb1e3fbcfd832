"""Glue shared by the blueprints: the request context, the access decorators and the settings."""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, redirect, request, url_for

from portal.adapters.clock import utc_now
from portal.config import Settings
from portal.domain.roles import Perm
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Unauthenticated


def settings() -> Settings:
    """The running app's settings."""
    return current_app.extensions["portal.settings"]


def ctx() -> Ctx:
    """The service context of the current request: actor, client address and the clock."""
    return Ctx(
        actor=g.get("actor"),
        now=utc_now(),
        ip=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
    )


def wants_json() -> bool:
    """The API, and the pages' scripts (they send JSON or ask for it), get answers and errors as JSON."""
    return (request.path.startswith("/api/") or request.is_json
            or request.accept_mimetypes.best == "application/json")


def signed_in_required(view):
    """Anyone signed in; anonymous browsers go to the sign-in page, API calls get 401."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("actor") is None:
            if wants_json():
                raise Unauthenticated()
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def staff_required(perm: Perm = Perm.STAFF_HOME):
    """Staff holding `perm`, in the URL's department when it names one (SEC-1).

    Records found by their own id are checked again by the services once loaded.
    """

    def decorator(view):
        @signed_in_required
        @wraps(view)
        def wrapper(*args, **kwargs):
            authorize(ctx(), perm, kwargs.get("dept_id"), target=request.path)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def customer_required(view):
    """The users of a customer company only."""

    @signed_in_required
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not g.actor.is_customer:
            raise refuse(ctx(), "customer_area", request.path)
        return view(*args, **kwargs)

    return wrapper

