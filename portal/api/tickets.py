"""API for tickets (CMP-1…3, RGT-1 b, RGT-2)."""

from __future__ import annotations

from flask import jsonify
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.api import bp
from portal.api.spec import operation
from portal.api.validation import parse
from portal.domain.roles import Perm
from portal.services import ticket_drafts, ticket_files, tickets, uploads
from portal.web import ctx
from portal.web.forms import FreeText, PortalForm
from portal.web.forms.customer import TICKET_KIND_CHOICES, AttachmentForm, TicketFilesMixin
from portal.web.forms.service import CHANNEL_CHOICES, STEP_CHOICES


class ApiTicketForm(TicketFilesMixin, PortalForm):
    """File a ticket (customers), or enter one received offline (staff: customer_id and channel, together)."""

    dept_id = StringField(validators=[DataRequired(), Length(max=32)], description='a department, or "company"')
    kind = SelectField(choices=TICKET_KIND_CHOICES, validators=[DataRequired()])
    subject = StringField(validators=[DataRequired(), Length(max=200)])
    description = StringField(validators=[FreeText(), DataRequired(), Length(max=10000)])
    customer_id = StringField(validators=[Optional(), Length(max=64)], description="staff only")
    channel = SelectField(choices=CHANNEL_CHOICES, validators=[Optional()], description="staff only")

    json_schema = {"dependentRequired": {"customer_id": ["channel"], "channel": ["customer_id"]}}


class ApiStepForm(PortalForm):
    """A staff step: acknowledged, in_progress or resolved (resolving needs a reply)."""

    status = SelectField(choices=STEP_CHOICES, validators=[DataRequired()])
    reply = StringField(validators=[FreeText(), Optional(), Length(max=10000)])


class ApiReplyForm(PortalForm):
    """A message on a ticket."""

    text = StringField(validators=[FreeText(), DataRequired(), Length(max=10000)])


class ApiCloseForm(PortalForm):
    """CMP-3: the customer confirms and rates (1–5)."""

    rating = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=5)])
    comment = StringField(validators=[FreeText(), Optional(), Length(max=2000)])


def ticket_json(t) -> dict:
    """The API's view of a ticket."""
    return {"id": t.ticket_id, "customer": t.customer_id, "customer_name": t.customer_name, "department": t.dept_id,
            "kind": t.kind, "channel": t.channel, "subject": t.subject, "description": t.description,
            "status": t.status, "grade": t.grade, "first_response_due": t.first_response_due.isoformat(),
            "resolution_due": t.resolution_due.isoformat(), "rating": t.rating, "comment": t.comment,
            "breaches": sorted(t.breaches or []), "version": t.version}


@operation(bp, "/tickets", "POST",
           "File a ticket (customers) or enter an offline one (staff). Customers may attach files at creation: "
           "for each file POST /ticket-uploads, send the file to the `url` with the `fields` (a presigned POST "
           "straight to S3), then give the ids here in `files` and the files' names in `file_names`, same order. "
           "Every file is checked before anything is written: one missing or unsound file refuses the filing "
           "(422 naming it under `files`) and no ticket is created. The same filing sent again returns its ticket",
           form=ApiTicketForm, response="Ticket", status=201)
def ticket_create():
    """File a ticket."""
    form = parse(ApiTicketForm)
    item = tickets.file(ctx(), form.dept_id.data, form.kind.data, form.subject.data, form.description.data,
                        customer_id=form.customer_id.data or None, channel=form.channel.data or "portal",
                        files=form.named_files())
    return jsonify(ticket_json(item)), 201


@operation(bp, "/ticket-uploads", "POST",
           "Upload a file for a ticket not filed yet (customers): the presigned POST that sends it straight to S3 "
           "and the `upload_id` POST /tickets names it by in `files`; nothing is recorded until the filing",
           form=AttachmentForm, response="TicketDraftUpload", status=201)
def ticket_upload_create():
    """Start an upload for a ticket being written."""
    ticket_drafts.check_may_draft(ctx())
    form = parse(AttachmentForm)
    draft = ticket_drafts.request_draft(ctx(), form.filename.data, form.content_type.data or "")
    return jsonify({"upload_id": draft.upload_id, "url": draft.url, "fields": draft.fields}), 201


