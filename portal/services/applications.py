"""Admission applications and their review by the department (ADM-1…4, ONB-3, GRD-4)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from ulid import ULID

from portal.adapters import mail
from portal.adapters.tables import (
    Application,
    Customer,
    Department,
    Document,
    Product,
    Standing,
    Unique,
    User,
    transaction,
)
from portal.domain.customers import (
    Condition,
    CustomerType,
    admission_blockers,
    missing_documents,
    needs_admission_review,
)
from portal.domain.roles import DepartmentKind, Perm, Role
from portal.domain.timeutil import shanghai_day
from portal.services import audit
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.customers import check_customer_access
from portal.services.documents import required_types, verified_validity
from portal.services.eligibility import blocked_scope, was_listed
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.legacy_tx import admission_updates
from portal.services.paging import Page, after, page_of

# ADM-1: the decision recorded when a department confirms a review-free customer (read by both languages).
CONFIRMED_REASON = {
    CustomerType.RETAIL: "零售客户，经部门确认准入 / Retail customer, confirmed by the department",
    CustomerType.INTERNAL: "内部关联方，经部门确认准入 / Internal related party, confirmed by the department",
}
EVIDENCE_NEEDED = {Condition.A_LEGAL_ENTITY: "document", Condition.E_PRODUCT_LICENCE: "document",
                   Condition.C_CONTRACT: "contract_no"}


def _open_key(customer_id: str, dept_id: str) -> str:
    return f"open-app#{customer_id}#{dept_id}"


def _sales_department(dept_id: str) -> Department:
    try:
        dept = Department.get("org", dept_id)
    except DoesNotExist:
        dept = None
    if dept is None or dept.kind != DepartmentKind.SALES.value:
        raise Invalid(fields={"dept_id": [_l("Choose a sales department.")]})
    return dept


def require_customer(ctx: Ctx) -> None:
    """Only a customer's users apply; staff are refused (and the refusal audited)."""
    if ctx.actor is None or not ctx.actor.is_customer:
        raise refuse(ctx, "application.submit")


def submit(ctx: Ctx, dept_id: str, product_ids: list[str], requested_grade: str | None = None) -> Application:
    """A customer applies to one department for some of its products (ADM-4)."""
    require_customer(ctx)
    actor = ctx.actor
    customer = Customer.get(actor.customer_id)
    _sales_department(dept_id)
    catalogue = {p.product_id for p in Product.query(dept_id) if p.active}
    chosen = sorted(set(product_ids or []))
    if not chosen or not set(chosen) <= catalogue:
        raise Invalid(fields={"products": [_l("Choose one or more of the department's products.")]})
    if blocked_scope(ctx.uow(), customer.customer_id, dept_id):  # ADM-3 / BLK-2
        raise Forbidden(_l("Your company is on a blacklist that covers this department and cannot apply."))
    if Standing.count(dept_id, Standing.customer_id == customer.customer_id):
        raise Conflict(_l("Your company is admitted in this department already."))
    _check_documents(customer, ctx)  # ADM-1 exempts no one from verified documents
    reentry = was_listed(ctx.uow(), customer.customer_id, dept_id)  # BLK-6: re-entry is re-reviewed, never review-free
    confirm_only = not needs_admission_review(CustomerType(customer.kind)) and not reentry
    app = Application(app_id=str(ULID.from_datetime(ctx.now)), customer_id=customer.customer_id,
                      customer_name=customer.name, dept_id=dept_id, products=set(chosen), submitted_at=ctx.now,
                      status="submitted", queue_dept=dept_id, reentry=reentry or None,
                      confirm_only=confirm_only or None, requested_grade=requested_grade)
    try:
        with transaction() as tx:
            tx.save(Unique(_open_key(customer.customer_id, dept_id), owner_id=app.app_id),
                    condition=Unique.key.does_not_exist())
            tx.save(app, condition=Application.app_id.does_not_exist())
            tx.save(audit.event(ctx, "application.submitted", target_type="application", target_id=app.app_id,
                                dept_id=dept_id, detail={"customer": customer.customer_id, "products": chosen,
                                                         "confirm_only": confirm_only}))
    except TransactWriteError as exc:
        raise Conflict(_l("Your company has an open application to this department already.")) from exc
    return app


