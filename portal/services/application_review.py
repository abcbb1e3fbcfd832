"""The department's review of an application and its decision (ADM-1, ADM-2, ADM-3, ONB-3, GRD-4, BLK-6).

Each step is saved with the version the reviewer read (two people at once: one wins, the other gets 409);
an admission creates the standing as 合格 and counts it in the quotas in the same transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters import records
from portal.adapters.repos.contracts import Contracts
from portal.adapters.repos.customers import Applications, Customers, Documents
from portal.adapters.repos.grading import Counters, Standings
from portal.adapters.repos.identity import Users
from portal.adapters.repos.org import Departments
from portal.adapters.uow import WriteConflict
from portal.domain.contracts import State, is_expired
from portal.domain.customers import Condition, CustomerType, admission_blockers
from portal.domain.grading import Grade
from portal.domain.roles import Perm
from portal.domain.timeutil import shanghai_day
from portal.services import audiences, audit, notifications
from portal.services.access import authorize, refuse
from portal.services.application_access import (
    blacklist_problem,
    check_documents,
    conditions_of,
    editable,
    get_application,
    save_step,
)
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid

# ADM-1: the decision recorded when a department confirms a review-free customer (read by both languages).
CONFIRMED_REASON = {
    CustomerType.RETAIL: "零售客户，经部门确认准入 / Retail customer, confirmed by the department",
    CustomerType.INTERNAL: "内部关联方，经部门确认准入 / Internal related party, confirmed by the department",
}
EVIDENCE_NEEDED = {Condition.A_LEGAL_ENTITY: "document", Condition.E_PRODUCT_LICENCE: "document",
                   Condition.C_CONTRACT: "contract"}  # REL-3: one of the customer's signed contracts


def assign(ctx: Ctx, app_id: str, assignee_id: str, version: int):
    """The department leader designates the person who checks the customer's background (ONB-3)."""
    with ctx.uow() as uow:
        app = editable(ctx, uow, app_id, Perm.DECIDE_APPLICATIONS, version)
        person = uow.repo(Users).find(assignee_id)
        if person is None or person.kind != "staff" or person.dept_id != app.dept_id or not person.active:
            raise Invalid(fields={"assignee_id": [_l("Choose an active member of this department.")]})
        app.assignee_id = assignee_id
        if assignee_id != ctx.actor.user_id:  # issue 16: the designated person hears of it (not one's own choice)
            notifications.notify(uow, ctx, [person], "designated", f"/staff/applications/{app.app_id}",
                                 customer=app.customer_name)
        return save_step(uow, ctx, app, "application.assigned", {"assignee": person.email})


def record_background_check(ctx: Ctx, app_id: str, note: str, version: int):
    """The designated person records the background check and answers for its truth (ONB-3)."""
    with ctx.uow() as uow:
        app = editable(ctx, uow, app_id, Perm.REVIEW_APPLICATIONS, version)
        if app.assignee_id != ctx.actor.user_id:
            raise refuse(ctx, "application.background_check", app_id, app.dept_id)
        if not (note or "").strip():
            raise Invalid(fields={"note": [_l("Describe what was checked.")]})
        app.background_check = json.dumps({"note": note.strip(), "by": ctx.actor.email,
                                           "at": ctx.now.isoformat()}, ensure_ascii=False)
        return save_step(uow, ctx, app, "application.background_checked", {})


@dataclass(frozen=True)
class ConditionRecord:
    """The reviewer's finding on one ADM-2 condition."""

    code: str
    met: bool
    evidence_doc: str | None = None
    contract_id: str | None = None  # ADM-2 (c): the signed contract picked (records before REL-3 hold a typed number)
    note: str | None = None


def _evidence_problems(uow, app, code: Condition, record: ConditionRecord, today) -> dict:
    """ADM-2: what a finding lacks (a verified document for a/e, a signed contract for c, a note otherwise)."""
    problems = {}
    evidence = EVIDENCE_NEEDED.get(code)
    if record.met and evidence == "document":
        document = uow.repo(Documents).find(record.evidence_doc)
        if document is None or document.customer_id != app.customer_id or \
                document.status not in ("verified", "superseded"):
            problems["evidence_doc"] = [_l("Choose the customer's verified document that proves this.")]
    if record.met and evidence == "contract" and _evidence_contract(uow, app, record.contract_id, today) is None:
        problems["contract_id"] = [_l("Choose one of the customer's signed contracts with this department.")]
    if record.met and evidence is None and not (record.note or "").strip():
        problems["note"] = [_l("Say what shows this condition is met.")]
    if not record.met and not (record.note or "").strip():
        problems["note"] = [_l("Say why this condition is not met.")]
    return problems


