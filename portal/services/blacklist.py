"""Department and company blacklists (BLK-1…7, QTA-5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.customers import Customers
from portal.adapters.repos.dynamics import COMPANY, BlacklistEntries, BlacklistLocks
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.org import Departments
from portal.adapters.uow import Unavailable, WriteConflict
from portal.domain.dynamics import TermError, company_expiry, department_expiry
from portal.domain.roles import DepartmentKind, Perm, may
from portal.domain.timeutil import shanghai_day
from portal.services import audiences, audit, fanout, notifications
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.leaving import commit_in_parts, stage_leaving
from portal.services.paging import Page, encode_cursor, parse_cursor

TERM_MESSAGES = {
    "longer_than_six_months": _l("A department listing lasts at most 6 months."),
    "not_after_listing": _l("The expiry day must come after the listing day."),
}
LISTED_ALREADY = _l("This customer is on this blacklist already.")
STANDING_CHANGED = _l("This customer's standing changed meanwhile. Reload the page.")


def check_keeps_a_list(ctx: Ctx) -> None:
    """Only MD and department leaders keep a blacklist; anyone else is refused (and the refusal audited)."""
    actor = ctx.actor
    if not (may(actor, Perm.MANAGE_COMPANY_BLACKLIST) or may(actor, Perm.MANAGE_DEPARTMENT_BLACKLIST, actor.dept_id)):
        raise refuse(ctx, "blacklist.list")


def check_scope(ctx: Ctx, scope: str, target: str) -> None:
    """BLK-1: MD keeps the company list; a department's leader keeps its department's."""
    if scope == COMPANY:
        authorize(ctx, Perm.MANAGE_COMPANY_BLACKLIST, target=target)  # BLK-1: MD only, after verifying
    else:
        authorize(ctx, Perm.MANAGE_DEPARTMENT_BLACKLIST, scope, target=target)


def list_customer(ctx: Ctx, customer_id: str, scope: str, reason: str, expires_on: date | None = None):
    """List a customer; its standing in scope ends in the same transaction (grade removed, counts updated)."""
    return list_with(ctx, customer_id, scope, reason, expires_on)


def list_with(ctx: Ctx, customer_id: str, scope: str, reason: str, expires_on: date | None = None, also=None):
    """`list_customer`, with `also(uow)` staged in the listing's own transaction (e.g. INC-3's decided report)."""
    check_scope(ctx, scope, customer_id)
    uow = ctx.uow()
    customer = uow.repo(Customers).find(customer_id)
    if customer is None:
        raise NotFound()
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Give the reason for the listing.")]})
    listed_on = shanghai_day(ctx.now)
    try:
        expiry = (company_expiry(listed_on, expires_on) if scope == COMPANY
                  else department_expiry(listed_on, expires_on))
    except TermError as exc:
        raise Invalid(fields={"expires_on": [TERM_MESSAGES[exc.code]]}) from exc
    reason = reason.strip()
    to = uow.repo(Departments).every()  # BLK-3: their staff are told with the listing (DESIGN rule 13)
    for _attempt in range(3):  # a standing that changed while it was read is read again
        standings = [s for s in uow.repo(Standings).of_customer(customer_id) if scope in (COMPANY, s.dept_id)]
        head, parts = _listing(ctx, customer, scope, reason, expiry, standings, also, to)
        try:
            entry = commit_in_parts(ctx, head, parts)
            break
        except WriteConflict as exc:
            if "listed" in exc.tags or "entry" in exc.tags:
                raise Conflict(LISTED_ALREADY, fields={"scope": [LISTED_ALREADY]}) from exc
            if not exc.tags <= {"standing", "visit"}:
                raise  # a condition of `also`: the caller names it
    else:
        raise Conflict(STANDING_CHANGED)
    return entry


def _listing(ctx: Ctx, customer, scope: str, reason: str, expiry: date | None, standings: list, also, to: dict):
    """What a listing stages: the entry with its scope's lock, audit and mails (the head), and one departure per
    standing in scope (BLK-3 / QTA-5: leaving is never blocked by a quota)."""
    customer_id = customer.customer_id

    def head(uow):
        entry = records.BlacklistEntry(
            entry_id=str(ULID.from_datetime(ctx.now)), customer_id=customer_id, customer_name=customer.name,
            scope=scope, active=True, reason=reason, listed_by=ctx.actor.email, listed_by_name=ctx.actor.name or None,
            listed_at=ctx.now, expires_on=expiry.isoformat() if expiry else None)
        uow.repo(BlacklistLocks).take(customer_id, scope, entry.entry_id)
        uow.repo(BlacklistEntries).list(entry)
        audit.stage(uow, ctx, "blacklist.listed", target_type="customer", target_id=customer_id,
                    dept_id=None if scope == COMPANY else scope,
                    detail={"entry": entry.entry_id, "scope": scope, "reason": reason,
                            "expires_on": entry.expires_on, "standings_ended": [s.dept_id for s in standings]})
        if also:
            also(uow)
        _notify_listing(uow, ctx, entry, to)
        _tell_customer(uow, ctx, entry, "blacklisted", customer)
        return entry

    def departure(standing):
        def stage(uow, again: bool) -> None:
            current = uow.repo(Standings).get(standing.dept_id, customer_id) if again else standing
            if current is not None:
                stage_leaving(uow, ctx, current, f"BLK: {reason}",
                              change_id=f"{ULID.from_datetime(ctx.now)}{standing.dept_id}")
        return stage

    return head, [departure(s) for s in standings]


def _notify_listing(uow, ctx: Ctx, entry, departments: list) -> None:
    """BLK-3: a company listing reaches every staff member of every department; a department's, that department's
    staff and MD (filed with MD, BLK-1). Staged in the listing's transaction as one fan-out per department (a
    transaction holds 100 writes; a department may have more staff): the delivery job writes each member's inbox
    item (and their mail, per their preferences) after the commit, once (portal.services.fanout)."""
    if entry.scope == COMPANY:
        names, to = {"dept_zh": "公司黑名单", "dept_en": "company blacklist"}, [(d.dept_id, None) for d in departments]
    else:
        names = audiences.dept_names(uow, entry.scope)
        to = [(entry.scope, None)] + [(d.dept_id, ["md"]) for d in departments
                                      if d.kind == DepartmentKind.COMPANY.value]
    for dept_id, roles in to:
        fanout.stage(uow, ctx, dept_id, "blacklist_listed", "/staff/blacklist", roles, customer=entry.customer_name,
                     reason=entry.reason, **names)


def _tell_customer(uow, ctx: Ctx, entry, kind: str, customer=None) -> None:
    """Issue 16: the customer hears its standing in scope ended, or that the restriction ended (no reason given:
    the policy keeps the list to staff)."""
    names = {"dept_zh": "所有部门", "dept_en": "every department"} if entry.scope == COMPANY else \
        audiences.dept_names(uow, entry.scope)
    notifications.notify(uow, ctx, audiences.customer_users(uow, customer, customer_id=entry.customer_id), kind,
                         "/customer/", **names)


def get_entry(ctx: Ctx, entry_id: str):
    """One entry: company entries are for every staff user, department entries for that department and MD."""
    entry = ctx.uow().repo(BlacklistEntries).find(entry_id)
    if entry is None:
        raise NotFound()
    authorize(ctx, Perm.VIEW_CUSTOMERS, None if entry.scope == COMPANY else entry.scope, target=entry_id)
    return entry


def lift(ctx: Ctx, entry_id: str, reason: str):
    """End a listing early: the department's leader for its list, MD for the company's (BLK-7). No re-admission."""
    entry = get_entry(ctx, entry_id)
    check_scope(ctx, entry.scope, entry_id)
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Give the reason for lifting.")]})
    _end(ctx, entry, "lifted", reason.strip())
    return entry


def _end(ctx: Ctx, entry, how: str, reason: str | None) -> None:
    """End a listing once (a second end is a Conflict): its scope's lock is released, the end audited (BLK-7)."""
    with ctx.uow() as uow:
        uow.repo(BlacklistEntries).end(entry, how, reason, ctx.actor.email, ctx.now)
        uow.repo(BlacklistLocks).release(entry.customer_id, entry.scope)
        audit.stage(uow, ctx, f"blacklist.{how}", target_type="customer", target_id=entry.customer_id,
                    dept_id=None if entry.scope == COMPANY else entry.scope,
                    detail={"entry": entry.entry_id, "scope": entry.scope, "reason": reason})
        _tell_customer(uow, ctx, entry, "blacklist_ended")
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(_l("This listing has ended already.")) from exc
    entry.active, entry.ended_how, entry.ended_at, entry.ended_by, entry.end_reason = (
        False, how, ctx.now, ctx.actor.email, reason)
    entry.due_bucket = entry.due_key = None


