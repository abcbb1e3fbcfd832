"""Contracts (REL-3): the department drafts a contract with a customer, submits it, its leader approves it (MD
above the amount MD sets), it is signed with a verified scan, amended through new versions approved the same way,
and terminated with a reason; each step in one unit of work, audited, refused with a clear message when out of
turn."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.contracts import Contracts
from portal.adapters.repos.customers import Customers, Documents
from portal.adapters.repos.org import Departments
from portal.adapters.uow import WriteConflict
from portal.domain.contracts import (
    MAX_AMOUNT,
    MAX_NO,
    MAX_REASON,
    MAX_TITLE,
    Action,
    State,
    needs_md,
    refusal,
    terms_problems,
)
from portal.domain.roles import Perm, Role
from portal.services import audiences, audit, notifications
from portal.services.access import authorize, refuse
from portal.services.context import Ctx
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound

MD = "md"
SCAN_TYPE = "signed-contract"  # the document type of a signed scan (domain.customers.DEFAULT_DOCUMENT_TYPES)
SCAN_STATES = ("verified", "superseded")  # file-checked; a newer scan (another contract's) supersedes the type's last
AMOUNT_TEXT = f"{MAX_AMOUNT:,}"
CHANGED = _l("This contract was changed meanwhile. Reload the page.")
TERMS_PROBLEMS = {
    "required": _l("Required."),
    "too_long_no": _l("At most %(n)s characters.", n=MAX_NO),
    "too_long_title": _l("At most %(n)s characters.", n=MAX_TITLE),
    "amount": _l("Enter an amount from 1 to %(n)s yuan.", n=AMOUNT_TEXT),
    "end_before_start": _l("The end date must not be before the start date."),
}
REFUSALS = {
    "ended": _l("This contract has ended (terminated or expired); it can no longer be changed."),
    "not_signed": _l("Only a signed contract can be amended or terminated."),
    "amendment_open": _l("An amendment is already in progress; finish it first."),
    "wrong_step": _l("This step does not fit where the contract stands now. Reload the page."),
    "needs_md": _l("The amount is above the threshold set by the Marketing Division: the Marketing Division "
                   "approves this contract."),
}
PAST = {Action.SUBMIT: "submitted", Action.RETURN: "returned", Action.APPROVE: "approved"}


@dataclass(frozen=True)
class Terms:
    """A version's terms as typed: number, title, amount (元), start and end days."""

    contract_no: str
    title: str
    amount: int | None
    start_date: date | None
    end_date: date | None


def check_terms(terms: Terms) -> None:
    """Invalid, naming each field, unless the terms are complete and consistent."""
    problems = terms_problems(terms.contract_no, terms.title, terms.amount, terms.start_date, terms.end_date)
    if problems:
        raise Invalid(fields={f: [TERMS_PROBLEMS[f"{c}_{'no' if f == 'contract_no' else 'title'}"
                                                 if c == "too_long" else c]] for f, c in problems.items()})


def _apply(record, terms: Terms) -> None:
    record.contract_no, record.title = terms.contract_no.strip(), terms.title.strip()
    record.amount = int(terms.amount)
    record.start_date, record.end_date = terms.start_date.isoformat(), terms.end_date.isoformat()


def _step(ctx: Ctx, head, action: str, version_no: int | None = None, note: str | None = None) -> None:
    steps = json.loads(head.history or "[]")
    steps.append({"at": ctx.now.isoformat(), "by": ctx.actor.name or ctx.actor.email, "action": action,
                  "version": version_no, **({"note": note} if note else {})})
    head.history = json.dumps(steps, ensure_ascii=False)


def _audit(uow, ctx: Ctx, head, action: str, **detail) -> None:
    audit.stage(uow, ctx, f"contract.{action}", target_type="customer", target_id=head.customer_id,
                dept_id=head.dept_id, detail={"contract": head.contract_id, "no": head.contract_no, **detail})