def _evidence_contract(uow, app, contract_id: str | None, today):
    """ADM-2 (c): the contract head named, when it is this customer's, in this department, signed and not ended
    (in force, or signed and starting later); else None."""
    head = uow.repo(Contracts).head(contract_id)
    if head is None or head.customer_id != app.customer_id or head.dept_id != app.dept_id:
        return None
    return head if head.state == State.SIGNED and not is_expired(head.end_date, today) else None


def record_condition(ctx: Ctx, app_id: str, record: ConditionRecord, version: int):
    """The reviewer records one of ADM-2's six conditions as met or not, with its evidence."""
    with ctx.uow() as uow:
        app = editable(ctx, uow, app_id, Perm.REVIEW_APPLICATIONS, version)
        try:
            code = Condition(record.code)
        except ValueError as exc:
            raise Invalid(fields={"code": [_l("Not one of the six conditions.")]}) from exc
        problems = _evidence_problems(uow, app, code, record, shanghai_day(ctx.now))
        if problems:
            raise Invalid(fields=problems)
        conditions = conditions_of(app)
        contract = _evidence_contract(uow, app, record.contract_id, shanghai_day(ctx.now)) \
            if record.met and code == Condition.C_CONTRACT else None
        conditions[code.value] = {"met": record.met, "evidence_doc": record.evidence_doc,
                                  **({"contract_id": contract.contract_id, "contract_no": contract.contract_no,
                                      "contract_title": contract.title} if contract else {}),
                                  "note": (record.note or "").strip() or None, "by": ctx.actor.email,
                                  "at": ctx.now.isoformat()}
        app.conditions = json.dumps(conditions, ensure_ascii=False, sort_keys=True)
        return save_step(uow, ctx, app, "application.condition_recorded", {"condition": code.value,
                                                                            "met": record.met})


def _admission_problems(uow, app) -> dict:
    """ADM-2 and BLK-2: what still stands in the way of admitting this application."""
    problems: dict = {}
    blockers = admission_blockers({k: v["met"] for k, v in conditions_of(app).items()})
    if blockers:
        problems["decision"] = [_l("Admission needs all six conditions met; still open or not met: %(c)s",
                                   c=", ".join(f"({b.value})" for b in blockers))]
    if not app.background_check:
        problems["decision"] = problems.get("decision", []) + [
            _l("The designated person has not recorded the background check.")]
    return {**problems, **blacklist_problem(uow, app)}


def confirm(ctx: Ctx, app_id: str, version: int):
    """ADM-1: a member of the department confirms a retail or internal related-party customer in one click.

    Until then it is 待确认, holds no standing and counts in no quota; its documents are checked again now.
    """
    with ctx.uow() as uow:
        app = editable(ctx, uow, app_id, Perm.REVIEW_APPLICATIONS, version)
        if not app.confirm_only:
            raise Conflict(_l("This application needs the full admission review, not a confirmation."))
        return _confirm(uow, ctx, app)


def _confirm(uow, ctx: Ctx, app):
    problems = blacklist_problem(uow, app)
    if problems:
        raise Invalid(fields=problems)
    customer = uow.repo(Customers).find(app.customer_id)
    try:
        check_documents(uow, customer, ctx)
    except Invalid as exc:
        raise Invalid(exc.message, fields={"decision": exc.fields["documents"]}) from exc
    return _finalise(uow, ctx, app, True, CONFIRMED_REASON[CustomerType(customer.kind)], customer)