@dataclass(frozen=True)
class ExpiryRun:
    """What one run of the expiry job did."""

    day: str
    expired: list[str]
    already_ended: int
    failed: list[str] = field(default_factory=list)  # could not be ended now: still due, the run is retried


def expire_due(ctx: Ctx) -> ExpiryRun:
    """BLK-5: end every active entry whose expiry day (Asia/Shanghai) has come; run twice, nothing changes. Only a
    failed condition means another run ended an entry first; an entry the store could not end now stays due and
    is reported as failed (the job then fails, so it is retried), never counted as ended (issue 13)."""
    today = shanghai_day(ctx.now).isoformat()
    expired, skipped, failed = [], 0, []
    for entry in ctx.uow().repo(BlacklistEntries).due_by(today):
        try:
            _end(ctx, entry, "expired", f"期满 / term ended {entry.expires_on}")  # BLK-7: why, as for a lifting
            expired.append(entry.entry_id)
        except Conflict:
            skipped += 1  # another run ended it first
        except Unavailable:
            failed.append(entry.entry_id)
    return ExpiryRun(today, expired, skipped, failed)


def entries(ctx: Ctx, scope: str, active_only: bool = True) -> list:
    """A scope's entries, newest first: the company list for every staff user, a department's for its staff."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, None if scope == COMPANY else scope, target=scope)
    return ctx.uow().repo(BlacklistEntries).of_scope(scope, active_only=active_only)


def entry_page(ctx: Ctx, scope: str, active_only: bool = True, cursor: str | None = None, limit: int = 50) -> Page:
    """A page of a scope's entries, newest first: the active ones (a sparse index), or with the ended ones."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, None if scope == COMPANY else scope, target=scope)
    items, last = ctx.uow().repo(BlacklistEntries).scope_page(scope, active_only=active_only,
                                                              before=parse_cursor(cursor), limit=limit)
    return Page(items, encode_cursor(last) if last else None)


def of_customer(ctx: Ctx, customer_id: str) -> list:
    """A customer's listings, for its timeline: its own users see all, staff the scopes they may see."""
    listed = ctx.uow().repo(BlacklistEntries).of_customer(customer_id)
    actor = ctx.actor
    if actor.is_customer:
        return listed if actor.customer_id == customer_id else []
    return [e for e in listed if e.scope == COMPANY or may(actor, Perm.VIEW_CUSTOMERS, e.scope)]
