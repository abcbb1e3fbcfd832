"""The inbox pages: thin views over portal.services.notifications."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.inbox import bp
from portal.services import notifications
from portal.services.errors import Invalid
from portal.services.notification_kinds import GROUPS
from portal.web import ctx, signed_in_required
from portal.web.forms import apply_errors
from portal.web.forms.inbox import PreferencesForm, modes_of


@bp.get("/notifications")
@signed_in_required
def inbox():
    """The signed-in user's notifications, newest first, a page at a time."""
    page = notifications.inbox_page(ctx(), str(get_locale()), request.args.get("cursor"))
    return render_template("inbox/list.html", page=page)


@bp.post("/notifications/<nid>/open")
@signed_in_required
def open_item(nid: str):
    """Mark a notification read and go to the record it is about (someone else's: 404)."""
    return redirect(notifications.opened(ctx(), nid))


@bp.post("/notifications/<nid>/read")
@signed_in_required
def mark_read(nid: str):
    """Mark one notification read (someone else's: 404)."""
    notifications.mark_read(ctx(), nid)
    return redirect(url_for("inbox.inbox"))


@bp.post("/notifications/read-all")
@signed_in_required
def mark_all_read():
    """Mark every notification read."""
    notifications.mark_all_read(ctx())
    flash(_("Every notification is marked read."), "success")
    return redirect(url_for("inbox.inbox"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@signed_in_required
def preferences():
    """Which notifications are mailed at once, in a daily digest, or not at all; and the mail's language."""
    current = notifications.preferences(ctx())
    form = PreferencesForm(data={"locale": current.locale, **current.modes})
    problem = None
    if form.validate_on_submit():
        try:
            notifications.set_preferences(ctx(), modes_of(form, list(current.modes)),
                                          form.locale.data or current.locale)
        except Invalid as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Your notification preferences are saved."), "success")
            return redirect(url_for("inbox.preferences"))
    return render_template("inbox/preferences.html", form=form, groups=[(g, GROUPS[g]) for g in current.modes],
                           problem=problem)
