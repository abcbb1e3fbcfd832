"""What the contract pages and the API read (REL-3, DESIGN rule 12: one call each): a department's list, one
contract with its versions and history, a customer's own contracts, and the signed ones ADM-2 (c) may cite;
and the daily job's reminders (60 and 30 days before the end day) and expiry."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

from portal.adapters.repos.contracts import Contracts
from portal.adapters.repos.grading import Standings
from portal.adapters.uow import Unavailable, WriteConflict
from portal.domain.contracts import REMINDER_DAYS, State, is_expired, reminder_due, shown_state
from portal.domain.roles import Perm
from portal.domain.timeutil import shanghai_day
from portal.services import audiences, audit, notifications
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.contracts import load
from portal.services.errors import Forbidden
from portal.services.paging import Page, encode_cursor, parse_cursor

EVIDENCE_STATES = ("signed", "in_force")


@dataclass(frozen=True)
class ContractView:
    """A contract as shown: its head, the state a person reads (in force from its start day), its versions (oldest
    first) and its history (oldest first)."""

    head: object
    shown: str
    versions: list = field(default_factory=list)
    history: list = field(default_factory=list)


def _view(ctx: Ctx, head, versions=()) -> ContractView:
    today = shanghai_day(ctx.now)
    return ContractView(head, shown_state(head.state, head.start_date, head.end_date, today), list(versions),
                        json.loads(head.history or "[]"))


def department_page(ctx: Ctx, dept_id: str, cursor: str | None = None, limit: int = 50) -> Page:
    """A page of the department's contracts, newest first (one Query)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    heads, last = ctx.uow().repo(Contracts).of_department(dept_id, after=parse_cursor(cursor), limit=limit)
    return Page([_view(ctx, h) for h in heads], encode_cursor(last) if last else None)


def contract_page(ctx: Ctx, contract_id: str) -> ContractView:
    """One contract with its versions and history, for its department's staff and MD (one Query)."""
    head, versions = load(ctx, contract_id)
    return _view(ctx, head, versions)


def own_contracts(ctx: Ctx) -> list[ContractView]:
    """The customer's own contracts that were signed (in force and history), newest first: read only."""
    actor = ctx.actor
    if actor is None or not actor.is_customer or not actor.customer_id:
        raise Forbidden()
    heads = ctx.uow().repo(Contracts).of_customer(actor.customer_id)
    return [_view(ctx, h) for h in heads if h.signed_version]


def own_contract(ctx: Ctx, contract_id: str) -> ContractView:
    """One of the customer's own signed contracts with its signed versions (another's: 404)."""
    from portal.services.errors import NotFound

    actor = ctx.actor
    if actor is None or not actor.is_customer:
        raise Forbidden()
    head, versions = ctx.uow().repo(Contracts).find(contract_id)
    if head is None or head.customer_id != actor.customer_id or not head.signed_version:
        raise NotFound()
    return _view(ctx, head, [v for v in versions if v.state in (State.SIGNED, State.SUPERSEDED)])


