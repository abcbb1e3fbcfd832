"""API for the ERP's orders and receivables (issue 18 item 2): batches of rows imported at once (idempotent by the
ERP's numbers; any bad row: nothing imported, 422 naming each row and column), and the receivables ageing."""

from __future__ import annotations

from flask import jsonify, request

from portal.api import bp
from portal.api.spec import operation
from portal.api.validation import checked_body, parse
from portal.domain.roles import Perm
from portal.domain.sales_rows import COLUMNS, MAX_TEXT
from portal.services import backlog, sales_ageing, sales_import, sales_import_jobs
from portal.services.sales_words import problem_text
from portal.web import ctx
from portal.web.forms.sales import SalesUploadForm

MAX_ROWS = 500  # rows per call; bigger files go through the staff page's upload

CELL = {"type": ["string", "number", "null"], "maxLength": MAX_TEXT}
FORMATS = {"code": "the 18-character unified social credit code", "int": "a whole number, 0 or more",
           "money": "yuan, at most two decimals, 0 or more", "day": "YYYY-MM-DD",
           "past_day": "YYYY-MM-DD, today or before", "status": "open, shipped or cancelled",
           "text": "as the ERP writes it"}


def batch_body(kind: str) -> dict:
    """The JSON body of a batch: `rows`, each with the template's columns."""
    columns = COLUMNS[kind]
    row = {"type": "object", "additionalProperties": False,
           "required": [c.key for c in columns if c.required],
           "properties": {c.key: {**CELL, "description": f"{c.zh}: {FORMATS[c.kind]}"} for c in columns}}
    return {"type": "object", "required": ["rows"], "additionalProperties": False,
            "properties": {"rows": {"type": "array", "minItems": 1, "maxItems": MAX_ROWS, "items": row,
                                    "description": f"at most {MAX_ROWS} rows; the first is row 1 in the report"}}}


ORDERS_BODY, RECEIVABLES_BODY = batch_body("orders"), batch_body("receivables")


def _import(dept_id: str, kind: str, body: dict):
    report = sales_import.import_now(ctx(), dept_id, kind, sales_import.rows_source(body["rows"]))
    return jsonify({"rows": report.rows, "created": report.created, "changed": report.changed,
                    "unchanged": report.unchanged})


@operation(bp, "/departments/<dept_id>/orders:batch", "POST",
           f"Import up to {MAX_ROWS} of the ERP's orders into the department (its leader or rep, or MD): customers "
           "by credit code, products by id or name; an order number imported again is updated, the same values "
           "change nothing; any bad row imports nothing (422, each problem under `rows[<row>].<column>`); audited",
           body=ORDERS_BODY, response="SalesImport", perm=Perm.IMPORT_SALES)
def orders_batch(dept_id: str):
    """Import orders."""
    sales_import.check_access(ctx(), dept_id, "orders")
    return _import(dept_id, "orders", checked_body(ORDERS_BODY))


@operation(bp, "/departments/<dept_id>/receivables:batch", "POST",
           f"Import up to {MAX_ROWS} of the ERP's invoices (receivables) into the department, as the orders: "
           "by invoice number, idempotent; no paid day means unpaid; any bad row imports nothing (422); audited",
           body=RECEIVABLES_BODY, response="SalesImport", perm=Perm.IMPORT_SALES)
def receivables_batch(dept_id: str):
    """Import receivables."""
    sales_import.check_access(ctx(), dept_id, "receivables")
    return _import(dept_id, "receivables", checked_body(RECEIVABLES_BODY))


@operation(bp, "/departments/<dept_id>/receivables/ageing", "GET",
           "The department's unpaid receivables by how late they are today: current (not yet due), 1–30, 31–90 and "
           "over 90 days overdue, in yuan with the number of invoices; the department's staff or MD",
           response="Ageing", perm=Perm.VIEW_CUSTOMERS)
def receivables_ageing(dept_id: str):
    """The ageing."""
    report = sales_ageing.ageing(ctx(), dept_id)
    return jsonify({"department": dept_id, "today": report.today.isoformat(), "total_yuan": str(report.total_yuan),
                    "buckets": [{"bucket": b.code, "yuan": str(b.yuan), "invoices": b.invoices}
                                for b in report.buckets]})


def import_json(record) -> dict:
    """An import job's state, its problems in words."""
    def number(value):
        return int(value) if value is not None else None
    return {"id": record.import_id, "department": record.dept_id, "kind": record.kind, "status": record.status,
            "rows": number(record.rows), "written": int(record.position or 0), "created": number(record.created),
            "changed": number(record.changed), "unchanged": number(record.unchanged),
            "problem_count": number(record.problem_count),
            "problems": [str(problem_text(p)) for p in sales_import_jobs.problems_of(record)]}


@operation(bp, "/departments/<dept_id>/sales-imports", "POST",
           "Start importing a large file (CSV or .xlsx, up to 10 MB) of orders or receivables: the presigned POST "
           "that uploads it straight to S3; confirm it, and a job checks it whole and imports it within minutes",
           form=SalesUploadForm, response="SalesUpload", status=201, perm=Perm.IMPORT_SALES)
def sales_import_create(dept_id: str):
    """Start a large import."""
    form = parse(SalesUploadForm)
    record, upload = sales_import_jobs.request_upload(ctx(), dept_id, form.kind.data, form.filename.data)
    return jsonify({"id": record.import_id, "url": upload["url"], "fields": upload["fields"]}), 201


@operation(bp, "/sales-imports/<import_id>/confirm", "POST",
           "The file is uploaded: the import job takes it (a second confirmation changes nothing)",
           response="SalesImportStatus", perm=Perm.IMPORT_SALES)
def sales_import_confirm(import_id: str):
    """Confirm a large import's upload."""
    return jsonify(import_json(sales_import_jobs.confirm(ctx(), import_id)))


@operation(bp, "/sales-imports/<import_id>", "GET",
           "A large import's state: waiting, being written (rows written so far), done with its counts, or refused "
           "with every problem by row and column; for whoever uploaded it, or MD", response="SalesImportStatus",
           perm=Perm.IMPORT_SALES)
def sales_import_get(import_id: str):
    """A large import's state."""
    return jsonify(import_json(sales_import_jobs.get_import(ctx(), import_id)))


@operation(bp, "/departments/<dept_id>/backlog", "GET",
           "Short supply (RGT-2 优先供货): the department's open orders of a product ranked by the customer's grade "
           f"now (VIP, Preferred, Qualified, then no longer a customer), then by order time; at most "
           f"{backlog.MAX_ORDERS} (the oldest; `more` says there are others); the department's staff or MD",
           response="Backlog", query=("product",), required_query=("product",), perm=Perm.VIEW_CUSTOMERS)
def department_backlog(dept_id: str):
    """The ranked backlog."""
    queue = backlog.backlog(ctx(), dept_id, request.args.get("product") or "")
    return jsonify({"department": dept_id, "product": queue.product_id, "more": queue.more, "items": [
        {"place": line.place, "order_no": line.order_no, "customer": line.customer_id,
         "customer_name": line.customer_name, "grade": line.grade, "ordered_on": line.ordered_on.isoformat(),
         "quantity": line.quantity, "amount_yuan": str(line.amount_yuan)} for line in queue.lines]})
