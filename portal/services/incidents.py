"""Incidents (INC-1…3): recorded per department; a VIP's downgrade falls due; major losses go to MD."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, UpdateError
from ulid import ULID

from portal.adapters import mail
from portal.adapters.tables import Incident, transaction
from portal.domain.dynamics import downgrade_deadline
from portal.domain.grading import Grade
from portal.domain.roles import Perm, may
from portal.domain.timeutil import to_iso
from portal.services import audit, blacklist, org
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.grading import get_standing

KINDS = ("poor_contract_execution", "late_payment", "operating_crisis", "major_loss")


def record(ctx: Ctx, dept_id: str, customer_id: str, kind: str, description: str) -> Incident:
    """INC-1: staff record an incident; INC-2: a VIP's downgrade is due in 5 days; INC-3: major loss → MD."""
    authorize(ctx, Perm.RECORD_INCIDENTS, dept_id, target=customer_id)
    return file_against(ctx, get_standing(ctx, dept_id, customer_id), kind, description)


def file_against(ctx: Ctx, standing, kind: str, description: str) -> Incident:
    """Record an incident against a standing (callers have checked who may): INC-2 and INC-3 follow."""
    dept_id, customer_id = standing.dept_id, standing.customer_id
    if kind not in KINDS:
        raise Invalid(fields={"kind": [_l("Choose the kind of incident.")]})
    if not (description or "").strip():
        raise Invalid(fields={"description": [_l("Describe what happened.")]})
    incident = Incident(customer_id=customer_id, incident_id=str(ULID.from_datetime(ctx.now)),
                        customer_name=standing.customer_name, dept_id=dept_id, kind=kind,
                        description=description.strip(), recorded_by=ctx.actor.email, at=ctx.now,
                        grade_at_time=standing.grade)
    if standing.grade == Grade.VIP.value:
        due = downgrade_deadline(ctx.now)
        incident.downgrade_due_at = due
        incident.downgrade_open, incident.downgrade_key = "open", f"{to_iso(due)}#{incident.incident_id}"
    if kind == "major_loss":
        incident.md_report = "open"
    with transaction() as tx:
        tx.save(incident)
        tx.save(audit.event(ctx, "incident.recorded", target_type="customer", target_id=customer_id, dept_id=dept_id,
                            detail={"incident": incident.incident_id, "kind": kind,
                                    "downgrade_due": to_iso(incident.downgrade_due_at)
                                    if incident.downgrade_due_at else None}))
    if kind == "major_loss":
        for address in org.leaders_and_md().get("md", []):
            mail.send(address, f"【重大损失报告】{standing.customer_name} / Major loss reported by {dept_id}",
                      f"{dept_id} 报告：{standing.customer_name} 造成重大损失或损害公司声誉，"
                      f"请核实并决定是否列入公司黑名单。\n{incident.description}\n")
    return incident


def of_customer(ctx: Ctx, customer_id: str, dept_id: str | None = None) -> list[Incident]:
    """A customer's incidents, newest first, in the departments the actor may see."""
    found = list(Incident.query(customer_id, scan_index_forward=False))
    if ctx.actor.is_customer:
        return []  # incidents are internal records
    return [i for i in found
            if (dept_id is None or i.dept_id == dept_id) and may(ctx.actor, Perm.VIEW_CUSTOMERS, i.dept_id)]


@dataclass(frozen=True)
class EscalationRun:
    """What one run of an escalation job did."""

    escalated: list[str]
    already: int


def escalate_overdue_downgrades(ctx: Ctx) -> EscalationRun:
    """INC-2: downgrades still open after their deadline are escalated to the leader and MD, once each."""
    escalated, already = [], 0
    recipients = None
    for incident in Incident.open_downgrades.query("open", Incident.downgrade_key < to_iso(ctx.now)):
        if incident.escalated_at:
            already += 1
            continue
        try:
            incident.update(actions=[Incident.escalated_at.set(ctx.now)],
                            condition=Incident.escalated_at.does_not_exist())
        except UpdateError:  # another run escalated it first
            already += 1
            continue
        recipients = recipients or org.leaders_and_md()
        subject = f"【降级逾期】{incident.customer_name} ({incident.dept_id}) / Overdue VIP downgrade"
        due = incident.downgrade_due_at.isoformat()
        body = (f"{incident.customer_name} 在 {incident.dept_id} 为 VIP，{incident.at:%Y-%m-%d} 记录事件后"
                f"应于 5 日内降级，现已逾期。\nINC-2: the downgrade was due by {due}.\n")
        for address in sorted(set(recipients.get(incident.dept_id, [])) | set(recipients.get("md", []))):
            mail.send(address, subject, body)
        audit.record(ctx, "incident.downgrade_escalated", target_type="customer", target_id=incident.customer_id,
                     dept_id=incident.dept_id, detail={"incident": incident.incident_id})
        escalated.append(incident.incident_id)
    return EscalationRun(escalated, already)


def overdue_downgrades(ctx: Ctx) -> list[Incident]:
    """Open downgrades past their deadline (MD sees all, a department its own)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS)
    found = Incident.open_downgrades.query("open", Incident.downgrade_key < to_iso(ctx.now))
    return [i for i in found if may(ctx.actor, Perm.VIEW_CUSTOMERS, i.dept_id)]


def open_reports(ctx: Ctx) -> list[Incident]:
    """INC-3: major-loss reports awaiting MD's decision."""
    authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST)
    return list(Incident.open_reports.query("open"))


def decide_report(ctx: Ctx, customer_id: str, incident_id: str, list_on_company: bool, reason: str) -> Incident:
    """MD verifies a report and lists the customer on the company blacklist, or closes it (INC-3, BLK-1)."""
    authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST, target=incident_id)
    try:
        incident = Incident.get(customer_id, incident_id)
    except DoesNotExist as exc:
        raise NotFound() from exc
    if incident.md_report != "open":
        raise Conflict(_l("This report was decided already."))
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Give the reason.")]})
    if list_on_company:
        blacklist.list_customer(ctx, customer_id, "company", reason)
    try:
        incident.update(actions=[Incident.md_report.remove(),
                                 Incident.md_decision.set(("listed: " if list_on_company else "closed: ") + reason)],
                        condition=Incident.md_report == "open")
    except UpdateError as exc:
        raise Conflict(_l("This report was decided already.")) from exc
    audit.record(ctx, "incident.report_decided", target_type="customer", target_id=customer_id,
                 detail={"incident": incident_id, "listed": list_on_company, "reason": reason})
    return incident

