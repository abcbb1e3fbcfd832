"""The company's people (issue 15 item 3): everyone sees who they are; administrators invite, change roles,
disable and enable them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.customer import bp
from portal.services import colleagues
from portal.web import ctx, customer_required, settings
from portal.web.forms import FORM_ERRORS, apply_errors, first_message
from portal.web.forms.account import ColleagueRoleForm, InviteForm


@bp.route("/colleagues", methods=["GET", "POST"])
@customer_required
def colleague_list():
    """The company's people and open invitations; an administrator invites a colleague here."""
    form = InviteForm()
    problem = None
    if form.validate_on_submit():
        try:
            colleagues.invite(ctx(), form.email.data, form.role.data, settings().public_url)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:  # the same answer whether or not the address has an account
            flash(_("Invitation sent to %(email)s. The link works once, for 7 days.", email=form.email.data.strip()),
                  "success")
            return redirect(url_for("customer.colleague_list"))
    view = colleagues.listing(ctx())
    return render_template("customer/colleagues.html", view=view, form=form, problem=problem,
                           role_form=ColleagueRoleForm())


@bp.post("/colleagues/<user_id>")
@customer_required
def colleague(user_id: str):
    """An administrator changes one colleague: its role, or disables or enables it."""
    action = request.form.get("action")
    if action not in ("role", "disable", "enable"):
        abort(400)
    form = ColleagueRoleForm()
    if action == "role" and not form.validate_on_submit():
        abort(400)
    try:  # CSRF is checked for every form post (CSRFProtect)
        if action == "role":
            colleagues.set_role(ctx(), user_id, form.role.data)
        else:
            colleagues.set_active(ctx(), user_id, action == "enable")
    except FORM_ERRORS as exc:
        flash(first_message(exc), "error")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("customer.colleague_list"))
