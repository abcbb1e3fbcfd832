"""The second sign-in step and /account/security: two-factor set-up, sessions, sign out one or everywhere (issue 15
items 5-7). Thin views over portal.services.mfa, .sessions and .signin_link."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _

from portal.auth import bp
from portal.auth.forms import CodeForm, ConfirmForm
from portal.auth.routes import open_session, throttles
from portal.services import mfa, sessions, signin_link
from portal.services.errors import Conflict, Invalid, NotFound, Throttled
from portal.services.pages.account import security_page
from portal.web import ctx, settings, signed_in_required
from portal.web.forms import FORM_ERRORS, apply_errors

PENDING_SECONDS = 300  # the code must follow the password within 5 minutes


def _pending_user_id() -> str | None:
    """Whose password was right in this browser a moment ago (the TOTP step's state, in the signed cookie)."""
    uid, at = session.get("mfa_uid"), session.get("mfa_at")
    if not uid or not isinstance(at, int) or ctx().now.timestamp() - at > PENDING_SECONDS:
        return None
    return uid


@bp.route("/login/totp", methods=["GET", "POST"])
def login_totp():
    """The second step of signing in: the code from the authenticator app, or a recovery code."""
    uid = _pending_user_id()
    if uid is None:
        flash(_("Sign in again: the code must follow the password within 5 minutes."), "info")
        return redirect(url_for("auth.login"))
    form, problem, status = CodeForm(), None, 200
    if form.validate_on_submit():
        try:
            user = mfa.verify_code(ctx(), uid, form.code.data, throttles())
        except Throttled as exc:
            problem, status = exc.message, 429
        except FORM_ERRORS as exc:  # wrong (422) or used already (409): said next to the field
            apply_errors(form, exc)
        except NotFound:
            session.clear()
            return redirect(url_for("auth.login"))
        else:
            return open_session(user, session.get("mfa_next"))
    return render_template("auth/totp.html", form=form, problem=problem), status


@bp.route("/login/link/<token>", methods=["GET", "POST"])
def login_link(token: str):
    """The one-time sign-in link mailed while an account needs a second step; a button, so a mail scanner's visit
    does not use it up."""
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = signin_link.use(ctx(), token)
        except NotFound as exc:
            return render_template("auth/link.html", form=form, problem=exc.message), 404
        return open_session(user)
    return render_template("auth/link.html", form=form, problem=None)


@bp.get("/account/security")
@signed_in_required
def security(off_form=None):
    """Two-factor sign-in and the user's sessions."""
    conf = settings()
    raw = session.get("sid")
    page = security_page(ctx(), conf.mfa_roles, conf.idle_limit, sessions.sid_hash(raw) if raw else None)
    return render_template("auth/security.html", page=page, form=ConfirmForm(), off_form=off_form or CodeForm())


@bp.post("/account/security/totp/off")
@signed_in_required
def totp_off():
    """Turn optional two-factor sign-in off with a current code; a wrong code is said next to the field."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            mfa.turn_off(ctx(), form.code.data, settings().mfa_roles, throttles())
        except Throttled as exc:
            form.code.errors = [exc.message]
        except Conflict as exc:
            if not exc.fields:  # required for the role, or off already: nothing to do here
                flash(str(exc.message), "error")
                return redirect(url_for("auth.security"))
            apply_errors(form, exc)  # a code used already: next to the field
        except Invalid as exc:  # a wrong code: next to the field
            apply_errors(form, exc)
        else:
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for("auth.security"))
    return security(off_form=form)  # errors next to the field, like every page form


@bp.post("/account/security/totp/start")
@signed_in_required
def totp_start():
    """Begin setting up an authenticator app: a new secret, shown on the next page."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        mfa.start_setup(ctx())
    except Conflict as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("auth.security"))
    return redirect(url_for("auth.totp_setup"))


@bp.route("/account/security/totp", methods=["GET", "POST"])
@signed_in_required
def totp_setup():
    """Scan the QR code (or type the key), then confirm with a code; the recovery codes are shown once."""
    setup = mfa.pending_setup(ctx())
    form, problem = CodeForm(), None
    if setup is not None and form.validate_on_submit():
        try:
            codes = mfa.confirm_setup(ctx(), form.code.data, throttles())
        except Throttled as exc:
            problem = exc.message
        except Invalid as exc:
            apply_errors(form, exc)
        except Conflict as exc:  # on already: another tab confirmed it
            flash(str(exc.message), "info")
            return redirect(url_for("auth.security"))
        except NotFound as exc:
            problem = exc.message
        else:
            g.mfa_setup = False
            return render_template("auth/recovery_codes.html", codes=codes)
    return render_template("auth/totp_setup.html", setup=setup, form=form, problem=problem,
                           start_form=ConfirmForm())


@bp.post("/account/security/sessions/<handle>/end")
@signed_in_required
def session_end(handle: str):
    """Sign one of one's own sessions out."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    sessions.end_one(ctx(), handle)
    flash(_("That session has been signed out."), "success")
    return redirect(url_for("auth.security"))


@bp.post("/account/security/sign-out-everywhere")
@signed_in_required
def sessions_end_all():
    """Sign out everywhere: every session and API token of the account, this one too."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    sessions.end_everywhere(ctx())
    session.clear()
    flash(_("You have been signed out everywhere."), "info")
    return redirect(url_for("auth.login"))
