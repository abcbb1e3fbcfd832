"""API for exports (issue 12 item 4): ask for a CSV of a department's customers, list one's exports, get one
(with a presigned download link, living minutes, when it is ready)."""

from __future__ import annotations

from flask import jsonify, request

from portal.api import bp
from portal.api.spec import operation
from portal.api.validation import parse
from portal.domain.roles import Perm
from portal.services import export_jobs
from portal.web import ctx
from portal.web.forms.staff import ExportForm


def export_json(export, link: str | None = None) -> dict:
    """The API's view of an export."""
    return {"id": export.export_id, "department": export.dept_id, "grade": export.grade, "status": export.status,
            "rows": export.rows, "created_at": export.created_at.isoformat(),
            "finished_at": export.finished_at.isoformat() if export.finished_at else None, "download_url": link}


@operation(bp, "/departments/<dept_id>/exports", "POST", "Ask for the department's admitted customers (optionally "
           "of one grade) as CSV; a job writes it within a minute or two", form=ExportForm, response="Export",
           status=201, perm=Perm.VIEW_CUSTOMERS, errors=(404,))
def export_create(dept_id: str):
    """Request an export."""
    form = parse(ExportForm)
    return jsonify(export_json(export_jobs.request_customers(ctx(), dept_id, form.grade.data or None))), 201


@operation(bp, "/exports", "GET", "One's exports, newest first", response="ExportPage", perm=Perm.STAFF_HOME,
           query=("cursor",))
def export_list():
    """A page of the caller's exports."""
    page = export_jobs.my_exports(ctx(), request.args.get("cursor"))
    return jsonify({"items": [export_json(e) for e in page.items], "cursor": page.cursor})


@operation(bp, "/exports/<export_id>", "GET", "One of one's exports (MD: anyone's), with a download link living "
           "five minutes once it is ready", response="Export", perm=Perm.STAFF_HOME, errors=(404,))
def export_get(export_id: str):
    """One export."""
    export = export_jobs.get_export(ctx(), export_id)
    link = export_jobs.download_url(ctx(), export_id) if export.status == "ready" and export.s3_key else None
    return jsonify(export_json(export, link))
