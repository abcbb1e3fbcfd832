"""Large ERP files as jobs (issue 18 item 2): the browser uploads the file straight to the bucket (a presigned POST
under a random key), the uploader confirms it, and a scheduled function checks it whole, streamed (pass 1), then
writes it a transaction at a time (pass 2), recording its position so that a run short of time stops and the next
run continues there. A file with any bad row imports nothing; its report is kept on the import's record."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import files, records
from portal.adapters.repos.sales import SalesImports
from portal.adapters.uow import Unavailable, WriteConflict
from portal.domain.roles import Role
from portal.domain.sales_rows import Problem
from portal.services import audit, sales_files, sales_import
from portal.services.context import Ctx
from portal.services.errors import Invalid, NotFound
from portal.services.uploads import INCOMING, clean_name

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # as for every upload; a 50,000-row CSV is about 4.2 MB
TYPES = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
PER_RUN = 3  # imports a run looks at


def request_upload(ctx: Ctx, dept_id: str, kind: str, filename: str):
    """A new import waiting for its file, and the presigned POST the browser sends the file with (≤ 20 MB)."""
    sales_import.check_access(ctx, dept_id, kind)
    extension = os.path.splitext(clean_name(filename).lower())[1]
    if extension not in TYPES:
        raise Invalid(fields={"file": [_l("Choose a CSV or Excel (.xlsx) file.")]})
    import_id = str(ULID.from_datetime(ctx.now))
    record = records.SalesImport(import_id=import_id, dept_id=dept_id, kind=kind, user_id=ctx.actor.user_id,
                                 upload_key=f"{INCOMING}sales-imports/{import_id}-{secrets.token_hex(8)}{extension}",
                                 status="uploading", position=0, runs=0, created_at=ctx.now)
    with ctx.uow() as uow:
        uow.repo(SalesImports).request(record)
        audit.stage(uow, ctx, "sales.import_requested", target_type="sales_import", target_id=import_id,
                    dept_id=dept_id, detail={"kind": kind})
        uow.commit()
    return record, files.upload_form(record.upload_key, TYPES[extension], MAX_UPLOAD_BYTES)


def get_import(ctx: Ctx, import_id: str, uow=None):
    """One import, for the person who uploaded it or MD; anyone else (and a made-up id) gets NotFound."""
    record = (uow or ctx.uow()).repo(SalesImports).find(import_id)
    if record is None or ctx.actor is None or not ctx.actor.is_staff or (
            record.user_id != ctx.actor.user_id and ctx.actor.role != Role.MD):
        raise NotFound()
    return record


def latest(ctx: Ctx, dept_id: str, limit: int = 5) -> list:
    """The department's latest large imports, newest first (one Query), for those who may import there."""
    sales_import.check_access(ctx, dept_id, "orders")
    return ctx.uow().repo(SalesImports).latest_of(dept_id, limit)


def confirm(ctx: Ctx, import_id: str):
    """The file is uploaded: the job takes it from here (a second confirmation changes nothing)."""
    with ctx.uow() as uow:
        record = get_import(ctx, import_id, uow)
        if record.status != "uploading":
            return record
        stored = files.inspect(record.upload_key)
        if stored is None or stored.size == 0 or stored.size > MAX_UPLOAD_BYTES:
            raise Invalid(fields={"file": [_l("Nothing was uploaded for this file. Please upload it again.")]})
        record.status = "pending"
        uow.repo(SalesImports).keep(record)
        audit.stage(uow, ctx, "sales.import_uploaded", target_type="sales_import", target_id=import_id,
                    dept_id=record.dept_id, detail={"kind": record.kind, "bytes": stored.size})
        uow.commit()
    return record


def problems_of(record) -> list[Problem]:
    """The problems a refused import kept (the first 200)."""
    return [Problem(*p) for p in json.loads(record.problems or "[]")]


