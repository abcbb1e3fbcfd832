"""The pages' endpoints for files on tickets, the same for customers and staff (each blueprint adds them
behind its own guard): start an upload, confirm it after the browser sent the file to S3, open a file."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, url_for

from portal.services import ticket_files, uploads
from portal.web import ctx
from portal.web.errors import api_error
from portal.web.forms.customer import AttachmentForm


def add_routes(bp: Blueprint, guard) -> None:
    """Register `ticket_file_request`, `ticket_file_confirm` and `ticket_file_open` on `bp`."""

    @bp.post("/tickets/<ticket_id>/files", endpoint="ticket_file_request")
    @guard
    def file_request(ticket_id: str):
        """JSON for the upload script: the attachment's record and its presigned POST."""
        ticket_files.check_may_attach(ctx(), ticket_id)  # before the body is read
        form = AttachmentForm()
        if not form.validate():
            return api_error(422, "invalid", "", form.errors)
        upload = ticket_files.request(ctx(), ticket_id, form.filename.data, form.content_type.data or "")
        file_id = upload.event.event_id
        return jsonify({"file_id": file_id, "url": upload.url, "fields": upload.fields,
                        "confirm_url": url_for(f"{bp.name}.ticket_file_confirm", ticket_id=ticket_id,
                                               file_id=file_id)}), 201

    @bp.post("/tickets/<ticket_id>/files/<file_id>/confirm", endpoint="ticket_file_confirm")
    @guard
    def file_confirm(ticket_id: str, file_id: str):
        """After the upload: the server checks the stored file; a refused one is deleted and the reason told."""
        event = ticket_files.confirm(ctx(), ticket_id, file_id)
        return jsonify({"file_id": file_id, "status": event.file_state,
                        "message": uploads.rejection_message(event.reject_reason)})

    @bp.get("/tickets/<ticket_id>/files/<file_id>", endpoint="ticket_file_open")
    @guard
    def file_open(ticket_id: str, file_id: str):
        """Open a verified file through a short-lived link (audited)."""
        return redirect(ticket_files.open_file(ctx(), ticket_id, file_id))
