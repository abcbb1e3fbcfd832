"""Sign-in pages: thin views over portal.services.auth."""

from __future__ import annotations

from flask import flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal.auth import bp
from portal.auth.forms import ForgotForm, LoginForm, PasswordChangeForm, ResetForm
from portal.domain.accounts import LANGUAGES
from portal.domain.throttle import account_policy, client_policy, pair_policy
from portal.services import auth, customers, password_reset, signin_link
from portal.services.errors import Invalid, NotFound, Throttled, Unauthenticated
from portal.web import ctx, safe_next, settings, signed_in_required
from portal.web.forms import FORM_ERRORS, apply_errors
from portal.web.forms.customer import RegistrationForm

ONE_YEAR = 365 * 24 * 3600


def throttles() -> auth.Throttles:
    """The sign-in throttles configured for this app (issue 15 item 6)."""
    conf = settings()
    return auth.Throttles(pair_policy(conf.throttle_pair_max), client_policy(conf.throttle_client_max),
                          account_policy(conf.throttle_account_max))


def open_session(user, next_url: str | None = None):
    """A fresh session for `user` (nothing from before survives); off to where they were going."""
    session.clear()
    session["sid"] = auth.start_session(ctx(), user, settings().session_lifetime)
    session["uid"] = user.user_id  # signed with the cookie: the session and account are read together
    session.permanent = True
    response = redirect(safe_next(next_url) or home_for(auth.actor_for(user)))
    if getattr(user, "language", None) in LANGUAGES:  # the language chosen in the profile, on any device
        response.set_cookie("lang", user.language, max_age=ONE_YEAR, samesite="Lax", secure=not settings().is_local,
                            httponly=True)
    return response


def home_for(actor) -> str:
    """Where a user lands: the staff or the customer home."""
    return url_for("staff.home") if actor.is_staff else url_for("customer.home")


@bp.get("/")
def index():
    """The portal's front door."""
    if g.actor is None:
        return redirect(url_for("auth.login"))
    return redirect(home_for(g.actor))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail and password; a fresh session is made on success."""
    form = LoginForm()
    problem, status = None, 200
    if form.validate_on_submit():
        try:
            checked = auth.check_password(ctx(), form.email.data, form.password.data, throttles())
        except Throttled as exc:
            problem, status = exc.message, 429
        except Unauthenticated as exc:
            problem = exc.message
        else:
            user, next_url = checked.user, request.args.get("next")
            if checked.next_step == "totp":  # the password was right: the code comes next, within 5 minutes
                session.clear()
                session["mfa_uid"], session["mfa_at"] = user.user_id, int(ctx().now.timestamp())
                session["mfa_next"] = safe_next(next_url)
                return redirect(url_for("auth.login_totp"))
            if checked.next_step == "link":
                signin_link.send(ctx(), user, settings().public_url)
                return render_template("auth/link_sent.html")
            return open_session(user, next_url)
    return render_template("auth/login.html", form=form, problem=problem), status


@bp.post("/logout")
@signed_in_required
def logout():
    """Sign out: the session record is deleted and the cookie cleared."""
    raw = session.get("sid")
    if raw:
        auth.end_session(ctx(), raw)
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/lang/<code>")
def set_language(code: str):
    """Switch between 中文 and English; the choice is remembered for a year."""
    response = make_response(redirect(safe_next(request.args.get("next")) or url_for("auth.index")))
    if code in ("zh", "en"):
        response.set_cookie("lang", code, max_age=ONE_YEAR, samesite="Lax", secure=not settings().is_local,
                            httponly=True)
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in_required
def change_password():
    """Change one's own password; other sessions of the user end."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            auth.change_password(ctx(), form.current_password.data, form.new_password.data, session.get("sid"),
                                 throttles())
        except Throttled as exc:
            form.current_password.errors = [str(exc.message)]
        except Invalid as exc:
            for name, messages in exc.fields.items():
                getattr(form, name).errors = list(messages)
        else:
            flash(_("Your password has been changed. Other sessions were signed out."), "success")
            return redirect(url_for("auth.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotForm()
    if form.validate_on_submit():
        try:
            password_reset.request_reset(ctx(), form.email.data, settings().public_url)
        except Throttled as exc:
            return render_template("auth/forgot.html", form=form, problem=exc.message, sent=False), 429
        return render_template("auth/forgot.html", form=form, sent=True)
    return render_template("auth/forgot.html", form=form, problem=FORM_ERRORS if form.errors else None, sent=False)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password through a reset link; then sign in with it."""
    form = ResetForm()
    try:
        password_reset.check_link(ctx(), token)
        if form.validate_on_submit():
            password_reset.reset_password(ctx(), token, form.password.data)
            session.clear()
            flash(_("Your new password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    except NotFound as exc:
        return render_template("auth/reset.html", form=form, problem=exc.message), 404
    except Invalid as exc:
        apply_errors(form, exc)
    return render_template("auth/reset.html", form=form, problem=None)


def registration_of(form) -> customers.Registration:
    """The registration a form (page or API) describes."""
    return customers.Registration(
        name=form.name.data, credit_code=form.credit_code.data, kind=form.kind.data, region=form.region.data,
        industry=form.industry.data, scale=form.scale.data, contact_name=form.contact_name.data,
        mobile=form.mobile.data, email=form.email.data, password=form.password.data,
        hospital_level=form.hospital_level.data or None, beds=form.beds.data, invitation=form.invitation.data or None)


@bp.route("/register", methods=["GET", "POST"])
def register():
    """A company registers itself (or through a department's invitation link) with its first user."""
    form = RegistrationForm(invitation=request.args.get("invitation", ""))
    problem = None
    if form.is_submitted():
        try:
            customers.count_registration_try(ctx())  # every try counts, those the form refuses too
        except Throttled as exc:
            problem = exc.message
    if problem is None and form.validate_on_submit():
        try:
            customers.register(ctx(), registration_of(form), settings().public_url, throttle=None)
        except (*FORM_ERRORS, NotFound) as exc:  # NotFound: an invitation that does not exist
            problem = apply_errors(form, exc)
            if "invitation" in exc.fields:
                problem = str(exc.fields["invitation"][0])
        else:  # the same answer whether or not the address had an account (no enumeration)
            flash(_("Registration received. We have sent an e-mail to %(email)s. Sign in with that e-mail and the "
                    "password you chose.", email=form.email.data.strip()), "success")
            return redirect(url_for("auth.login"))
    if form.invitation.errors:  # a hidden field: its message goes above the form
        problem = str(form.invitation.errors[0])
    return render_template("auth/register.html", form=form, problem=problem)