def _commit(uow) -> None:
    try:
        uow.commit()
    except WriteConflict as exc:
        raise Conflict(CHANGED) from exc


def _refuse(code: str | None) -> None:
    if code:
        raise Conflict(REFUSALS[code])


def create(ctx: Ctx, dept_id: str, customer_id: str, terms: Terms):
    """The department's clerks, reps and leader draft a contract with a customer (REL-3)."""
    authorize(ctx, Perm.DRAFT_CONTRACTS, dept_id, target=customer_id)
    check_terms(terms)
    with ctx.uow() as uow:
        customer = uow.repo(Customers).find(customer_id)
        if customer is None or uow.repo(Departments).find(dept_id) is None:
            raise NotFound()
        contract_id = str(ULID.from_datetime(ctx.now))
        common = dict(contract_id=contract_id, dept_id=dept_id, customer_id=customer_id, customer_name=customer.name,
                      state=State.DRAFT.value, created_by=ctx.actor.email, created_at=ctx.now)
        head, first = records.Contract(**common, latest_version=1), records.Contract(**common, version_no=1)
        _apply(head, terms)
        _apply(first, terms)
        _step(ctx, head, "created", 1)
        uow.repo(Contracts).create(head, first)
        _audit(uow, ctx, head, "created")
        _commit(uow)
    return head


def load(ctx: Ctx, contract_id: str, perm: Perm = Perm.VIEW_CUSTOMERS, uow=None):
    """A contract's head and versions for the staff of its department and MD (403 elsewhere, 404 when unknown)."""
    head, versions = (uow or ctx.uow()).repo(Contracts).find(contract_id)
    if head is None:
        raise NotFound()
    authorize(ctx, perm, head.dept_id, target=contract_id)
    return head, versions


def _open(versions: list):
    return versions[-1] if versions else None


def _pending(head, versions) -> bool:
    latest = _open(versions)
    return bool(head.signed_version) and latest is not None and latest.version_no != head.signed_version


def _guard(head, versions, action: Action, version: int | None) -> object:
    if version is not None and int(version) != int(head.version):
        raise Conflict(CHANGED)
    latest = _open(versions)
    _refuse(refusal(action, head.state, latest.state if latest else None, _pending(head, versions)))
    return latest


def edit(ctx: Ctx, contract_id: str, terms: Terms, version: int | None = None):
    """Change the terms of the draft version (the first or an amendment's)."""
    with ctx.uow() as uow:
        head, versions = load(ctx, contract_id, Perm.DRAFT_CONTRACTS, uow)
        draft = _guard(head, versions, Action.EDIT, version)
        check_terms(terms)
        _apply(draft, terms)
        if not head.signed_version:
            _apply(head, terms)
        _step(ctx, head, "edited", draft.version_no)
        _save(uow, head, draft)
        _audit(uow, ctx, head, "edited", version=draft.version_no)
        _commit(uow)
    return head


def _save(uow, head, version_record) -> None:
    repo = uow.repo(Contracts)
    repo.save_head(head)
    if version_record is not None:
        repo.save_version(version_record)


def _move(ctx: Ctx, contract_id: str, action: Action, perm: Perm, to: State, version: int | None, *,
          note: str | None = None, check=None):
    with ctx.uow() as uow:
        head, versions = load(ctx, contract_id, perm, uow)
        current = _guard(head, versions, action, version)
        if check:
            check(uow, head, current)
        current.state = to.value
        if not head.signed_version:
            head.state = to.value
        _step(ctx, head, PAST[action], current.version_no, note)
        _save(uow, head, current)
        _audit(uow, ctx, head, PAST[action], version=current.version_no)
        if action == Action.SUBMIT:
            notifications.notify(uow, ctx, _approvers(uow, head, current), "contract_submitted",
                                 f"/staff/contracts/{contract_id}", customer=head.customer_name,
                                 title=current.title)
        _commit(uow)
    return head, current


