"""Incidents (INC-1…3): recorded per department; a VIP's downgrade falls due; major losses go to MD."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.dynamics import Incidents
from portal.adapters.uow import Unavailable, WriteConflict
from portal.domain.dynamics import downgrade_deadline
from portal.domain.grading import Grade
from portal.domain.roles import Perm, may
from portal.domain.timeutil import shanghai_day, to_iso
from portal.services import audiences, audit, blacklist, notifications
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.grading import get_standing

KINDS = ("poor_contract_execution", "late_payment", "operating_crisis", "major_loss")
DECIDED_ALREADY = _l("This report was decided already.")


def record(ctx: Ctx, dept_id: str, customer_id: str, kind: str, description: str):
    """INC-1: staff record an incident; INC-2: a VIP's downgrade is due in 5 days; INC-3: major loss → MD."""
    authorize(ctx, Perm.RECORD_INCIDENTS, dept_id, target=customer_id)
    return file_against(ctx, get_standing(ctx, dept_id, customer_id), kind, description)


def file_against(ctx: Ctx, standing, kind: str, description: str):
    """Record an incident against a standing (callers have checked who may): INC-2 and INC-3 follow."""
    with ctx.uow() as uow:
        incident = stage_incident(uow, ctx, standing, kind, description)
        uow.commit()
    return incident


def stage_incident(uow, ctx: Ctx, standing, kind: str, description: str):
    """Check an incident and stage it with its audit event, and (INC-3) MD's mail in the same transaction."""
    if kind not in KINDS:
        raise Invalid(fields={"kind": [_l("Choose the kind of incident.")]})
    if not (description or "").strip():
        raise Invalid(fields={"description": [_l("Describe what happened.")]})
    dept_id, customer_id = standing.dept_id, standing.customer_id
    incident = records.Incident(
        customer_id=customer_id, incident_id=str(ULID.from_datetime(ctx.now)), customer_name=standing.customer_name,
        dept_id=dept_id, kind=kind, description=description.strip(), recorded_by=ctx.actor.email, at=ctx.now,
        grade_at_time=standing.grade,
        downgrade_due_at=downgrade_deadline(ctx.now) if standing.grade == Grade.VIP.value else None)  # INC-2
    uow.repo(Incidents).record(incident, report_to_md=kind == "major_loss")  # INC-3
    audit.stage(uow, ctx, "incident.recorded", target_type="customer", target_id=customer_id, dept_id=dept_id,
                detail={"incident": incident.incident_id, "kind": kind,
                        "downgrade_due": to_iso(incident.downgrade_due_at) if incident.downgrade_due_at else None})
    _notify_md(uow, ctx, incident)
    return incident


def _notify_md(uow, ctx: Ctx, incident) -> None:
    """MD hears of every incident, staged with it (issue 16; the outbox delivers the mail): INC-3's major loss as
    a report to decide, any other kind (INC-1) as filed with MD. The one who recorded it is not told."""
    md = [u for u in audiences.marketing_division(uow) if ctx.actor is None or u.user_id != ctx.actor.user_id]
    names = audiences.dept_names(uow, incident.dept_id)
    target = f"/staff/customers/{incident.customer_id}"
    if incident.kind == "major_loss":
        notifications.notify(uow, ctx, md, "incident_major_loss", target, customer=incident.customer_name, **names)
    else:
        notifications.notify(uow, ctx, md, "incident_recorded", target, customer=incident.customer_name,
                             what_code=incident.kind, **names)


def of_customer(ctx: Ctx, customer_id: str, dept_id: str | None = None) -> list:
    """A customer's incidents, newest first, in the departments the actor may see."""
    if ctx.actor.is_customer:
        return []  # incidents are internal records
    found = ctx.uow().repo(Incidents).of_customer(customer_id)
    return [i for i in found
            if (dept_id is None or i.dept_id == dept_id) and may(ctx.actor, Perm.VIEW_CUSTOMERS, i.dept_id)]


@dataclass(frozen=True)
class EscalationRun:
    """What one run of an escalation job did."""

    escalated: list[str]
    already: int
    failed: list[str] = field(default_factory=list)


def escalate_overdue_downgrades(ctx: Ctx) -> EscalationRun:
    """INC-2: downgrades still open after their deadline are escalated to the leader and MD, once each."""
    escalated, already, failed = [], 0, []
    to: dict = {}  # the leaders and MD, read once per department
    for incident in ctx.uow().repo(Incidents).overdue_downgrades(ctx.now):
        if incident.escalated_at:
            already += 1
            continue
        try:
            with ctx.uow() as uow:
                uow.repo(Incidents).escalate(incident, ctx.now)
                audit.stage(uow, ctx, "incident.downgrade_escalated", target_type="customer",
                            target_id=incident.customer_id, dept_id=incident.dept_id,
                            detail={"incident": incident.incident_id})
                notifications.notify(  # INC-2: the leader and MD, a notification of its kind (issue 16)
                    uow, ctx, audiences.leaders_and_md(uow, incident.dept_id, to), "downgrade_overdue",
                    f"/staff/departments/{incident.dept_id}/customers/{incident.customer_id}",
                    customer=incident.customer_name, due=shanghai_day(incident.downgrade_due_at).isoformat(),
                    **audiences.dept_names(uow, incident.dept_id))
                uow.commit()
        except WriteConflict:  # another run escalated it first
            already += 1
            continue
        except Unavailable:  # not escalated: still due, reported (the job fails and is retried)
            failed.append(incident.incident_id)
            continue
        escalated.append(incident.incident_id)
    return EscalationRun(escalated, already, failed)


def overdue_downgrades(ctx: Ctx) -> list:
    """Open downgrades past their deadline (MD sees all, a department its own)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS)
    found = ctx.uow().repo(Incidents).overdue_downgrades(ctx.now)
    return [i for i in found if may(ctx.actor, Perm.VIEW_CUSTOMERS, i.dept_id)]


def open_reports(ctx: Ctx) -> list:
    """INC-3: major-loss reports awaiting MD's decision."""
    authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST)
    return ctx.uow().repo(Incidents).reports_to_md()


def decide_report(ctx: Ctx, customer_id: str, incident_id: str, list_on_company: bool, reason: str):
    """MD verifies a report and lists the customer on the company blacklist, or closes it (INC-3, BLK-1): the
    decision and the listing are one transaction."""
    authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST, target=incident_id)
    incident = ctx.uow().repo(Incidents).find(customer_id, incident_id)
    if incident is None:
        raise NotFound()
    if incident.md_report != "open":
        raise Conflict(DECIDED_ALREADY)
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Give the reason.")]})

    def decide(uow) -> None:
        uow.repo(Incidents).decide_report(incident, ("listed: " if list_on_company else "closed: ") + reason)
        audit.stage(uow, ctx, "incident.report_decided", target_type="customer", target_id=customer_id,
                    detail={"incident": incident_id, "listed": list_on_company, "reason": reason})

    try:
        if list_on_company:
            blacklist.list_with(ctx, customer_id, "company", reason, also=decide)
        else:
            with ctx.uow() as uow:
                decide(uow)
                uow.commit()
    except WriteConflict as exc:
        raise Conflict(DECIDED_ALREADY) from exc
    incident.md_report, incident.md_decision = None, ("listed: " if list_on_company else "closed: ") + reason
    return incident

