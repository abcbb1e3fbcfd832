"""OBL-1: a customer reports changes to, or the cancellation of, its business registration; each department it
deals with gets a task to update the record and re-grade, or to end its standing."""

from __future__ import annotations

import dataclasses
import json

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.customers import Applications, Customers, Documents
from portal.adapters.repos.dynamics import ChangeTasks
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.search import SearchIndex
from portal.adapters.uow import WriteConflict
from portal.domain.roles import Perm
from portal.services import audiences, audit, notifications
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.leaving import stage_leaving
from portal.services.paging import Page, encode_cursor, parse_cursor

FIELDS = ("name", "legal_representative", "address", "business_scope")
HANDLED_ALREADY = _l("This task was handled already.")


def report(ctx: Ctx, kind: str, changes: dict[str, str], licence_doc: str | None) -> list:
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
    uow = ctx.uow()
    if licence_doc:
        doc = uow.repo(Documents).find(licence_doc)
        if doc is None or doc.customer_id != actor.customer_id or doc.status != "verified":
            problems["licence_doc"] = [_l("Choose one of your verified documents.")]
    elif kind == "change":
        problems["licence_doc"] = [_l("Upload the new business licence first, then choose it here.")]
    if problems:
        raise Invalid(fields=problems)
    customer = uow.repo(Customers).find(actor.customer_id)
    if customer is None:
        raise NotFound()
    depts = {s.dept_id for s in uow.repo(Standings).of_customer(customer.customer_id)} | {
        a.dept_id for a in uow.repo(Applications).of_customer(customer.customer_id) if a.status == "submitted"}
    task_id = str(ULID.from_datetime(ctx.now))
    tasks = [records.ChangeTask(dept_id=d, task_id=task_id, customer_id=customer.customer_id,
                                customer_name=customer.name, kind=kind, changes=json.dumps(changes, ensure_ascii=False),
                                licence_doc=licence_doc or None, reported_by=actor.email, at=ctx.now, status="open")
             for d in sorted(depts)]
    with ctx.uow() as uow:
        for task in tasks:
            uow.repo(ChangeTasks).file(task)
        audit.stage(uow, ctx, f"customer.{kind}_reported", target_type="customer", target_id=customer.customer_id,
                    detail={"changes": changes, "departments": sorted(depts)})
        for dept_id in sorted(depts):  # issue 16: each department's queue hears of its task
            notifications.notify(uow, ctx, audiences.department_staff(uow, dept_id), "change_reported",
                                 f"/staff/departments/{dept_id}/changes", customer=customer.name)
        uow.commit()
    return tasks


def open_tasks(ctx: Ctx, dept_id: str) -> list:
    """The department's change tasks still to handle."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    return ctx.uow().repo(ChangeTasks).open_in(dept_id)


def open_task_page(ctx: Ctx, dept_id: str, cursor: str | None = None, limit: int = 50) -> Page:
    """A page of the department's change tasks still to handle, oldest first (one Query on a sparse index)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    items, last = ctx.uow().repo(ChangeTasks).open_page(dept_id, after=parse_cursor(cursor), limit=limit)
    return Page(items, encode_cursor(last) if last else None)


def handle(ctx: Ctx, dept_id: str, task_id: str, note: str):
    """The department applies a change to the customer's record (then re-verifies and re-grades as needed),
    or, for a cancellation, ends the customer's standing in the department (QTA-5: never blocked). The task,
    the record and the standing change in one transaction."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=task_id)
    with ctx.uow() as uow:
        task = uow.repo(ChangeTasks).find(dept_id, task_id)
        if task is None:
            raise NotFound()
        if task.status != "open":
            raise Conflict(HANDLED_ALREADY)
        note = (note or "").strip()
        if not note:
            raise Invalid(fields={"note": [_l("Say what was done.")]})
        customer_records = uow.repo(Customers)
        if task.kind == "cancellation":
            standing = uow.repo(Standings).get(dept_id, task.customer_id)
            if standing is not None:
                _stage_end_of_standing(uow, ctx, standing, f"注销：{note}")
            customer_records.cancel(task.customer_id)
        else:
            reported = json.loads(task.changes)
            customer_records.apply_reported(task.customer_id, reported)
            before = customer_records.find(task.customer_id)
            if before is not None:  # issue 17 item 5: the search index follows a new name
                uow.repo(SearchIndex).keep(dataclasses.replace(before, **reported), before=before)
        uow.repo(ChangeTasks).done(task, ctx.actor.email, note)
        audit.stage(uow, ctx, f"customer.{task.kind}_handled", target_type="customer", target_id=task.customer_id,
                    dept_id=dept_id, detail={"note": note})
        notifications.notify(uow, ctx, audiences.customer_users(uow, customer_id=task.customer_id), "change_done",
                             "/customer/changes", note=note, **audiences.dept_names(uow, dept_id))
        try:
            uow.commit()
        except WriteConflict as exc:
            if "task" in exc.tags:
                raise Conflict(HANDLED_ALREADY) from exc
            raise Conflict(_l("This customer's standing changed meanwhile. Reload the page.")) from exc
    task.status, task.handled_by, task.note = "done", ctx.actor.email, note
    return task


def _stage_end_of_standing(uow, ctx: Ctx, standing, reason: str) -> None:
    """The customer leaves the department, audited as `grading.end_standing` audits it."""
    stage_leaving(uow, ctx, standing, reason)
    audit.stage(uow, ctx, "standing.ended", target_type="customer", target_id=standing.customer_id,
                dept_id=standing.dept_id, detail={"grade": standing.grade, "reason": reason})