def _check_documents(customer: Customer, ctx: Ctx) -> None:
    """The documents its customer type requires are verified and valid today (ADM-2 a/e; ADM-1 types too)."""
    required = [t.type_id for t in required_types(customer.kind)]
    validity = verified_validity(customer.customer_id)
    missing = missing_documents(required, set(validity), shanghai_day(ctx.now), validity)
    if missing:
        raise Invalid(_l("Upload and verify the required documents first."),
                      fields={"documents": [_l("Missing or expired: %(types)s", types=", ".join(missing))]})


def _standing(app: Application, ctx: Ctx) -> Standing:
    """GRD-4: a new admission stands as 合格 (Qualified) until graded."""
    return Standing(dept_id=app.dept_id, customer_id=app.customer_id, customer_name=app.customer_name,
                    grade="QUALIFIED", dept_grade=f"{app.dept_id}#QUALIFIED", products=app.products,
                    designated_staff=app.assignee_id, admitted_at=ctx.now, app_id=app.app_id)


def get_application(ctx: Ctx, app_id: str) -> Application:
    """An application: its customer's users (404 for others) and the department's staff and MD (403 for others)."""
    try:
        app = Application.get(app_id)
    except DoesNotExist as exc:
        raise NotFound() from exc
    if ctx.actor is not None and ctx.actor.is_customer:
        check_customer_access(ctx, app.customer_id)
    else:
        authorize(ctx, Perm.VIEW_CUSTOMERS, app.dept_id, target=app_id)
    return app


def queue(ctx: Ctx, dept_id: str, cursor: str | None = None, limit: int = 50) -> Page:
    """The department's undecided applications, oldest first (sparse index: cost follows the queue)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    return page_of(Application.open_by_dept.query(dept_id, after(Application.app_id, cursor), limit=limit), "app_id")


def background_of(app: Application) -> dict | None:
    """The recorded background check (note, by, at), if any."""
    return json.loads(app.background_check) if app.background_check else None


def conditions_of(app: Application) -> dict[str, dict]:
    """The recorded ADM-2 conditions of an application."""
    return json.loads(app.conditions) if app.conditions else {}


def _editable(ctx: Ctx, app_id: str, perm: Perm, version: int) -> Application:
    app = get_application(ctx, app_id)
    authorize(ctx, perm, app.dept_id, target=app_id)
    if app.status != "submitted":
        raise Conflict(_l("This application has been decided already."))
    if version is None or int(version) != int(app.version):
        raise Conflict()
    return app


def _save(ctx: Ctx, app: Application, action: str, detail: dict) -> Application:
    try:
        with transaction() as tx:
            tx.save(app)
            tx.save(audit.event(ctx, action, target_type="application", target_id=app.app_id, dept_id=app.dept_id,
                                detail=detail))
    except TransactWriteError as exc:
        raise Conflict() from exc
    return app


def assign(ctx: Ctx, app_id: str, assignee_id: str, version: int) -> Application:
    """The department leader designates the person who checks the customer's background (ONB-3)."""
    app = _editable(ctx, app_id, Perm.DECIDE_APPLICATIONS, version)
    try:
        person = User.get(assignee_id) if assignee_id else None
    except DoesNotExist:
        person = None
    if person is None or person.kind != "staff" or person.dept_id != app.dept_id or not person.active:
        raise Invalid(fields={"assignee_id": [_l("Choose an active member of this department.")]})
    app.assignee_id = assignee_id
    return _save(ctx, app, "application.assigned", {"assignee": person.email})


def record_background_check(ctx: Ctx, app_id: str, note: str, version: int) -> Application:
    """The designated person records the background check and answers for its truth (ONB-3)."""
    app = _editable(ctx, app_id, Perm.REVIEW_APPLICATIONS, version)
    if app.assignee_id != ctx.actor.user_id:
        raise refuse(ctx, "application.background_check", app_id, app.dept_id)
    if not (note or "").strip():
        raise Invalid(fields={"note": [_l("Describe what was checked.")]})
    app.background_check = json.dumps({"note": note.strip(), "by": ctx.actor.email, "at": ctx.now.isoformat()},
                                      ensure_ascii=False)
    return _save(ctx, app, "application.background_checked", {})


