"""Exports (issue 12 item 4): ask for a CSV on the customers page, find it on "My exports" when the job wrote it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.domain.roles import Perm
from portal.services import export_jobs
from portal.staff import bp
from portal.web import ctx, staff_required
from portal.web.forms import FORM_ERRORS, first_message
from portal.web.forms.staff import ExportForm


@bp.post("/departments/<dept_id>/exports")
@staff_required(Perm.VIEW_CUSTOMERS)
def export_request(dept_id: str):
    """Ask for the department's customers as CSV; the export job writes it within a minute."""
    form = ExportForm()
    if not form.validate_on_submit():
        flash(_("Choose VIP, Preferred or Qualified."), "error")
        return redirect(url_for("staff.customer_list", dept_id=dept_id))
    try:
        export_jobs.request_customers(ctx(), dept_id, form.grade.data or None)
    except FORM_ERRORS as exc:
        flash(first_message(exc), "error")
        return redirect(url_for("staff.customer_list", dept_id=dept_id, grade=form.grade.data or None))
    flash(_("Export requested. It is ready on this page within a minute or two."), "success")
    return redirect(url_for("staff.exports"))


@bp.get("/exports")
@staff_required()
def exports():
    """My exports: the newest first, their status and a download link when ready."""
    page = export_jobs.my_exports(ctx(), request.args.get("cursor"))
    return render_template("staff/exports.html", page=page)


@bp.get("/exports/<export_id>/download")
@staff_required()
def export_download(export_id: str):
    """The file of a ready export, through a presigned link living minutes (someone else's: 404)."""
    return redirect(export_jobs.download_url(ctx(), export_id))
