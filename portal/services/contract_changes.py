"""Contracts changed after signing (REL-3): an amendment opens a new version approved like the first, a signed
contract is terminated with a reason; and MD's threshold above which MD approves."""

from __future__ import annotations

from portal.adapters import records
from portal.adapters.repos.contracts import Contracts
from portal.adapters.repos.org import Departments
from portal.domain.contracts import MAX_AMOUNT, Action, State
from portal.domain.roles import Perm
from portal.services import audit
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.contracts import (
    MD,
    TERMS_PROBLEMS,
    Terms,
    _audit,
    _check_reason,
    _commit,
    _guard,
    _save,
    _step,
    check_terms,
    load,
)
from portal.services.contracts import _apply as apply_terms
from portal.services.errors import Invalid, NotFound


def amend(ctx: Ctx, contract_id: str, terms: Terms, note: str, version: int | None = None):
    """Open an amendment: a new draft version with the changed terms, approved like the first (REL-3)."""
    with ctx.uow() as uow:
        head, versions = load(ctx, contract_id, Perm.DRAFT_CONTRACTS, uow)
        _guard(head, versions, Action.AMEND, version)
        check_terms(terms)
        _check_reason(note)
        number = max(v.version_no for v in versions) + 1
        draft = records.Contract(contract_id=contract_id, version_no=number, dept_id=head.dept_id,
                                 customer_id=head.customer_id, customer_name=head.customer_name,
                                 state=State.DRAFT.value, note=note.strip(), created_by=ctx.actor.email,
                                 created_at=ctx.now)
        apply_terms(draft, terms)
        head.latest_version = number
        _step(ctx, head, "amended", number, note.strip())
        uow.repo(Contracts).add_version(draft)
        _save(uow, head, None)
        _audit(uow, ctx, head, "amended", version=number)
        _commit(uow)
    return head, draft

def terminate(ctx: Ctx, contract_id: str, reason: str, version: int | None = None):
    """End a signed contract early, saying why (REL-3); an open amendment ends with it."""
    with ctx.uow() as uow:
        head, versions = load(ctx, contract_id, Perm.APPROVE_CONTRACTS, uow)
        _guard(head, versions, Action.TERMINATE, version)
        _check_reason(reason)
        head.state, head.ended_reason = State.TERMINATED.value, reason.strip()
        _step(ctx, head, "terminated", head.signed_version, reason.strip())
        _save(uow, head, None)
        _audit(uow, ctx, head, "terminated")
        _commit(uow)
    return head

def set_threshold(ctx: Ctx, amount: int | None) -> int:
    """MD sets the amount (元) above which MD approves contracts instead of the department leader."""
    authorize(ctx, Perm.MANAGE_COMPANY_STANDARDS, target="contract_threshold")
    if amount is None or amount <= 0 or amount > MAX_AMOUNT:
        raise Invalid(fields={"amount": [TERMS_PROBLEMS["amount"]]})
    with ctx.uow() as uow:
        md = uow.repo(Departments).find(MD)
        if md is None:
            raise NotFound()
        before, md.contract_threshold = md.contract_threshold, int(amount)
        uow.repo(Departments).save(md)
        audit.stage(uow, ctx, "contract.threshold", target_type="department", target_id=MD, dept_id=MD,
                    detail={"before": before, "after": int(amount)})
        _commit(uow)
    return int(amount)
