"""Department and company blacklists (BLK-1…7, QTA-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from ulid import ULID

from portal.adapters import mail
from portal.adapters.tables import BlacklistEntry, Customer, GradeChange, Standing, Unique, transaction
from portal.domain.dynamics import TermError, company_expiry, department_expiry
from portal.domain.roles import Perm, may
from portal.domain.timeutil import shanghai_day
from portal.services import audit, org, visits
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.legacy_tx import leaving_updates

COMPANY = "company"
TERM_MESSAGES = {
    "longer_than_six_months": _l("A department listing lasts at most 6 months (BLK-4)."),
    "not_after_listing": _l("The expiry day must come after the listing day."),
}


def _key(customer_id: str, scope: str) -> str:
    return f"blk#{customer_id}#{scope}"


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


def list_customer(ctx: Ctx, customer_id: str, scope: str, reason: str,
                  expires_on: date | None = None) -> BlacklistEntry:
    """List a customer; its standing in scope ends in the same transaction (grade removed, counts updated)."""
    check_scope(ctx, scope, customer_id)
    try:
        customer = Customer.get(customer_id)
    except DoesNotExist as exc:
        raise NotFound() from exc
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Give the reason for the listing.")]})
    listed_on = shanghai_day(ctx.now)
    try:
        expiry = (company_expiry(listed_on, expires_on) if scope == COMPANY
                  else department_expiry(listed_on, expires_on))
    except TermError as exc:
        raise Invalid(fields={"expires_on": [TERM_MESSAGES[exc.code]]}) from exc
    entry = BlacklistEntry(entry_id=str(ULID.from_datetime(ctx.now)), customer_id=customer_id,
                           customer_name=customer.name, scope=scope, active=True, reason=reason.strip(),
                           listed_by=ctx.actor.email, listed_at=ctx.now,
                           expires_on=expiry.isoformat() if expiry else None)
    if expiry:
        entry.due_bucket, entry.due_key = "due", f"{expiry.isoformat()}#{entry.entry_id}"
    standings = [s for s in Standing.by_customer.query(customer_id) if scope == COMPANY or s.dept_id == scope]
    try:
        with transaction() as tx:
            tx.save(Unique(_key(customer_id, scope), owner_id=entry.entry_id), condition=Unique.key.does_not_exist())
            tx.save(entry)
            visits.cancel_planned(tx, ctx, customer_id, {s.dept_id for s in standings}, f"BLK: {entry.reason}")
            for standing in standings:  # BLK-3 / QTA-5: leaving is never blocked by a quota
                tx.delete(standing)
                leaving_updates(tx, standing)
                change_id = f"{ULID.from_datetime(ctx.now)}{standing.dept_id}"
                tx.save(GradeChange(customer_id=customer_id, change_id=change_id, dept_id=standing.dept_id,
                                    kind="left", from_grade=standing.grade, reason=f"BLK: {entry.reason}",
                                    by=ctx.actor.email, at=ctx.now))
            tx.save(audit.event(ctx, "blacklist.listed", target_type="customer", target_id=customer_id,
                                dept_id=None if scope == COMPANY else scope,
                                detail={"entry": entry.entry_id, "scope": scope, "reason": entry.reason,
                                        "expires_on": entry.expires_on,
                                        "standings_ended": [s.dept_id for s in standings]}))
    except TransactWriteError as exc:
        raise Conflict(_l("This customer is on this blacklist already."), fields={"scope": [
            _l("This customer is on this blacklist already.")]}) from exc
    _notify_listing(entry)
    return entry


def _notify_listing(entry: BlacklistEntry) -> None:
    """BLK-3: a company listing is sent to every department and MD; a department's is filed with MD (BLK-1)."""
    recipients = org.leaders_and_md()
    if entry.scope == COMPANY:
        addresses = sorted({a for emails in recipients.values() for a in emails})
        subject = f"【公司黑名单】{entry.customer_name} / Company blacklist"
    else:
        addresses = sorted(set(recipients.get("md", [])) | set(recipients.get(entry.scope, [])))
        subject = f"【部门黑名单 {entry.scope}】{entry.customer_name} / Department blacklist"
    which = "公司" if entry.scope == COMPANY else "部门"
    body = (f"{entry.customer_name} 已列入{which}黑名单。\n理由：{entry.reason}\n"
            f"期限至：{entry.expires_on or '解除为止'}\n\n{entry.customer_name} was listed ({entry.scope}) "
            f"until {entry.expires_on or 'lifted'}. Reason: {entry.reason}\n")
    for address in addresses:
        mail.send(address, subject, body)


