"""RGT-1 c: customers report another customer's fraud or misconduct; only MD reads the reports, and the
reporter's identity never reaches a department (an incident made from a report does not carry it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.customers import CreditCodes
from portal.adapters.repos.dynamics import MisconductReports
from portal.adapters.repos.grading import Standings
from portal.adapters.uow import WriteConflict
from portal.domain.customers import normalise_credit_code
from portal.domain.roles import Perm
from portal.services import audiences, audit, incidents, notifications
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound

HANDLED_ALREADY = _l("This report was handled already.")


def submit(ctx: Ctx, subject_name: str, subject_credit_code: str | None, description: str):
    """A customer's user reports another customer."""
    if not ctx.actor.is_customer:
        raise refuse(ctx, "misconduct.submit")
    problems = {}
    if not (subject_name or "").strip():
        problems["subject_name"] = [_l("Required.")]
    if not (description or "").strip() or len(description) > 10000:
        problems["description"] = [_l("Describe what happened.")]
    if problems:
        raise Invalid(fields=problems)
    report = records.MisconductReport(
        report_id=str(ULID.from_datetime(ctx.now)), reporter_customer_id=ctx.actor.customer_id,
        reporter_user=ctx.actor.email, subject_name=subject_name.strip(),
        subject_credit_code=normalise_credit_code(subject_credit_code or "") or None,
        description=description.strip(), at=ctx.now)
    with ctx.uow() as uow:
        uow.repo(MisconductReports).file(report)
        audit.stage(uow, ctx, "misconduct.reported", target_type="misconduct_report", target_id=report.report_id)
        # issue 16: MD hears of it in the report's transaction; the notice names the reported, never the reporter
        notifications.notify(uow, ctx, audiences.marketing_division(uow), "misconduct_reported", "/staff/misconduct",
                             subject=report.subject_name)
        uow.commit()
    return report


def open_reports(ctx: Ctx) -> list:
    """MD's inbox of reports (department users are refused)."""
    authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST, target="misconduct reports")
    return ctx.uow().repo(MisconductReports).still_open()


def get(ctx: Ctx, report_id: str, uow=None):
    """One report, for MD only."""
    authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST, target=report_id)
    report = (uow or ctx.uow()).repo(MisconductReports).find(report_id)
    if report is None:
        raise NotFound()
    return report


def to_incident(ctx: Ctx, report_id: str, dept_id: str, kind: str):
    """MD turns a report into an incident against the reported customer in a department (INC-1); the incident
    names no reporter. The report is closed in the incident's own transaction."""
    with ctx.uow() as uow:
        report = get(ctx, report_id, uow)
        if report.open_bucket != "open":
            raise Conflict(HANDLED_ALREADY)
        customer_id = uow.repo(CreditCodes).owner(report.subject_credit_code)
        standing = uow.repo(Standings).get(dept_id, customer_id) if customer_id and dept_id else None
        if standing is None:
            raise Invalid(fields={"dept_id": [_l("The reported credit code matches no customer of this department.")]})
        uow.repo(MisconductReports).handle(report, ctx.actor.email, f"incident in {dept_id}")
        incident = incidents.stage_incident(uow, ctx, standing, kind,
                                            f"{report.description}（来自客户举报 / from a customer's report）")
        audit.stage(uow, ctx, "misconduct.to_incident", target_type="customer", target_id=customer_id,
                    dept_id=dept_id, detail={"report": report_id, "incident": incident.incident_id})
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(HANDLED_ALREADY) from exc
    return incident