@dataclass(frozen=True)
class ConditionRecord:
    """The reviewer's finding on one ADM-2 condition."""

    code: str
    met: bool
    evidence_doc: str | None = None
    contract_no: str | None = None
    note: str | None = None


def record_condition(ctx: Ctx, app_id: str, record: ConditionRecord, version: int) -> Application:
    """The reviewer records one of ADM-2's six conditions as met or not, with its evidence."""
    app = _editable(ctx, app_id, Perm.REVIEW_APPLICATIONS, version)
    try:
        code = Condition(record.code)
    except ValueError as exc:
        raise Invalid(fields={"code": [_l("Not one of the six conditions.")]}) from exc
    problems = {}
    evidence = EVIDENCE_NEEDED.get(code)
    if record.met and evidence == "document":
        if not record.evidence_doc or not _customer_document(app.customer_id, record.evidence_doc):
            problems["evidence_doc"] = [_l("Choose the customer's verified document that proves this.")]
    if record.met and evidence == "contract_no" and not (record.contract_no or "").strip():
        problems["contract_no"] = [_l("Give the number of the signed purchase contract.")]
    if record.met and evidence is None and not (record.note or "").strip():
        problems["note"] = [_l("Say what shows this condition is met.")]
    if not record.met and not (record.note or "").strip():
        problems["note"] = [_l("Say why this condition is not met.")]
    if problems:
        raise Invalid(fields=problems)
    conditions = conditions_of(app)
    conditions[code.value] = {"met": record.met, "evidence_doc": record.evidence_doc,
                              "contract_no": (record.contract_no or "").strip() or None,
                              "note": (record.note or "").strip() or None, "by": ctx.actor.email,
                              "at": ctx.now.isoformat()}
    app.conditions = json.dumps(conditions, ensure_ascii=False, sort_keys=True)
    return _save(ctx, app, "application.condition_recorded", {"condition": code.value, "met": record.met})


def _customer_document(customer_id: str, doc_id: str) -> bool:
    try:
        document = Document.get(doc_id)
    except DoesNotExist:
        return False
    return document.customer_id == customer_id and document.status in ("verified", "superseded")


def _admission_problems(ctx: Ctx, app: Application) -> dict:
    """ADM-2 and BLK-2: what still stands in the way of admitting this application."""
    problems: dict = {}
    blockers = admission_blockers({k: v["met"] for k, v in conditions_of(app).items()})
    if blockers:
        problems["decision"] = [_l("Admission needs all six conditions met; still open or not met: %(c)s",
                                   c=", ".join(f"({b.value})" for b in blockers))]
    if not app.background_check:
        problems["decision"] = problems.get("decision", []) + [
            _l("The designated person has not recorded the background check.")]
    return {**problems, **_blacklist_problem(ctx, app)}


def _blacklist_problem(ctx: Ctx, app: Application) -> dict:
    if blocked_scope(ctx.uow(), app.customer_id, app.dept_id):  # ADM-3 / BLK-2, checked again at decision
        return {"decision": [_l("The customer is blacklisted in this department.")]}
    return {}


def confirm(ctx: Ctx, app_id: str, version: int) -> Application:
    """ADM-1: a member of the department confirms a retail or internal related-party customer in one click.

    Until then it is 待确认, holds no standing and counts in no quota; its documents are checked again now.
    """
    app = _editable(ctx, app_id, Perm.REVIEW_APPLICATIONS, version)
    if not app.confirm_only:
        raise Conflict(_l("This application needs the full admission review (ADM-2), not a confirmation."))
    return _confirm(ctx, app)


def _confirm(ctx: Ctx, app: Application) -> Application:
    problems = _blacklist_problem(ctx, app)
    if problems:
        raise Invalid(fields=problems)
    customer = Customer.get(app.customer_id)
    try:
        _check_documents(customer, ctx)
    except Invalid as exc:
        raise Invalid(exc.message, fields={"decision": exc.fields["documents"]}) from exc
    return _finalise(ctx, app, True, CONFIRMED_REASON[CustomerType(customer.kind)])


