"""MD's page for bringing in existing customers (ONB-1, issue 18 item 6): the templates to download, a dry run
that shows what the file would create, then the import. Thin views over portal.services.onboarding(_run)."""

from __future__ import annotations

import base64
import binascii

from flask import Response, render_template, request
from flask_babel import gettext as _

from portal.domain.roles import Perm
from portal.services import onboarding, onboarding_run
from portal.services.onboarding_files import MAX_FILE_BYTES, template_csv, template_xlsx
from portal.staff import bp
from portal.web import ctx, settings, staff_required
from portal.web.forms.onboarding import CustomerImportForm
from portal.web.onboarding_words import report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CARRIED_BYTES = 1024 * 1024  # a checked file up to this size is carried to the import button (no second upload)


@bp.route("/customers/import", methods=["GET", "POST"])
@staff_required(Perm.IMPORT_CUSTOMERS)
def customer_import():
    """MD checks an import file (dry run) and then imports it."""
    form = CustomerImportForm()
    outcome, carried = None, None
    if request.method == "POST" and form.validate():
        filename, content = _upload(form)
        if content is not None and form.dry_run.data:
            plan = onboarding.check(ctx(), filename, content)
            outcome = {**report(plan, plan.catalogue), "dry_run": True}
            if plan.ok and plan.companies and len(content) <= CARRIED_BYTES:
                carried = {"filename": filename, "content": base64.b64encode(content).decode()}
        elif content is not None:
            run = onboarding_run.run(ctx(), filename, content, settings().public_url)
            outcome = {**report(run.plan, run.plan.catalogue, run), "dry_run": False}
    form.dry_run.data = True  # the next file is checked first again, whatever this one did
    if outcome and outcome["file_problem"]:
        form.file.errors = [outcome["file_problem"]]  # said at the field
    return render_template("staff/customer_import.html", form=form, outcome=outcome, carried=carried)


def _upload(form: CustomerImportForm) -> tuple[str, bytes | None]:
    """The uploaded file, or the checked file the import button carries; errors said at the file field."""
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        content = upload.read(MAX_FILE_BYTES + 1)
        return upload.filename, content
    carried = request.form.get("carried_content")
    if carried:
        try:
            return request.form.get("carried_filename", ""), base64.b64decode(carried, validate=True)
        except (binascii.Error, ValueError):
            pass
    form.file.errors = [_("Choose the file to import.")]
    return "", None


@bp.get("/customers/import/template.csv")
@staff_required(Perm.IMPORT_CUSTOMERS)
def customer_import_template_csv():
    """The import template as CSV, headers in Chinese and English."""
    return Response(template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="customer-import.csv"'})


@bp.get("/customers/import/template.xlsx")
@staff_required(Perm.IMPORT_CUSTOMERS)
def customer_import_template_xlsx():
    """The import template as an Excel workbook."""
    return Response(template_xlsx(), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="customer-import.xlsx"'})
