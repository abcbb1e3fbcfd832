"""Staff pages for tickets: the graded queue, answering, offline entry, overdue tickets (CMP-1…3, RGT-2)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.domain.roles import Perm
from portal.services import changes, customers, misconduct, outbox, people, ticket_reports, tickets
from portal.services.access import authorize
from portal.staff import bp
from portal.web import csv_response, ctx, dept_label, staff_required
from portal.web import ticket_files as ticket_files_web
from portal.web.forms import FORM_ERRORS, apply_errors, first_message
from portal.web.forms.customer import ReplyForm
from portal.web.forms.service import OfflineTicketForm, SlaForm, StepForm
from portal.web.forms.staff import INCIDENT_CHOICES


@bp.get("/departments/<dept_id>/tickets")
@staff_required(Perm.VIEW_CUSTOMERS)
def ticket_queue(dept_id: str):
    """RGT-2: open tickets, VIP first, then 优选, then 合格, each by due time."""
    return render_template("staff/tickets.html", dept_id=dept_id, items=tickets.queue(ctx(), dept_id))


@bp.get("/tickets/overdue")
@staff_required(Perm.VIEW_CUSTOMERS)
def tickets_overdue():
    """Open tickets whose first response or resolution is overdue (MD: every department's)."""
    page = tickets.overdue_page(ctx(), request.args.get("cursor"))
    return render_template("staff/tickets.html", dept_id=None, items=page.items, cursor=page.cursor)


@bp.route("/tickets/<ticket_id>", methods=["GET", "POST"])
@staff_required(Perm.VIEW_CUSTOMERS)
def ticket(ticket_id: str):
    """One ticket: acknowledge, work on, resolve with a reply, or write to the customer."""
    item = tickets.get(ctx(), ticket_id)
    step, reply = StepForm(), ReplyForm()
    problem = None
    if request.method == "POST":
        tickets.check_may_write(ctx(), item)  # before any form is read
        form = step if request.form.get("action") == "step" else reply
        if form.validate_on_submit():
            try:
                if form is step:
                    tickets.advance(ctx(), ticket_id, step.status.data, step.reply.data)
                else:
                    tickets.reply(ctx(), ticket_id, reply.text.data)
            except FORM_ERRORS as exc:
                problem = apply_errors(form, exc)
            else:
                return redirect(url_for("staff.ticket", ticket_id=ticket_id))
    return render_template("staff/ticket.html", item=item, events=tickets.timeline(ctx(), item), step=step,
                           reply=reply, problem=problem, may_write=tickets.staff_may_answer(ctx(), item),
                           people=people.names(ctx(), customer_id=item.customer_id))


@bp.route("/customers/<customer_id>/tickets/new", methods=["GET", "POST"])
@staff_required(Perm.VIEW_CUSTOMERS)
def ticket_offline(customer_id: str):
    """CMP-1: enter a ticket received by hotline, in person or by e-mail (MD: a company ticket, RGT-1 b)."""
    scope = tickets.offline_scope(ctx())
    tickets.check_may_enter(ctx(), scope, customer_id)
    customer = customers.get_customer(ctx(), customer_id)
    form = OfflineTicketForm()
    problem = None
    if form.validate_on_submit():
        try:
            item = tickets.file(ctx(), scope, form.kind.data, form.subject.data, form.description.data,
                                customer_id=customer_id, channel=form.channel.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Ticket entered."), "success")
            return redirect(url_for("staff.ticket", ticket_id=item.ticket_id))
    return render_template("staff/form.html", form=form, problem=problem,
                           title=_("Ticket for %(name)s", name=customer.name),
                           lead=_("To the Marketing Division (a company ticket)") if scope == tickets.COMPANY else None)



@bp.route("/sla/<scope>", methods=["GET", "POST"])
@staff_required(Perm.VIEW_CUSTOMERS)
def sla(scope: str):
    """CMP-2: a department's ticket categories and SLA (its leader), or the company default (MD)."""
    authorize(ctx(), Perm.VIEW_CUSTOMERS, None if scope == "company" else scope, target=f"{scope} SLA")
    record, _sla = tickets.sla_of(scope)
    if request.method == "POST":
        tickets.check_may_set_sla(ctx(), scope)
    form = SlaForm(obj=record)
    if request.method == "GET":
        form.categories.data = "\n".join(tickets.categories_of(scope))
    problem = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            tickets.save_sla(ctx(), scope, categories=(form.categories.data or "").splitlines(),
                             responsible_role=form.responsible_role.data,
                             first_response_days=form.first_response_days.data,
                             resolution_days=form.resolution_days.data,
                             vip_first_response_days=form.vip_first_response_days.data,
                             vip_resolution_days=form.vip_resolution_days.data,
                             autoclose_days=form.autoclose_days.data,
                             version=form.version.data if record.scope == scope and record.version else None)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("staff.sla", scope=scope))
    return render_template("staff/form.html", form=form, problem=problem,
                           title=_("Tickets: categories and times (%(s)s)", s=dept_label(scope)))


@bp.route("/misconduct", methods=["GET", "POST"])
@staff_required(Perm.MANAGE_COMPANY_BLACKLIST)
def misconduct_inbox():
    """RGT-1 c: MD reads customers' misconduct reports and may turn one into an incident."""
    problem = None
    if request.method == "POST":
        try:
            incident = misconduct.to_incident(ctx(), request.form.get("report_id", ""), request.form.get("dept_id", ""),
                                              request.form.get("kind", "poor_contract_execution"))
        except FORM_ERRORS as exc:
            problem = first_message(exc)
        else:
            flash(_("Incident recorded against %(name)s.", name=incident.customer_name), "success")
            return redirect(url_for("staff.misconduct_inbox"))
    return render_template("staff/misconduct.html", reports=misconduct.open_reports(ctx()), problem=problem,
                           kinds=INCIDENT_CHOICES)


@bp.get("/reports")
@staff_required(Perm.VIEW_CUSTOMERS)
def ticket_report():
    """CMP-3 / REL-5: tickets by kind, category and channel, SLA hit rate, satisfaction, repeat complainers."""
    scope = request.args.get("scope") or None
    days = _days()
    report = ticket_reports.build(ctx(), scope, days)
    if request.args.get("format") == "csv":
        return csv_response(f"tickets-{scope or 'all'}-{days}d.csv", ticket_reports.csv_rows(report))
    return render_template("staff/ticket_report.html", report=report, scope=scope, days=days)


def _days() -> int:
    try:
        return max(1, min(366, int(request.args.get("days", 90))))
    except ValueError:
        return 90


@bp.route("/departments/<dept_id>/changes", methods=["GET", "POST"])
@staff_required(Perm.VIEW_CUSTOMERS)
def change_tasks(dept_id: str):
    """OBL-1: customers' reported changes and cancellations for this department to handle."""
    problem = None
    if request.method == "POST":
        try:
            changes.handle(ctx(), dept_id, request.form.get("task_id", ""), request.form.get("note", ""))
        except FORM_ERRORS as exc:
            problem = first_message(exc)
        else:
            flash(_("Done. Re-verify the documents and re-grade the customer if needed."), "success")
            return redirect(url_for("staff.change_tasks", dept_id=dept_id))
    page = changes.open_task_page(ctx(), dept_id, request.args.get("cursor"))
    return render_template("staff/changes.html", dept_id=dept_id, tasks=page.items, cursor=page.cursor,
                           problem=problem)


ticket_files_web.add_routes(bp, staff_required(Perm.VIEW_CUSTOMERS))


@bp.get("/mail/failed")
@staff_required(Perm.VIEW_AUDIT)
def failed_mail():
    """Issue 16: mail given up after five failed attempts, newest first, for MD to follow up."""
    return render_template("staff/failed_mail.html", messages=outbox.given_up(ctx()))