def get_entry(ctx: Ctx, entry_id: str) -> BlacklistEntry:
    """One entry: company entries are for every staff user, department entries for that department and MD."""
    try:
        entry = BlacklistEntry.get(entry_id)
    except DoesNotExist as exc:
        raise NotFound() from exc
    authorize(ctx, Perm.VIEW_CUSTOMERS, None if entry.scope == COMPANY else entry.scope, target=entry_id)
    return entry


def lift(ctx: Ctx, entry_id: str, reason: str) -> BlacklistEntry:
    """End a listing early: the department's leader for its list, MD for the company's (BLK-7). No re-admission."""
    entry = get_entry(ctx, entry_id)
    check_scope(ctx, entry.scope, entry_id)
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Give the reason for lifting.")]})
    _end(ctx, entry, "lifted", reason.strip())
    return entry


def _end(ctx: Ctx, entry: BlacklistEntry, how: str, reason: str | None) -> None:
    try:
        with transaction() as tx:
            tx.update(entry, actions=[BlacklistEntry.active.set(False), BlacklistEntry.ended_at.set(ctx.now),
                                      BlacklistEntry.ended_by.set(ctx.actor.email),
                                      BlacklistEntry.ended_how.set(how), BlacklistEntry.end_reason.set(reason),
                                      BlacklistEntry.due_bucket.remove(), BlacklistEntry.due_key.remove()],
                      condition=BlacklistEntry.active == True)  # noqa: E712 - idempotent: only once
            tx.delete(Unique(_key(entry.customer_id, entry.scope)))
            tx.save(audit.event(ctx, f"blacklist.{how}", target_type="customer", target_id=entry.customer_id,
                                dept_id=None if entry.scope == COMPANY else entry.scope,
                                detail={"entry": entry.entry_id, "scope": entry.scope, "reason": reason}))
    except TransactWriteError as exc:
        raise Conflict(_l("This listing has ended already.")) from exc
    entry.active, entry.ended_how = False, how


@dataclass(frozen=True)
class ExpiryRun:
    """What one run of the expiry job did."""

    day: str
    expired: list[str]
    already_ended: int


def expire_due(ctx: Ctx) -> ExpiryRun:
    """BLK-5: end every active entry whose expiry day (Asia/Shanghai) has come; run twice, nothing changes."""
    today = shanghai_day(ctx.now).isoformat()
    expired, skipped = [], 0
    for entry in BlacklistEntry.due.query("due", BlacklistEntry.due_key <= f"{today}#~"):
        try:
            _end(ctx, entry, "expired", f"期满 / term ended {entry.expires_on}")  # BLK-7: why, as for a lifting
            expired.append(entry.entry_id)
        except Conflict:
            skipped += 1  # another run ended it first
    return ExpiryRun(today, expired, skipped)


def entries(ctx: Ctx, scope: str, active_only: bool = True) -> list[BlacklistEntry]:
    """A scope's entries, newest first: the company list for every staff user, a department's for its staff."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, None if scope == COMPANY else scope, target=scope)
    condition = BlacklistEntry.active == True if active_only else None  # noqa: E712
    return list(BlacklistEntry.by_scope.query(scope, filter_condition=condition, scan_index_forward=False))


def of_customer(ctx: Ctx, customer_id: str) -> list[BlacklistEntry]:
    """A customer's listings, for its timeline: its own users see all, staff the scopes they may see."""
    listed = list(BlacklistEntry.by_customer.query(customer_id))
    actor = ctx.actor
    if actor.is_customer:
        return listed if actor.customer_id == customer_id else []
    return [e for e in listed if e.scope == COMPANY or may(actor, Perm.VIEW_CUSTOMERS, e.scope)]