@dataclass
class RunResult:
    """What one run of the job did: imports finished, refused, still writing, and those it could not work on."""

    done: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    continuing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run_imports(ctx: Ctx, keep_going: Callable[[], bool] = lambda: True) -> RunResult:
    """Work on the pending imports, oldest first, while `keep_going()` (the Lambda's time) allows."""
    result = RunResult()
    for record in ctx.uow().repo(SalesImports).pending(PER_RUN):
        if not keep_going():
            result.continuing.append(record.import_id)
            continue
        try:
            outcome = _work_on(ctx, record, keep_going)
        except (Unavailable, WriteConflict):
            result.failed.append(record.import_id)
            continue
        getattr(result, outcome).append(record.import_id)
    return result


def _work_on(ctx: Ctx, record, keep_going) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "file")
        if not files.save_to(record.upload_key, path):
            return _finish(ctx, record, "refused", problems=[Problem(0, "", "not_a_table")])
        header, source = sales_files.read(record.kind, lambda: open(path, "rb"))
        if record.status == "pending":  # pass 1: every row checked before anything is written, across runs
            report, seen = _checked_so_far(record, header)
            if not sales_import.check_rows(ctx, record.dept_id, record.kind, source, report, seen, keep_going):
                files.put(_check_key(record), json.dumps({
                    "rows": report.rows, "problem_count": report.problem_count, "seen": sorted(seen),
                    "problems": [[p.row, p.column, p.code] for p in report.problems]}).encode(), "application/json")
                record.runs = int(record.runs or 0) + 1
                _keep(ctx, record)
                return "continuing"
            if not report.ok or report.rows == 0:
                return _finish(ctx, record, "refused", report=report,
                               problems=report.problems or [Problem(0, "", "empty")])
            record.status, record.rows = "writing", report.rows
            record.created = record.changed = record.unchanged = 0
            _keep(ctx, record)
        report = sales_import.Report(record.kind, rows=int(record.rows))
        sales_import.write(ctx, record.dept_id, record.kind, source, report, start=int(record.position),
                           keep_going=keep_going, by=record.user_id)
        record.position = report.position
        record.created = int(record.created or 0) + report.created
        record.changed = int(record.changed or 0) + report.changed
        record.unchanged = int(record.unchanged or 0) + report.unchanged
        record.runs = int(record.runs or 0) + 1
        if report.position < int(record.rows):
            _keep(ctx, record)
            return "continuing"
        return _finish(ctx, record, "done", report=None)


def _check_key(record) -> str:
    return f"{INCOMING}sales-imports/{record.import_id}.check.json"  # emptied after a day like every upload


def _checked_so_far(record, header: list[Problem]) -> tuple[sales_import.Report, set[str]]:
    """Pass 1's state as an earlier run left it in the bucket (rows checked, problems, numbers seen), or fresh."""
    report = sales_import.Report(record.kind)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "check.json")
        if not files.save_to(_check_key(record), path):
            report.add(header)
            return report, set()
        with open(path, encoding="utf-8") as kept:
            state = json.load(kept)
    report.rows, report.problem_count = state["rows"], state["problem_count"]
    report.problems = [Problem(*p) for p in state["problems"]]
    return report, set(state["seen"])


def _keep(ctx: Ctx, record) -> None:
    with ctx.uow() as uow:
        uow.repo(SalesImports).keep(record)
        uow.commit()


def _finish(ctx: Ctx, record, status: str, report=None, problems: list[Problem] | None = None) -> str:
    record.status, record.finished_at = status, ctx.now
    if problems is not None:
        record.problem_count = report.problem_count if report else len(problems)
        record.problems = json.dumps([[p.row, p.column, p.code] for p in problems[:sales_import.MAX_REPORTED]],
                                     ensure_ascii=False)
        record.rows = report.rows if report else 0
    with ctx.uow() as uow:
        uow.repo(SalesImports).keep(record)
        action = f"sales.{record.kind}_imported" if status == "done" else f"sales.{record.kind}_refused"
        audit.stage(uow, ctx, action, outcome="ok" if status == "done" else "refused", target_type="sales_import",
                    target_id=record.import_id, dept_id=record.dept_id,
                    detail={"by": record.user_id, "rows": int(record.rows or 0), "created": record.created,
                            "changed": record.changed, "unchanged": record.unchanged,
                            "problems": record.problem_count})
        uow.commit()
    files.delete(record.upload_key)
    files.delete(_check_key(record))
    return "done" if status == "done" else "refused"