def file_json(e) -> dict:
    """The API's view of a file on a ticket (never its storage key)."""
    return {"id": e.event_id, "name": e.file_name, "content_type": e.content_type, "size": e.size,
            "status": e.file_state, "reject_reason": e.reject_reason, "message": uploads.rejection_message(
                e.reject_reason), "by": e.by, "at": e.at.isoformat()}


@operation(bp, "/tickets/<ticket_id>", "GET", "A ticket with its timeline", response="Ticket")
def ticket_get(ticket_id: str):
    """One ticket."""
    item = tickets.get(ctx(), ticket_id)
    events = [{"at": e.at.isoformat(), "kind": e.kind, "status": e.status, "text": e.text,
               "by": e.by if e.by_staff or ctx().actor.is_staff else "customer",
               **({"file": file_json(e)} if e.kind == "attachment" else {})} for e in tickets.timeline(ctx(), item)]
    return jsonify({**ticket_json(item), "timeline": events})


@operation(bp, "/tickets/<ticket_id>/files", "POST",
           "Attach a file: record it and get the presigned POST that uploads it straight to S3",
           form=AttachmentForm, response="TicketFileUpload", status=201)
def ticket_file_create(ticket_id: str):
    """Start an attachment upload."""
    ticket_files.check_may_attach(ctx(), ticket_id)
    form = parse(AttachmentForm)
    upload = ticket_files.request(ctx(), ticket_id, form.filename.data, form.content_type.data or "")
    return jsonify({"file_id": upload.event.event_id, "url": upload.url, "fields": upload.fields}), 201


@operation(bp, "/tickets/<ticket_id>/files/<file_id>/confirm", "POST",
           "Check the uploaded file; keep it on the ticket or delete it and say why", response="TicketFile")
def ticket_file_confirm(ticket_id: str, file_id: str):
    """Confirm an attachment upload."""
    return jsonify(file_json(ticket_files.confirm(ctx(), ticket_id, file_id)))


@operation(bp, "/tickets/<ticket_id>/files/<file_id>/download", "GET",
           "A presigned link (minutes) to a file on the ticket; audited", response="Link")
def ticket_file_download(ticket_id: str, file_id: str):
    """A short-lived download link."""
    return jsonify({"url": ticket_files.open_file(ctx(), ticket_id, file_id)})


@operation(bp, "/tickets/<ticket_id>/steps", "POST", "Staff: acknowledge, work on or resolve", form=ApiStepForm,
           response="Ticket", perm=Perm.PROPOSE_GRADES)
def ticket_step(ticket_id: str):
    """A staff step."""
    tickets.check_may_write(ctx(), tickets.get(ctx(), ticket_id))
    form = parse(ApiStepForm)
    return jsonify(ticket_json(tickets.advance(ctx(), ticket_id, form.status.data, form.reply.data)))


@operation(bp, "/tickets/<ticket_id>/replies", "POST", "A message from the customer or the department",
           form=ApiReplyForm, response="Ticket", status=201)
def ticket_reply(ticket_id: str):
    """Reply."""
    tickets.check_may_write(ctx(), tickets.get(ctx(), ticket_id))
    form = parse(ApiReplyForm)
    tickets.reply(ctx(), ticket_id, form.text.data)
    return jsonify(ticket_json(tickets.get(ctx(), ticket_id))), 201


@operation(bp, "/tickets/<ticket_id>/close", "POST", "Customer: confirm the resolution and rate it (1–5)",
           form=ApiCloseForm, response="Ticket")
def ticket_close(ticket_id: str):
    """Close with a rating."""
    item = tickets.get(ctx(), ticket_id)
    if not ctx().actor.is_customer:
        tickets.check_customer_step(ctx(), item)
    form = parse(ApiCloseForm)
    return jsonify(ticket_json(tickets.close(ctx(), ticket_id, form.rating.data, form.comment.data)))


@operation(bp, "/departments/<dept_id>/tickets", "GET", "Open tickets, VIP first, then by due time (RGT-2)",
           response="TicketList", perm=Perm.VIEW_CUSTOMERS)
def department_tickets(dept_id: str):
    """The department's queue."""
    return jsonify({"items": [ticket_json(t) for t in tickets.queue(ctx(), dept_id)]})
