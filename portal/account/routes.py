"""Account pages: thin views over portal.services.profile, verification and colleagues (issue 15 items 2-4)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal.account import bp
from portal.services import colleagues, profile, verification
from portal.services.errors import Conflict, NotFound, Throttled
from portal.web import ctx, safe_next, settings, signed_in_required
from portal.web.forms import FORM_ERRORS, PortalForm, apply_errors
from portal.web.forms.account import AcceptInvitationPageForm, CompanyContactForm, EmailChangeForm, ProfileForm

ONE_YEAR = 365 * 24 * 3600


def _forms(view):
    """The profile page's three forms, filled from what is stored (each with its own prefix)."""
    user, customer = view.user, view.customer
    me = ProfileForm(prefix="me", data={"name": user.name, "mobile": user.mobile or "",
                                        "language": user.language or request.cookies.get("lang") or "zh"})
    address = EmailChangeForm(prefix="addr")
    company = None
    if customer is not None and g.actor.company_admin:
        company = CompanyContactForm(prefix="co", data={
            "contact_name": customer.contact_name, "mobile": customer.mobile, "email": customer.email,
            "region": customer.region, "mailing_address": customer.mailing_address or "",
            "version": customer.version})
    return me, address, company


@bp.route("/account/profile", methods=["GET", "POST"])
@signed_in_required
def profile_page():
    """One's name, mobile, language and e-mail address; a company administrator also edits its contact."""
    view = profile.view(ctx())
    me, address, company = _forms(view)
    action, problem, language = request.form.get("action"), None, None
    form = {"me": me, "email": address, "company": company}.get(action) if request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        try:
            if action == "me":
                language = profile.update_me(ctx(), me.name.data, me.mobile.data, me.language.data).language
                flash(_("Your profile is saved."), "success")
            elif action == "email":
                profile.change_email(ctx(), address.email.data, settings().public_url)
                flash(_("We have sent a link to %(email)s. Your address changes when you open it.",
                        email=address.email.data.strip()), "success")
            else:
                profile.edit_company(ctx(), {k: getattr(company, k).data for k in profile.COMPANY_FIELDS},
                                     company.version.data)
                flash(_("Your company's contact details are saved."), "success")
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            response = redirect(url_for("account.profile_page"))
            if language:
                response.set_cookie("lang", language, max_age=ONE_YEAR, samesite="Lax",
                                    secure=not settings().is_local, httponly=True)
            return response
    elif request.method == "POST" and form is None:
        problem = _("Choose what to save.")
    return render_template("account/profile.html", view=view, me=me, address=address, company=company,
                           problem=problem)


@bp.route("/account/verify/<token>", methods=["GET", "POST"])
def verify(token: str):
    """A verification link: the page asks to confirm (a mail scanner's GET changes nothing), the POST verifies."""
    form = PortalForm()
    try:
        if form.validate_on_submit():
            address = verification.verify(ctx(), token)
            flash(_("Your e-mail address %(email)s is verified.", email=address), "success")
            return redirect(url_for("auth.index"))
    except (NotFound, Conflict) as exc:
        return render_template("account/verify.html", form=form, problem=exc.message), exc.status
    return render_template("account/verify.html", form=form, problem=None)


@bp.post("/account/verify/resend")
@signed_in_required
def resend():
    """Mail a new verification link (throttled per account)."""
    try:
        verification.resend(ctx(), settings().public_url)
    except (Throttled, Conflict) as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("A new link is on its way to your mailbox."), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("auth.index"))


@bp.route("/account/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """Join one's company through an invitation: name and password, then sign in."""
    form = AcceptInvitationPageForm()
    problem = None
    try:
        person, customer = colleagues.invitation(ctx(), token)
        if form.validate_on_submit():
            colleagues.accept(ctx(), token, form.name.data, form.password.data)
            session.clear()
            flash(_("Welcome! Sign in with %(email)s and the password you chose.", email=person.email), "success")
            return redirect(url_for("auth.login"))
    except NotFound as exc:
        return render_template("account/invitation.html", form=form, problem=exc.message, person=None,
                               customer=None), 404
    except FORM_ERRORS as exc:
        problem = apply_errors(form, exc)
    return render_template("account/invitation.html", form=form, problem=problem, person=person, customer=customer)
