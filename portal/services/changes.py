"""OBL-1: a customer reports changes to, or the cancellation of, its business registration; each department it
deals with gets a task to update the record and re-grade, or to end its standing."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from ulid import ULID

from portal.adapters.tables import Application, ChangeTask, Customer, Document, Standing, transaction
from portal.domain.roles import Perm
from portal.services import audit, grading
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound

FIELDS = ("name", "legal_representative", "address", "business_scope")


def report(ctx: Ctx, kind: str, changes: dict[str, str], licence_doc: str | None) -> list[ChangeTask]:
    """The customer reports; one task per department it stands in or applied to."""
    actor = ctx.actor
    if not actor.is_customer:
        raise refuse(ctx, "change.report")
    changes = {k: (v or "").strip() for k, v in changes.items() if k in FIELDS and (v or "").strip()}
    problems = {}
    if kind not in ("change", "cancellation"):
        problems["kind"] = [_l("Choose change or cancellation.")]
    if kind == "change" and not changes:
        problems["name"] = [_l("Give at least one changed item.")]
    if licence_doc:
        try:
            doc = Document.get(licence_doc)
        except DoesNotExist:
            doc = None
        if doc is None or doc.customer_id != actor.customer_id or doc.status != "verified":
            problems["licence_doc"] = [_l("Choose one of your verified documents.")]
    elif kind == "change":
        problems["licence_doc"] = [_l("Upload the new business licence first, then choose it here.")]
    if problems:
        raise Invalid(fields=problems)
    customer = Customer.get(actor.customer_id)
    depts = {s.dept_id for s in Standing.by_customer.query(customer.customer_id)} | {
        a.dept_id for a in Application.by_customer.query(customer.customer_id) if a.status == "submitted"}
    task_id = str(ULID.from_datetime(ctx.now))
    tasks = [ChangeTask(dept_id=d, task_id=task_id, customer_id=customer.customer_id, customer_name=customer.name,
                        kind=kind, changes=json.dumps(changes, ensure_ascii=False), licence_doc=licence_doc or None,
                        reported_by=actor.email, at=ctx.now) for d in sorted(depts)]
    with transaction() as tx:
        for task in tasks:
            tx.save(task)
        tx.save(audit.event(ctx, f"customer.{kind}_reported", target_type="customer", target_id=customer.customer_id,
                            detail={"changes": changes, "departments": sorted(depts)}))
    return tasks


def open_tasks(ctx: Ctx, dept_id: str) -> list[ChangeTask]:
    """The department's change tasks still to handle."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    return list(ChangeTask.query(dept_id, filter_condition=ChangeTask.status == "open"))


def handle(ctx: Ctx, dept_id: str, task_id: str, note: str) -> ChangeTask:
    """The department applies a change to the customer's record (then re-verifies and re-grades as needed),
    or, for a cancellation, ends the customer's standing in the department (QTA-5: never blocked)."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=task_id)
    try:
        task = ChangeTask.get(dept_id, task_id) if task_id else None
        if task is None:
            raise DoesNotExist()
    except DoesNotExist as exc:
        raise NotFound() from exc
    if task.status != "open":
        raise Conflict(_l("This task was handled already."))
    if not (note or "").strip():
        raise Invalid(fields={"note": [_l("Say what was done.")]})
    if task.kind == "cancellation":
        if Standing.count(dept_id, Standing.customer_id == task.customer_id):
            grading.end_standing(ctx, dept_id, task.customer_id, f"OBL-1 注销: {note.strip()}")
        actions = [Customer.cancelled.set(True)]
    else:
        changes = json.loads(task.changes)
        actions = [getattr(Customer, k).set(v) for k, v in changes.items()]
    try:
        with transaction() as tx:
            tx.update(Customer(task.customer_id), actions=actions, add_version_condition=False)
            tx.update(task, actions=[ChangeTask.status.set("done"), ChangeTask.handled_by.set(ctx.actor.email),
                                     ChangeTask.note.set(note.strip())], condition=ChangeTask.status == "open")
            tx.save(audit.event(ctx, f"customer.{task.kind}_handled", target_type="customer",
                                target_id=task.customer_id, dept_id=dept_id, detail={"note": note.strip()}))
    except TransactWriteError as exc:
        raise Conflict(_l("This task was handled already.")) from exc
    task.status = "done"
    return task
