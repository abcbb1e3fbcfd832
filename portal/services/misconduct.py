"""RGT-1 c: customers report another customer's fraud or misconduct; only MD reads the reports, and the
reporter's identity never reaches a department (an incident made from a report does not carry it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, UpdateError
from ulid import ULID

from portal.adapters.tables import Customer, Incident, MisconductReport, Standing, Unique
from portal.domain.customers import normalise_credit_code
from portal.domain.roles import Perm
from portal.services import audit, incidents
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound


def submit(ctx: Ctx, subject_name: str, subject_credit_code: str | None, description: str) -> MisconductReport:
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
    report = MisconductReport(report_id=str(ULID.from_datetime(ctx.now)), reporter_customer_id=ctx.actor.customer_id,
                              reporter_user=ctx.actor.email, subject_name=subject_name.strip(),
                              subject_credit_code=normalise_credit_code(subject_credit_code or "") or None,
                              description=description.strip(), at=ctx.now, open_bucket="open")
    report.save()
    audit.record(ctx, "misconduct.reported", target_type="misconduct_report", target_id=report.report_id)
    return report


def open_reports(ctx: Ctx) -> list[MisconductReport]:
    """MD's inbox of reports (department users are refused)."""
    authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST, target="misconduct reports")
    return list(MisconductReport.open.query("open"))


def get(ctx: Ctx, report_id: str) -> MisconductReport:
    """One report, for MD only."""
    authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST, target=report_id)
    if not report_id:
        raise NotFound()
    try:
        return MisconductReport.get(report_id)
    except DoesNotExist as exc:
        raise NotFound() from exc


def to_incident(ctx: Ctx, report_id: str, dept_id: str, kind: str) -> Incident:
    """MD turns a report into an incident against the reported customer in a department (INC-1); the incident
    names no reporter."""
    report = get(ctx, report_id)
    if report.open_bucket != "open":
        raise Conflict(_l("This report was handled already."))
    try:
        customer_id = Unique.get(f"uscc#{report.subject_credit_code}").owner_id if report.subject_credit_code else None
        customer = Customer.get(customer_id) if customer_id else None
        standing = Standing.get(dept_id, customer_id) if customer_id else None
    except DoesNotExist:
        customer = standing = None
    if customer is None or standing is None:
        raise Invalid(fields={"dept_id": [_l("The reported credit code matches no customer of this department.")]})
    try:
        report.update(actions=[MisconductReport.open_bucket.remove(), MisconductReport.handled_by.set(ctx.actor.email),
                               MisconductReport.outcome.set(f"incident in {dept_id}")],
                      condition=MisconductReport.open_bucket == "open")
    except UpdateError as exc:
        raise Conflict(_l("This report was handled already.")) from exc
    incident = incidents.file_against(ctx, standing, kind,
                                      f"{report.description}（来自客户举报 / from a customer's report）")
    audit.record(ctx, "misconduct.to_incident", target_type="customer", target_id=customer.customer_id,
                 dept_id=dept_id, detail={"report": report_id, "incident": incident.incident_id})
    return incident
