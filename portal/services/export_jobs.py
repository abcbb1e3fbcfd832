"""Exports as jobs (issue 12 item 4, DESIGN rules 12 and 14): a page asks for a CSV with one write; a scheduled
function reads the standings a page at a time, writes the file to the document bucket under a random key and
marks the export ready; its owner (or MD) downloads it through a presigned GET for a few minutes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import files, records
from portal.adapters.repos.exports import Exports
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.org import Departments
from portal.adapters.uow import Unavailable, WriteConflict
from portal.domain.grading import Grade, rank
from portal.domain.roles import Perm, Role
from portal.services import audit
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Invalid, NotFound
from portal.services.exports import csv_text
from portal.services.paging import Page, encode_cursor, parse_cursor

KEEP = timedelta(days=7)  # an export and its file are removed a week after it was asked for
STANDINGS_PAGE = 200  # standings read per Query while writing a file
PER_RUN = 10  # exports written per run of the job (the rest wait a minute)
LINK_SECONDS = 300  # a download link lives five minutes
CONTENT_TYPE = "text/csv; charset=utf-8"
HEADER = ["customer_id", "name", "grade", "priority_rank", "products", "admitted_at"]


def request_customers(ctx: Ctx, dept_id: str, grade: str | None):
    """Ask for the CSV of the department's admitted customers (optionally of one grade): one pending record,
    audited; the export job writes the file within a minute."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    if grade:
        try:
            grade = Grade(grade).value
        except ValueError as exc:
            raise Invalid(fields={"grade": [_l("Choose VIP, Preferred or Qualified.")]}) from exc
    with ctx.uow() as uow:
        dept = uow.repo(Departments).find(dept_id)
        if dept is None:
            raise NotFound()
        export_id = str(ULID.from_datetime(ctx.now))
        export = records.Export(export_id=export_id, user_id=ctx.actor.user_id, kind="customers", dept_id=dept_id,
                                dept_name_zh=dept.name_zh, dept_name_en=dept.name_en, grade=grade or None,
                                s3_key=f"exports/{dept_id}/{secrets.token_urlsafe(24)}.csv", created_at=ctx.now)
        uow.repo(Exports).request(export, ctx.now + KEEP)
        audit.stage(uow, ctx, "export.requested", target_type="export", target_id=export.export_id,
                    dept_id=dept_id, detail={"kind": "customers", "grade": grade or None})
        uow.commit()
    return export


def my_exports(ctx: Ctx, cursor: str | None = None, limit: int = 20) -> Page:
    """A page of the signed-in user's exports, newest first (one Query)."""
    after = parse_cursor(cursor)
    items, last = ctx.uow().repo(Exports).of_user(ctx.actor.user_id, after=after, limit=limit)
    return Page(items, encode_cursor(last) if last else None)


def get_export(ctx: Ctx, export_id: str, uow=None):
    """One export, for the user who asked for it or MD; anyone else (and a made-up id) gets NotFound."""
    if ctx.actor is None or not ctx.actor.is_staff:
        raise NotFound()
    export = (uow or ctx.uow()).repo(Exports).find(export_id)
    if export is None or (export.user_id != ctx.actor.user_id and ctx.actor.role != Role.MD):
        raise NotFound()
    return export


def file_name(export) -> str:
    """The name the file downloads as: department, grade and the day it was asked for."""
    grade = f"-{export.grade}" if export.grade else ""
    return f"{export.dept_id}-customers{grade}-{export.created_at.date().isoformat()}.csv"


def download_url(ctx: Ctx, export_id: str) -> str:
    """A presigned GET of a ready export's file, living minutes; audited (not ready: NotFound)."""
    export = get_export(ctx, export_id)
    if export.status != "ready" or not export.s3_key:
        raise NotFound()
    audit.record(ctx, "export.downloaded", target_type="export", target_id=export_id, dept_id=export.dept_id)
    return files.download_url(export.s3_key, file_name(export), CONTENT_TYPE, LINK_SECONDS)


@dataclass
class ExportRun:
    """What a run of the export job did; `failed` lists exports it could not finish now (they stay as they were
    and the next run tries again), `broken` those marked failed for good."""

    ready: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def customer_rows(uow, dept_id: str, grade: str | None) -> list[list]:
    """The CSV's rows, the standings read a page (one Query) at a time."""
    repo, rows, after = uow.repo(Standings), [HEADER], None
    while True:
        if grade:
            page, after = repo.of_grade(dept_id, grade, after=after, limit=STANDINGS_PAGE)
        else:
            page, after = repo.in_department(dept_id, after=after, limit=STANDINGS_PAGE)
        rows += [[s.customer_id, s.customer_name, s.grade, rank(Grade(s.grade)), " ".join(sorted(s.products or ())),
                  s.admitted_at.date().isoformat() if s.admitted_at else ""] for s in page]
        if after is None:
            return rows


def _write(ctx: Ctx, export) -> str:
    """Write one export's file under the key it was given when asked for, then mark it ready (or failed, when
    its rows cannot be written at all). Returns the outcome; a failure of the store raises Unavailable and
    leaves the export pending (a retry writes the same key again); a second run finds it finished."""
    try:
        rows = customer_rows(ctx.uow(), export.dept_id, export.grade)
        body = csv_text(rows).encode("utf-8")
        outcome = {"status": "ready", "rows": len(rows) - 1}
    except (ValueError, TypeError, AttributeError) as exc:  # a record the file cannot show: say so, not retry
        body, outcome = None, {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    if body is not None:
        files.put(export.s3_key, body, CONTENT_TYPE)
    with ctx.uow() as uow:
        uow.repo(Exports).finish(export, when=ctx.now, **outcome)
        audit.stage(uow, ctx, f"export.{outcome['status']}", target_type="export", target_id=export.export_id,
                    dept_id=export.dept_id, detail={"rows": outcome.get("rows")})
        try:
            uow.commit()
        except WriteConflict:  # finished by another run (same key, same file), or removed meanwhile
            if uow.repo(Exports).find(export.export_id) is None:
                files.delete(export.s3_key)
            return "done"
    return outcome["status"]


def _remove(ctx: Ctx, export) -> None:
    """Remove an expired export: marked expired first (no longer offered, its file may go), then the file, then
    the record; each step is safe to repeat, so nothing points at a missing file and no file is left behind."""
    if export.status != "expired":
        with ctx.uow() as uow:
            uow.repo(Exports).expire(export)
            uow.commit()
    files.delete(export.s3_key)
    with ctx.uow() as uow:
        uow.repo(Exports).remove(export)
        audit.stage(uow, ctx, "export.removed", target_type="export", target_id=export.export_id,
                    dept_id=export.dept_id)
        try:
            uow.commit()
        except WriteConflict:  # another run removed it
            pass


def run_exports(ctx: Ctx) -> ExportRun:
    """The export job: write the pending exports (oldest first), then remove the expired ones; idempotent. An
    export the store or bucket failed for is listed under `failed` (the job then fails and is retried)."""
    run = ExportRun()
    uow = ctx.uow()
    for export in uow.repo(Exports).pending(PER_RUN):
        try:
            outcome = _write(ctx, export)
        except Unavailable:
            run.failed.append(export.export_id)
            continue
        {"ready": run.ready, "failed": run.broken}.get(outcome, []).append(export.export_id)
    for export in uow.repo(Exports).expired_by(ctx.now):
        try:
            _remove(ctx, export)
        except Unavailable:
            run.failed.append(export.export_id)
            continue
        run.removed.append(export.export_id)
    return run
