"""Glue shared by the blueprints: the request context, the access decorators and the settings."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import wraps
from urllib.parse import unquote, urlsplit

from flask import Response, current_app, flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.adapters.clock import utc_now
from portal.adapters.store.cache import RequestCache
from portal.adapters.uow import default_store
from portal.config import Settings
from portal.domain.roles import Perm
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Forbidden, Unauthenticated
from portal.services.exports import csv_text


def settings() -> Settings:
    """The running app's settings."""
    return current_app.extensions["portal.settings"]


def request_now():
    """The one moment of the current request (DESIGN rule 3): read once, the same for every service it calls."""
    if "now" not in g:
        g.now = utc_now()
    return g.now


def request_store():
    """Where a reading request's services read (DESIGN rule 12): a GET remembers its reads, so what two services
    of one page both need is read once; other methods read afresh (their retries must see others' writes)."""
    if request.method not in ("GET", "HEAD"):
        return None
    if "read_store" not in g:
        g.read_store = RequestCache(default_store())
    return g.read_store


def ctx() -> Ctx:
    """The service context of the current request: actor, client address and the request's one clock."""
    return Ctx(
        actor=g.get("actor"),
        now=request_now(),
        ip=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
        store=request_store(),
    )


def safe_next(target: str | None) -> str | None:
    """A `next` to follow only if it stays on this site after the clean-up browsers do; else None (SEC-1).

    Browsers drop tabs and newlines anywhere in a URL, strip leading spaces and controls, and read a backslash
    as a slash; some decode percent-escapes before they look. Anything that could then name another host or a
    scheme (`//x`, `/\\x`, `/%09/x`, `https:x`, `javascript:…`) is refused, and so is any control character.
    """
    if not target or len(target) > 2000:
        return None
    for candidate in (target, unquote(target)):
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in candidate) or "\\" in candidate:
            return None
        if not candidate.startswith("/") or candidate.startswith("//"):
            return None
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return None
    return target


def wants_json() -> bool:
    """The API, and the pages' scripts (they send JSON or ask for it), get answers and errors as JSON."""
    return (request.path.startswith("/api/") or request.is_json
            or request.accept_mimetypes.best == "application/json")


# what a person whose password is temporary may still do: change it, or sign out
PASSWORD_CHANGE_ENDPOINTS = {"auth.change_password", "auth.logout"}
# what a person who must set up two-factor sign-in may still do (issue 15 item 5)
MFA_SETUP_ENDPOINTS = {"auth.logout", "auth.security", "auth.totp_start", "auth.totp_setup", "auth.session_end",
                       "auth.sessions_end_all", "api.security", "api.totp_start", "api.totp_confirm",
                       "api.session_end", "api.sessions_end_all", "api.token_sign_out", "api.me"}


def signed_in_required(view):
    """Anyone signed in; anonymous browsers go to the sign-in page, API calls get 401."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("actor") is None:
            if wants_json():
                raise Unauthenticated()
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if g.get("must_change_password") and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
            if wants_json():  # a temporary password set by a leader or MD opens nothing but its own change
                raise Forbidden(_("Change the temporary password first."))
            flash(_("Your password was set by someone else: choose your own before going on."), "info")
            return redirect(url_for("auth.change_password"))
        if g.get("mfa_setup") and request.endpoint not in MFA_SETUP_ENDPOINTS:
            if wants_json():
                raise Forbidden(_("Set up two-factor sign-in first."))
            flash(_("Your role signs in with two factors: set up your authenticator app before going on."), "info")
            return redirect(url_for("auth.totp_setup"))
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


def csv_response(filename: str, rows: Iterable[Iterable[object]]) -> Response:
    """Every CSV export answers through here: cells neutralised against formulas (DESIGN rule 14), UTF-8 with BOM."""
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return Response(csv_text(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{safe_name}"'})


def dept_label(dept_id: str) -> str:
    """A department's name in the reader's language ("company": the Marketing Division); read once a request."""
    from portal.adapters.uow import UnitOfWork
    from portal.services.org import department_names
    from portal.web.labels import TICKET_LABELS, localized_name

    if dept_id == "company":
        return str(TICKET_LABELS["company"])
    if "dept_names" not in g:
        g.dept_names = department_names(UnitOfWork(request_store()))
    record = g.dept_names.get(dept_id)
    return localized_name(record, str(get_locale())) if record else dept_id


def product_label(dept_id: str, product_id: str) -> str:
    """A product's name in the reader's language (the catalogue's read copy, read once a request)."""
    from portal.adapters.uow import UnitOfWork
    from portal.services.org import product_names
    from portal.web.labels import localized_name

    if "product_names" not in g:
        g.product_names = product_names(UnitOfWork(request_store()))
    record = g.product_names.get((dept_id, product_id))
    return localized_name(record, str(get_locale())) if record else product_id
