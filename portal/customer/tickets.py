"""Customer pages for tickets: file, follow the timeline, reply, close with a rating or reopen (CMP-1…3)."""

from __future__ import annotations

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import SelectChoice

from portal.customer import bp
from portal.services import changes, customers, misconduct, people, ticket_drafts, tickets
from portal.services.pages import customer as customer_pages
from portal.web import ctx, customer_required
from portal.web import ticket_files as ticket_files_web
from portal.web.errors import api_error
from portal.web.forms import FORM_ERRORS, apply_errors
from portal.web.forms.customer import (
    AttachmentForm,
    ChangeReportForm,
    CloseForm,
    MisconductForm,
    ReopenForm,
    ReplyForm,
    TicketForm,
)
from portal.web.labels import category_label, localized_name


def _name(names: dict, dept_id: str) -> str:
    """A department's name in the reader's language."""
    return localized_name(names[dept_id], str(get_locale())) if dept_id in names else dept_id


@bp.route("/tickets", methods=["GET", "POST"])
@customer_required
def ticket_list():
    """The company's tickets, and a form to file a new one."""
    dealing, names = customer_pages.dealings(ctx())
    form = TicketForm()
    form.dept_id.choices = [SelectChoice(d, _name(names, d)) for d in dealing] + [
        SelectChoice("company", _("The company (Marketing Division) — about a department's sales process"))]
    form.category.choices = [SelectChoice("", "—")] + [
        SelectChoice(f"{d}:{c}", f"{_name(names, d)} · {category_label(c, str(get_locale()))}")
        for d in dealing for c in tickets.categories_of(d)]
    problem = None
    if form.validate_on_submit():
        dept_of_category, _sep, category = (form.category.data or "").partition(":")
        if category and dept_of_category != form.dept_id.data:
            form.category.errors = [_("This category belongs to another department.")]
        else:
            try:
                ticket = tickets.file(ctx(), form.dept_id.data, form.kind.data, form.subject.data,
                                      form.description.data, category=category or None, files=form.named_files())
            except FORM_ERRORS as exc:
                problem = apply_errors(form, exc)
            else:
                flash(_("Your ticket has been filed."), "success")
                return redirect(url_for("customer.ticket", ticket_id=ticket.ticket_id))
    page = tickets.customer_page(ctx(), request.args.get("cursor"))
    return render_template("customer/tickets.html", form=form, problem=problem, items=page.items,
                           cursor=page.cursor, people=people.names(ctx(), customer_id=g.actor.customer_id))


@bp.post("/tickets/files")
@customer_required
def ticket_draft_request():
    """JSON for the new-ticket script (issue 17): the presigned POST of a file for the ticket being written."""
    ticket_drafts.check_may_draft(ctx())
    form = AttachmentForm()
    if not form.validate():
        return api_error(422, "invalid", "", form.errors)
    draft = ticket_drafts.request_draft(ctx(), form.filename.data, form.content_type.data or "")
    return jsonify({"upload_id": draft.upload_id, "url": draft.url, "fields": draft.fields}), 201


@bp.route("/tickets/<ticket_id>", methods=["GET", "POST"])
@customer_required
def ticket(ticket_id: str):
    """One ticket: its timeline with the staff's replies; reply, confirm and rate, or reopen."""
    item = tickets.get(ctx(), ticket_id)
    reply, close, reopen = ReplyForm(), CloseForm(), ReopenForm()
    problem = None
    if request.method == "POST":
        action = request.form.get("action")
        form = {"reply": reply, "close": close, "reopen": reopen}.get(action)
        if form is not None and form.validate_on_submit():
            try:
                if action == "reply":
                    tickets.reply(ctx(), ticket_id, reply.text.data)
                elif action == "close":
                    tickets.close(ctx(), ticket_id, close.rating.data, close.comment.data)
                else:
                    tickets.reopen(ctx(), ticket_id, reopen.reason.data)
            except FORM_ERRORS as exc:
                problem = apply_errors(form, exc)
            else:
                return redirect(url_for("customer.ticket", ticket_id=ticket_id))
    return render_template("customer/ticket.html", item=item, events=tickets.timeline(ctx(), item), reply=reply,
                           close=close, reopen=reopen, problem=problem,
                           people=people.names(ctx(), customer_id=item.customer_id))


@bp.route("/misconduct", methods=["GET", "POST"])
@customer_required
def misconduct_report():
    """RGT-1 c: report another customer's fraud or misconduct to the Marketing Division."""
    form = MisconductForm()
    problem = None
    if form.validate_on_submit():
        try:
            misconduct.submit(ctx(), form.subject_name.data, form.subject_credit_code.data, form.description.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Thank you. Only the Marketing Division reads your report; your name is not passed on."),
                  "success")
            return redirect(url_for("customer.home"))
    return render_template("customer/misconduct.html", form=form, problem=problem)


@bp.route("/changes", methods=["GET", "POST"])
@customer_required
def change_report():
    """OBL-1: report a change to, or the cancellation of, the company's business registration."""
    form = ChangeReportForm()
    form.licence_doc.choices = [SelectChoice("", "—")] + [
        SelectChoice(d.doc_id, f"{d.original_name} ({d.issue_date})")
        for d in customers.current_documents(ctx(), g.actor.customer_id)]
    problem = None
    if form.validate_on_submit():
        try:
            sent = changes.report(ctx(), form.kind.data, {k: getattr(form, k).data for k in changes.FIELDS},
                                  form.licence_doc.data or None)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Reported to %(n)s department(s); they will update your record.", n=len(sent)), "success")
            return redirect(url_for("customer.home"))
    return render_template("customer/changes.html", form=form, problem=problem)


ticket_files_web.add_routes(bp, customer_required)