def decide(ctx: Ctx, app_id: str, admit: bool, reason: str, version: int):
    """The department leader admits (all six conditions met) or rejects with a reason; one decision wins.

    BLK-6: a re-entry after a blacklisting also needs company leadership's approval, in either order; until
    both have approved, the leader's admission is recorded and the application stays open.
    """
    with ctx.uow() as uow:
        app = editable(ctx, uow, app_id, Perm.DECIDE_APPLICATIONS, version)
        reason = (reason or "").strip()
        if not reason:
            raise Invalid(fields={"reason": [_l("Give the reason for the decision.")]})
        if admit and app.confirm_only:  # ADM-1: the leader confirms like any member of the department
            return _confirm(uow, ctx, app)
        if admit:
            problems = _admission_problems(uow, app)
            if problems:
                raise Invalid(fields=problems)
            if app.reentry and not app.lead_approval:
                app.dm_approval = _approval(ctx, reason)
                return save_step(uow, ctx, app, "application.reentry_approved_by_department", {"reason": reason})
        return _finalise(uow, ctx, app, admit, reason)


def _approval(ctx: Ctx, reason: str) -> str:
    return json.dumps({"by": ctx.actor.email, "at": ctx.now.isoformat(), "reason": reason}, ensure_ascii=False)


def approve_reentry(ctx: Ctx, app_id: str, reason: str, version: int):
    """BLK-6: company leadership approves a re-entry; with the department leader's approval it admits as 合格."""
    with ctx.uow() as uow:
        app = get_application(ctx, app_id, uow)
        authorize(ctx, Perm.APPROVE_REENTRY, target=app_id)
        if not app.reentry or app.status != "submitted":
            raise Conflict(_l("This application does not await leadership's approval."))
        if version is None or int(version) != int(app.version or 0):
            raise Conflict()
        if not (reason or "").strip():
            raise Invalid(fields={"reason": [_l("Give the reason for the decision.")]})
        app.lead_approval = _approval(ctx, reason.strip())
        if not app.dm_approval:
            return save_step(uow, ctx, app, "application.reentry_approved_by_leadership", {"reason": reason.strip()})
        problems = _admission_problems(uow, app)
        if problems:
            raise Invalid(fields=problems)
        return _finalise(uow, ctx, app, True, json.loads(app.dm_approval)["reason"])


def _standing(app, ctx: Ctx):
    """GRD-4: a new admission stands as 合格 (Qualified) until graded (BLK-6: a re-entry too)."""
    return records.Standing(dept_id=app.dept_id, customer_id=app.customer_id, customer_name=app.customer_name,
                            grade=Grade.QUALIFIED.value, products=set(app.products),
                            designated_staff=app.assignee_id, admitted_at=ctx.now, app_id=app.app_id, version=1)


def _finalise(uow, ctx: Ctx, app, admit: bool, reason: str, customer=None):
    """Record the decision; an admission creates the standing as 合格 and counts it, in one transaction."""
    app.status = "admitted" if admit else "rejected"
    app.decision_reason, app.decided_by, app.decided_at = reason, ctx.actor.email, ctx.now
    uow.repo(Applications).decide(app)  # version condition: of two decisions at once, one wins
    if admit:
        uow.repo(Standings).admit(_standing(app, ctx))
        uow.repo(Counters).admit(app.dept_id, app.products)  # QTA: one more customer counted
    audit.stage(uow, ctx, "application.admitted" if admit else "application.rejected", target_type="application",
                target_id=app.app_id, dept_id=app.dept_id,
                detail={"customer": app.customer_id, "reason": reason, "reentry": bool(app.reentry)})
    _notify_decision(uow, ctx, app, customer or uow.repo(Customers).find(app.customer_id))
    try:
        uow.commit()
    except WriteConflict as exc:
        raise Conflict(_l("This application was decided or changed meanwhile. Reload the page.")) from exc
    return app


def _notify_decision(uow, ctx: Ctx, app, customer) -> None:
    """Tell the customer of the decision (why, when refused) in the same unit of work (issue 16)."""
    dept = uow.repo(Departments).find(app.dept_id)
    kind = "application_admitted" if app.status == "admitted" else "application_rejected"
    notifications.notify(uow, ctx, audiences.customer_users(uow, customer), kind,
                         f"/customer/applications/{app.app_id}", dept_zh=dept.name_zh, dept_en=dept.name_en,
                         reason=app.decision_reason)