def evidence_choices(ctx: Ctx, dept_id: str, customer_id: str, uow=None) -> list[ContractView]:
    """ADM-2 (c): the customer's contracts in the department that are signed or in force (one Query)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=customer_id)
    heads = (uow or ctx.uow()).repo(Contracts).of_customer(customer_id, dept_id)
    views = [_view(ctx, h) for h in heads]
    return [v for v in views if v.shown in EVIDENCE_STATES]


SCAN_CHOICES = 50  # the customer's newest document versions a signing page looks through for scans


def scans(ctx: Ctx, contract_id: str) -> list:
    """The customer's signed scans a signing may cite: among its newest SCAN_CHOICES document versions (one Query,
    bounded whatever the history), those of type "signed-contract", checked and confirmed by a person."""
    from portal.adapters.repos.customers import Documents
    from portal.services.contracts import SCAN_STATES, SCAN_TYPE

    head, _versions = load(ctx, contract_id, Perm.DRAFT_CONTRACTS)
    docs, _last = ctx.uow().repo(Documents).history(head.customer_id, limit=SCAN_CHOICES)
    return [d for d in docs if d.type_id == SCAN_TYPE and d.status in SCAN_STATES and d.reviewed_at
            and not d.refusal_note]


def md_approves(ctx: Ctx, version) -> bool:
    """REL-3: whether this version's amount is above MD's threshold, so only MD approves it (one GetItem)."""
    from portal.adapters.repos.org import Departments
    from portal.domain.contracts import needs_md

    md = ctx.uow().repo(Departments).find("md")
    return needs_md(int(version.amount), int(md.contract_threshold) if md and md.contract_threshold else None)


def threshold(ctx: Ctx) -> int:
    """The amount (元) above which MD approves contracts (MD's page)."""
    from portal.adapters.repos.org import Departments
    from portal.domain.contracts import DEFAULT_MD_THRESHOLD

    authorize(ctx, Perm.MANAGE_COMPANY_STANDARDS, target="contract_threshold")
    md = ctx.uow().repo(Departments).find("md")
    return int(md.contract_threshold) if md is not None and md.contract_threshold is not None else \
        DEFAULT_MD_THRESHOLD


@dataclass(frozen=True)
class ExpiryRun:
    """What one run did: contracts told of (id:days), contracts expired, and what could not be committed."""

    reminded: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run_daily(ctx: Ctx) -> ExpiryRun:
    """REL-3: tell the designated person (else the leaders) and MD of a contract ending in 60 and in 30 days (once
    each), and mark contracts whose end day has passed as expired (audited); a second run changes nothing."""
    run, today = ExpiryRun(), shanghai_day(ctx.now)
    horizon = (today + timedelta(days=max(REMINDER_DAYS))).isoformat()
    for head in ctx.uow().repo(Contracts).ending_by(horizon):
        try:
            with ctx.uow() as uow:
                fresh = uow.repo(Contracts).head(head.contract_id)
                if fresh is None or fresh.state != State.SIGNED:
                    continue
                if is_expired(fresh.end_date, today):
                    _expire(uow, ctx, fresh)
                    uow.commit()
                    run.expired.append(fresh.contract_id)
                    continue
                days = reminder_due(fresh.end_date, today)
                if days is None or str(days) in (fresh.reminders_sent or set()):
                    continue
                _remind(uow, ctx, fresh, days)
                uow.commit()
                run.reminded.append(f"{fresh.contract_id}:{days}")
        except WriteConflict:
            pass  # another run did it
        except Unavailable:
            run.failed.append(head.contract_id)
    return run


def _expire(uow, ctx: Ctx, head) -> None:
    head.state = State.EXPIRED.value
    steps = json.loads(head.history or "[]") + [{"at": ctx.now.isoformat(), "by": "", "action": "expired",
                                                  "version": head.signed_version}]
    head.history = json.dumps(steps, ensure_ascii=False)
    uow.repo(Contracts).save_head(head)
    audit.stage(uow, ctx, "contract.expired", target_type="customer", target_id=head.customer_id,
                dept_id=head.dept_id, detail={"contract": head.contract_id, "no": head.contract_no})


def _remind(uow, ctx: Ctx, head, days: int) -> None:
    head.reminders_sent = set(head.reminders_sent or set()) | {str(d) for d in REMINDER_DAYS if d >= days}
    uow.repo(Contracts).save_head(head)
    standing = uow.repo(Standings).get(head.dept_id, head.customer_id)
    to = audiences.user(uow, standing.designated_staff) if standing and standing.designated_staff else []
    to = to or audiences.department_staff(uow, head.dept_id, {"dm"})
    notifications.notify(uow, ctx, to + audiences.marketing_division(uow), "contract_expiring",
                         f"/staff/contracts/{head.contract_id}", once=f"contract_expiring:{head.contract_id}:{days}",
                         customer=head.customer_name, title=head.title, day=head.end_date)