def _threshold(uow) -> int | None:
    md = uow.repo(Departments).find(MD)
    return int(md.contract_threshold) if md is not None and md.contract_threshold is not None else None


def _approvers(uow, head, version) -> list:
    if needs_md(int(version.amount), _threshold(uow)):
        return audiences.marketing_division(uow)
    return audiences.department_staff(uow, head.dept_id, {"dm"})


def submit(ctx: Ctx, contract_id: str, version: int | None = None):
    """The draft version goes to its approver (the leader; MD above the threshold), who hears of it."""
    return _move(ctx, contract_id, Action.SUBMIT, Perm.DRAFT_CONTRACTS, State.SUBMITTED, version)


def send_back(ctx: Ctx, contract_id: str, reason: str, version: int | None = None):
    """The approver sends a submitted version back to draft, saying why."""
    _check_reason(reason)
    return _move(ctx, contract_id, Action.RETURN, Perm.APPROVE_CONTRACTS, State.DRAFT, version, note=reason.strip())


def approve(ctx: Ctx, contract_id: str, version: int | None = None):
    """The department leader approves a submitted version; above MD's threshold only MD does (REL-3)."""
    def by_the_right_person(uow, head, current):
        if needs_md(int(current.amount), _threshold(uow)) and ctx.actor.role != Role.MD:
            refuse(ctx, "approve_contracts_above_threshold", contract_id, head.dept_id)  # audited, like SEC-1's
            raise Forbidden(REFUSALS["needs_md"])
        current.approved_by, current.approved_by_name = ctx.actor.email, ctx.actor.name
    return _move(ctx, contract_id, Action.APPROVE, Perm.APPROVE_CONTRACTS, State.APPROVED, version,
                 check=by_the_right_person)


def _check_reason(reason: str | None) -> None:
    text = (reason or "").strip()
    if not text or len(text) > MAX_REASON:
        raise Invalid(fields={"reason": [_l("Write 1 to %(n)s characters.", n=MAX_REASON)]})


def _scan(uow, head, doc_id: str | None):
    """The signed scan: a document of this customer, file-checked (real PDF or image, size) and confirmed by a
    person (已审核); otherwise Invalid on `doc_id`."""
    doc = uow.repo(Documents).find(doc_id)
    if doc is None or doc.customer_id != head.customer_id or doc.type_id != SCAN_TYPE:
        raise Invalid(fields={"doc_id": [_l("Choose a signed contract uploaded by this customer.")]})
    if doc.status not in SCAN_STATES or doc.reviewed_at is None or doc.refusal_note:
        raise Invalid(fields={"doc_id": [_l("The scan must be checked and confirmed by staff first.")]})
    return doc


def sign(ctx: Ctx, contract_id: str, doc_id: str | None, version: int | None = None):
    """Record the approved version as signed, with its verified scan; it becomes the one in force (from its start
    day) and the version it amends is kept as superseded."""
    with ctx.uow() as uow:
        head, versions = load(ctx, contract_id, Perm.DRAFT_CONTRACTS, uow)
        current = _guard(head, versions, Action.SIGN, version)
        doc = _scan(uow, head, doc_id)
        before = next((v for v in versions if v.version_no == head.signed_version), None)
        if before is not None:
            before.state = State.SUPERSEDED.value
            uow.repo(Contracts).save_version(before)
        current.state, current.doc_id = State.SIGNED.value, doc.doc_id
        head.state, head.signed_version, head.doc_id = State.SIGNED.value, current.version_no, doc.doc_id
        for name in ("contract_no", "title", "amount", "start_date", "end_date"):
            setattr(head, name, getattr(current, name))
        head.reminders_sent = None  # a new end day: its reminders are due again
        _step(ctx, head, "signed", current.version_no)
        _save(uow, head, current)
        _audit(uow, ctx, head, "signed", version=current.version_no, doc=doc.doc_id)
        _commit(uow)
    return head