def decide(ctx: Ctx, app_id: str, admit: bool, reason: str, version: int) -> Application:
    """The department leader admits (all six conditions met) or rejects with a reason; one decision wins.

    BLK-6: a re-entry after a blacklisting also needs company leadership's approval, in either order; until
    both have approved, the leader's admission is recorded and the application stays open.
    """
    app = _editable(ctx, app_id, Perm.DECIDE_APPLICATIONS, version)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(fields={"reason": [_l("Give the reason for the decision.")]})
    if admit and app.confirm_only:  # ADM-1: the leader confirms like any member of the department
        return _confirm(ctx, app)
    if admit:
        problems = _admission_problems(ctx, app)
        if problems:
            raise Invalid(fields=problems)
        if app.reentry and not app.lead_approval:
            app.dm_approval = json.dumps({"by": ctx.actor.email, "at": ctx.now.isoformat(), "reason": reason},
                                         ensure_ascii=False)
            return _save(ctx, app, "application.reentry_approved_by_department", {"reason": reason})
    return _finalise(ctx, app, admit, reason)


def approve_reentry(ctx: Ctx, app_id: str, reason: str, version: int) -> Application:
    """BLK-6: company leadership approves a re-entry; with the department leader's approval it admits as 合格."""
    app = get_application(ctx, app_id)
    authorize(ctx, Perm.APPROVE_REENTRY, target=app_id)
    if not app.reentry or app.status != "submitted":
        raise Conflict(_l("This application does not await leadership's approval."))
    if version is None or int(version) != int(app.version):
        raise Conflict()
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Give the reason for the decision.")]})
    app.lead_approval = json.dumps({"by": ctx.actor.email, "at": ctx.now.isoformat(), "reason": reason.strip()},
                                   ensure_ascii=False)
    if not app.dm_approval:
        return _save(ctx, app, "application.reentry_approved_by_leadership", {"reason": reason.strip()})
    problems = _admission_problems(ctx, app)
    if problems:
        raise Invalid(fields=problems)
    return _finalise(ctx, app, True, json.loads(app.dm_approval)["reason"])


def _finalise(ctx: Ctx, app: Application, admit: bool, reason: str) -> Application:
    """Record the decision; an admission creates the standing as 合格 and counts it, in one transaction."""
    app.status = "admitted" if admit else "rejected"
    app.queue_dept = None
    app.decision_reason, app.decided_by, app.decided_at = reason, ctx.actor.email, ctx.now
    try:
        with transaction() as tx:
            tx.save(app)  # version condition: of two decisions at once, one wins
            tx.delete(Unique(_open_key(app.customer_id, app.dept_id)))
            if admit:
                tx.save(_standing(app, ctx), condition=Standing.customer_id.does_not_exist())
                admission_updates(tx, app.dept_id, app.products)  # QTA: one more customer counted
            tx.save(audit.event(ctx, "application.admitted" if admit else "application.rejected",
                                target_type="application", target_id=app.app_id, dept_id=app.dept_id,
                                detail={"customer": app.customer_id, "reason": reason, "reentry": bool(app.reentry)}))
    except TransactWriteError as exc:
        raise Conflict(_l("This application was decided or changed meanwhile. Reload the page.")) from exc
    _notify_decision(app)
    return app


def _notify_decision(app: Application) -> None:
    """E-mail the customer the decision (SES; locally moto keeps it and the log shows it)."""
    customer = Customer.get(app.customer_id)
    dept = Department.get("org", app.dept_id)
    if app.status == "admitted":
        subject = f"【准入通过】{dept.name_zh} 已准入贵公司 / Admitted by {dept.name_en}"
    else:
        subject = f"【准入未通过】{dept.name_zh} / Application not admitted by {dept.name_en}"
    outcome = "已准入" if app.status == "admitted" else "未通过"
    body = (f"{customer.name}：\n\n{dept.name_zh}对贵公司的准入申请已作出决定：{outcome}。\n"
            f"理由：{app.decision_reason}\n\nDecision: {app.status}. Reason: {app.decision_reason}\n")
    mail.send(customer.email, subject, body)


def standings(ctx: Ctx, dept_id: str, cursor: str | None = None, limit: int = 50) -> Page:
    """The customers admitted in a department, a page at a time (Query on the department)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    return page_of(Standing.query(dept_id, after(Standing.customer_id, cursor), limit=limit), "customer_id")


def department_staff(dept_id: str) -> list[User]:
    """Active staff of a department who can be designated (ONB-3)."""
    return [u for u in User.by_dept.query(dept_id) if u.active and u.role in (Role.DM, Role.CLERK, Role.REP)]
