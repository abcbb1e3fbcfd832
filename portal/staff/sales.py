"""Staff pages for the ERP's orders and receivables (issue 18 item 2): the department's receivables ageing, the
templates, and a file imported at once (checked whole: any bad row imports nothing and the page lists why)."""

from __future__ import annotations

import io

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.domain.roles import Perm, may
from portal.services import backlog, sales_ageing, sales_files, sales_import, sales_import_jobs
from portal.services.errors import Invalid
from portal.services.exports import csv_text
from portal.services.sales_import import BadRows
from portal.services.sales_words import problem_text
from portal.staff import bp
from portal.web import ctx, staff_required
from portal.web.forms.sales import KIND_LABELS, SalesImportForm, SalesUploadForm
from portal.web.labels import STATUS_LABELS, localized_name

MAX_FILE_BYTES = 900 * 1024  # about 10,000 rows of CSV, checked and written in the request (requests stop at 1 MB)


def _ageing_rows(report) -> list[tuple[str, object, int]]:
    labels = {"current": _("Not yet due"), "d1_30": _("1–30 days overdue"), "d31_90": _("31–90 days overdue"),
              "over_90": _("Over 90 days overdue")}
    return [(labels[b.code], b.yuan, b.invoices) for b in report.buckets]


@bp.route("/departments/<dept_id>/sales", methods=["GET", "POST"])
@staff_required(Perm.VIEW_CUSTOMERS)
def sales_page(dept_id: str):
    """The department's receivables ageing and, for its leader and reps (and MD), the import of ERP files."""
    form = SalesImportForm(prefix="now")  # the large-file form below keeps the upload script's plain names
    problems: list = []
    if request.method == "POST":
        sales_import.check_access(ctx(), dept_id, "orders")
        if form.validate():
            data = form.file.data.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                form.file.errors = [_("The file is larger than 900 KB: split it into smaller files.")]
            else:
                try:
                    header, source = sales_files.read(form.kind.data, lambda: io.BytesIO(data))
                    report = sales_import.import_now(ctx(), dept_id, form.kind.data, source, header)
                except BadRows as exc:
                    form.file.errors = [str(exc.message)]
                    problems = [problem_text(p) for p in exc.report.problems]
                else:
                    flash(_("%(kind)s imported: %(rows)d rows, %(created)d new, %(changed)d updated, %(same)d "
                            "unchanged.", kind=KIND_LABELS[form.kind.data], rows=report.rows,
                            created=report.created, changed=report.changed, same=report.unchanged))
                    return redirect(url_for("staff.sales_page", dept_id=dept_id))
    ageing = sales_ageing.ageing(ctx(), dept_id)
    can_import = may(ctx().actor, Perm.IMPORT_SALES, dept_id)
    imports = sales_import_jobs.latest(ctx(), dept_id) if can_import else []
    return render_template("staff/sales.html", dept_id=dept_id, form=form, problems=problems,
                           ageing=_ageing_rows(ageing), total=ageing.total_yuan, today=ageing.today,
                           can_import=can_import, kinds=KIND_LABELS, imports=imports,
                           upload=SalesUploadForm(formdata=None),
                           problems_of=lambda r: [problem_text(p) for p in sales_import_jobs.problems_of(r)])


@bp.post("/departments/<dept_id>/sales/uploads")
@staff_required(Perm.IMPORT_SALES)
def sales_upload_request(dept_id: str):
    """JSON for the upload script: a large import waiting for its file, and the presigned POST."""
    form = SalesUploadForm()
    if not form.validate():
        return jsonify({"error": {"code": "invalid", "fields": form.errors}}), 422
    try:
        record, upload = sales_import_jobs.request_upload(ctx(), dept_id, form.kind.data, form.filename.data)
    except Invalid as exc:
        return jsonify({"error": {"code": exc.code, "message": str(exc.message),
                                  "fields": {k: [str(m) for m in v] for k, v in exc.fields.items()}}}), 422
    return jsonify({"id": record.import_id, "url": upload["url"], "fields": upload["fields"],
                    "confirm_url": url_for("staff.sales_import_confirm", import_id=record.import_id)}), 201


@bp.post("/sales-imports/<import_id>/confirm")
@staff_required(Perm.IMPORT_SALES)
def sales_import_confirm(import_id: str):
    """Run after the upload: the job takes the file from here."""
    record = sales_import_jobs.confirm(ctx(), import_id)
    return jsonify({"id": import_id, "status": record.status})


@bp.route("/departments/<dept_id>/sales/template")
@staff_required(Perm.IMPORT_SALES)
def sales_template(dept_id: str):
    """The template to fill: `kind` orders or receivables, `format` csv or xlsx."""
    sales_import.check_access(ctx(), dept_id, "orders")
    kind = request.args.get("kind") if request.args.get("kind") in KIND_LABELS else "orders"
    fmt = "xlsx" if request.args.get("format") == "xlsx" else "csv"
    mimetype = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                else "text/csv; charset=utf-8")
    return Response(sales_files.template(kind, fmt), mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={kind}-template.{fmt}"})


def _backlog_rows(queue) -> list[list]:
    return [[line.place, line.order_no, line.customer_name or _("No longer a customer"),
             str(STATUS_LABELS[line.grade]) if line.grade else _("None"), line.ordered_on.isoformat(),
             line.quantity, str(line.amount_yuan)] for line in queue.lines]


@bp.route("/departments/<dept_id>/backlog")
@staff_required(Perm.VIEW_CUSTOMERS)
def backlog_page(dept_id: str):
    """Short supply (RGT-2 优先供货): a product's open orders ranked by grade, then order time; and its CSV."""
    products = backlog.products_of(ctx(), dept_id)
    product_id = request.args.get("product") or ""
    queue = backlog.backlog(ctx(), dept_id, product_id) if product_id else None
    if queue is not None and request.args.get("format") == "csv":
        header = [_("Place"), _("Order number"), _("Company"), _("Grade"), _("Order date"), _("Quantity"),
                  _("Amount (yuan)")]
        return Response(csv_text([header] + _backlog_rows(queue)), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename={dept_id}-backlog.csv"})
    return render_template("staff/backlog.html", dept_id=dept_id, products=products, product_id=product_id,
                           queue=queue, rows=_backlog_rows(queue) if queue else [],
                           name_of=lambda p: localized_name(p, str(get_locale())))
