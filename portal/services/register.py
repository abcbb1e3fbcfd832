"""MD's register of every registered company and its status in each department (ONB-1, issue 17 item 6).

A page reads the register's partition of the search index (one Query, newest registration first), the
departments (one Query) and, for the page's companies, their standings, open applications and blacklist locks
together (one BatchGetItem per 100 keys; the page size keeps that at two or three calls).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.org import Departments
from portal.adapters.repos.search import COMPANY, SearchIndex
from portal.domain.customers import CustomerType
from portal.domain.roles import DepartmentKind, Perm
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Invalid, NotFound
from portal.services.paging import encode_cursor, parse_cursor

STATUSES = ("registered", "applied", "admitted", "blacklisted")
EXPORT_LIMIT = 10_000  # rows in one export: beyond that, filter first


@dataclass(frozen=True)
class DeptStatus:
    """Where a company stands with one department."""

    dept_id: str
    status: str  # registered | applied | admitted | blacklisted
    grade: str | None = None


@dataclass(frozen=True)
class Row:
    """One registered company."""

    customer_id: str
    name: str
    credit_code: str | None
    kind: str | None
    registered_at: str | None
    statuses: list  # DeptStatus, one per department
    company_blacklisted: bool


@dataclass(frozen=True)
class RegisterPage:
    """A page of the register, the departments (columns) and the next page's cursor (None on the last)."""

    rows: list
    departments: list
    cursor: str | None


def _check_filters(status: str | None, dept_id: str | None, kind: str | None, dept_ids: list[str]) -> None:
    problems = {}
    if status and status not in STATUSES:
        problems["status"] = [_l("Choose a status from the list.")]
    if dept_id and dept_id not in dept_ids:  # no such sales department: nothing to list (404)
        raise NotFound(fields={"department": [_l("Choose a department from the list.")]})
    if kind and kind not in {k.value for k in CustomerType}:
        problems["kind"] = [_l("Choose a customer type.")]
    if problems:
        raise Invalid(fields=problems)


def _row(entry, found: dict, dept_ids: list[str]) -> Row:
    listed = found["listed"]
    statuses = []
    for dept_id in dept_ids:
        standing = found["standings"].get(dept_id)
        if dept_id in listed or COMPANY in listed:
            statuses.append(DeptStatus(dept_id, "blacklisted"))
        elif standing is not None:
            statuses.append(DeptStatus(dept_id, "admitted", standing.grade))
        elif dept_id in found["applied"]:
            statuses.append(DeptStatus(dept_id, "applied"))
        else:
            statuses.append(DeptStatus(dept_id, "registered"))
    return Row(entry.customer_id, entry.name, entry.credit_code, entry.kind, entry.registered_at, statuses,
               COMPANY in listed)


def _keep(row: Row, status: str | None, dept_id: str | None) -> bool:
    if not status and not dept_id:
        return True
    chosen = [s for s in row.statuses if not dept_id or s.dept_id == dept_id]
    if status == "registered" and not dept_id:
        return all(s.status == "registered" for s in row.statuses)  # registered, never applied anywhere
    if not status:
        return any(s.status != "registered" for s in chosen)  # has dealings with that department
    return any(s.status == status for s in chosen)


def page_size(departments: int) -> int:
    """Companies per page: their status keys (3 per department and one more) fit two or three BatchGetItem."""
    return max(5, min(25, 280 // (3 * max(departments, 1) + 1)))


def _read(uow, dept_ids, *, after, limit, kind, status, dept_id) -> tuple[list, str | None]:
    entries, last = uow.repo(SearchIndex).registered(after=after, limit=limit, kind=kind)
    found = uow.repo(SearchIndex).statuses([e.customer_id for e in entries], dept_ids) if entries else {}
    rows = [_row(e, found[e.customer_id], dept_ids) for e in entries]
    return [r for r in rows if _keep(r, status, dept_id)], last


def sales_departments(ctx: Ctx) -> list:
    """The departments a company can apply to: the register's columns."""
    authorize(ctx, Perm.VIEW_REGISTER)
    return [d for d in ctx.uow().repo(Departments).every() if d.kind == DepartmentKind.SALES.value]


def register_page(ctx: Ctx, *, status: str | None = None, dept_id: str | None = None, kind: str | None = None,
                  cursor: str | None = None) -> RegisterPage:
    """A page of registered companies, newest first, with their status in each department; filters drop rows
    from the page read (a filtered page may be short: the cursor goes on)."""
    authorize(ctx, Perm.VIEW_REGISTER)
    uow = ctx.uow()
    departments = [d for d in uow.repo(Departments).every() if d.kind == DepartmentKind.SALES.value]
    dept_ids = [d.dept_id for d in departments]
    _check_filters(status, dept_id, kind, dept_ids)
    rows, last = _read(uow, dept_ids, after=parse_cursor(cursor), limit=page_size(len(dept_ids)), kind=kind or None,
                       status=status, dept_id=dept_id)
    return RegisterPage(rows, departments, encode_cursor(last) if last else None)


def export_rows(ctx: Ctx, *, status: str | None = None, dept_id: str | None = None,
                kind: str | None = None) -> tuple[list, list]:
    """Every registered company matching the filters (at most EXPORT_LIMIT), and the departments: an export reads
    the whole register on purpose, one page of statuses at a time."""
    authorize(ctx, Perm.VIEW_REGISTER)
    uow = ctx.uow()
    departments = [d for d in uow.repo(Departments).every() if d.kind == DepartmentKind.SALES.value]
    dept_ids = [d.dept_id for d in departments]
    _check_filters(status, dept_id, kind, dept_ids)
    rows, after = [], None
    while len(rows) < EXPORT_LIMIT:
        more, after = _read(uow, dept_ids, after=after, limit=page_size(len(dept_ids)), kind=kind or None,
                            status=status, dept_id=dept_id)
        rows += more
        if after is None:
            break
    return rows[:EXPORT_LIMIT], departments
