"""Evaluations, grade changes and quotas (GRD-1…6, QTA-1…5, SCP-1, RGT-2)."""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from ulid import ULID

from portal.adapters.tables import Counter, Evaluation, GradeChange, Standing, transaction
from portal.domain.grading import (
    Counts,
    Grade,
    ScorecardError,
    change_allowed,
    maximum,
    over_quota,
    places_left,
    rank,
    score,
)
from portal.domain.roles import Perm
from portal.services import audit, visits
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.customers import check_customer_access
from portal.services.downgrades import resolve_downgrades
from portal.services.eligibility import blocked_scope
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.paging import Page, after, page_of
from portal.services.scorecards import card_for, scorecard_error_fields

MAX_TRIES = 40
GRADE_NAMES = {Grade.VIP: "VIP", Grade.PREFERRED: "优选 Preferred", Grade.QUALIFIED: "合格 Qualified"}


# --- counters -----------------------------------------------------------------------------------

def _counts(dept_id: str, key: str = "all") -> Counts:
    try:
        c = Counter.get(dept_id, key)
    except DoesNotExist:
        return Counts()
    return Counts(int(c.total or 0), int(c.vip or 0), int(c.preferred or 0))


def _product_counts(dept_id: str, products: set[str]) -> dict[str, Counts]:
    """The counters of several products of a department in one call (missing: zero)."""
    found = {c.key.removeprefix("product#"): Counts(int(c.total or 0), int(c.vip or 0), int(c.preferred or 0))
             for c in Counter.batch_get([(dept_id, f"product#{p}") for p in products])}
    return {p: found.get(p, Counts()) for p in products}


def admission_updates(tx, dept_id: str, products: set[str]) -> None:
    """Inside an admission's transaction: one more customer in the department and in each of its products."""
    for key in ["all", *[f"product#{p}" for p in sorted(products)]]:
        tx.update(Counter(dept_id, key), actions=[Counter.total.add(1), Counter.vip.add(0), Counter.preferred.add(0)])


def _grade_actions(old: Grade, new: Grade, leaving: bool = False) -> list:
    delta = {Grade.VIP: 0, Grade.PREFERRED: 0}
    if old in delta:
        delta[old] -= 1
    if new in delta and not leaving:
        delta[new] += 1
    actions = [Counter.vip.add(delta[Grade.VIP]), Counter.preferred.add(delta[Grade.PREFERRED])]
    if leaving:
        actions.append(Counter.total.add(-1))
    return actions


def leaving_updates(tx, standing: Standing) -> None:
    """Inside a transaction: one customer fewer in the department and its products (QTA-5: never blocked)."""
    old = Grade(standing.grade)
    for key in ["all", *[f"product#{p}" for p in sorted(standing.products)]]:
        tx.update(Counter(standing.dept_id, key), actions=_grade_actions(old, Grade.QUALIFIED, leaving=True))


@dataclass(frozen=True)
class Quota:
    """A department's quota position (QTA-1/2), flagged when over (QTA-5), with each product's (QTA-3)."""

    dept_id: str
    counts: Counts
    products: dict[str, Counts]

    @property
    def max_vip(self) -> int:
        """The most VIPs allowed now."""
        return maximum(Grade.VIP, self.counts.total)

    @property
    def max_preferred(self) -> int:
        """The most Preferred customers allowed now."""
        return maximum(Grade.PREFERRED, self.counts.total)

    @property
    def over(self) -> list[Grade]:
        """Grades the department holds too many of (after customers left)."""
        return over_quota(self.counts)

    def as_json(self) -> dict:
        """The API's view."""
        return {"department": self.dept_id, "total": self.counts.total, "vip": self.counts.vip,
                "preferred": self.counts.preferred, "qualified": self.counts.of(Grade.QUALIFIED),
                "max_vip": self.max_vip, "max_preferred": self.max_preferred,
                "vip_places_left": places_left(Grade.VIP, self.counts),
                "preferred_places_left": places_left(Grade.PREFERRED, self.counts),
                "over_quota": [g.value for g in self.over],
                "products": {p: {"total": c.total, "vip": c.vip, "preferred": c.preferred,
                                 "over_quota": [g.value for g in over_quota(c)]} for p, c in self.products.items()}}


def quota(ctx: Ctx, dept_id: str) -> Quota:
    """The department's counts and limits (one Query over its counters)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    counts, products = Counts(), {}
    for c in Counter.query(dept_id):
        value = Counts(int(c.total or 0), int(c.vip or 0), int(c.preferred or 0))
        if c.key == "all":
            counts = value
        else:
            products[c.key.removeprefix("product#")] = value
    return Quota(dept_id, counts, products)


# --- standings ------------------------------------------------------------------------------------

def get_standing(ctx: Ctx, dept_id: str, customer_id: str, perm: Perm = Perm.VIEW_CUSTOMERS) -> Standing:
    """A customer's standing in a department (SCP-1: grades live here, per department)."""
    authorize(ctx, perm, dept_id, target=customer_id)
    try:
        return Standing.get(dept_id, customer_id)
    except DoesNotExist as exc:
        raise NotFound(_l("This customer is not admitted in this department.")) from exc


def _grade(value: str) -> Grade:
    try:
        return Grade(value)
    except ValueError as exc:
        raise Invalid(fields={"grade": [_l("Choose VIP, PREFERRED or QUALIFIED.")]}) from exc


def by_grade(ctx: Ctx, dept_id: str, grade: str | None, cursor: str | None = None, limit: int = 50) -> Page:
    """The department's admitted customers, optionally of one grade (Query on the by_grade index)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    if grade:
        g = _grade(grade)
        return page_of(Standing.by_grade.query(f"{dept_id}#{g.value}", after(Standing.customer_id, cursor),
                                               limit=limit), "customer_id")
    return page_of(Standing.query(dept_id, after(Standing.customer_id, cursor), limit=limit), "customer_id")


def all_standings(ctx: Ctx, dept_id: str, grade: str | None) -> list[Standing]:
    """Every standing of the department (for the CSV export), optionally of one grade."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    if grade:
        return list(Standing.by_grade.query(f"{dept_id}#{_grade(grade).value}"))
    return list(Standing.query(dept_id))


# --- evaluations ----------------------------------------------------------------------------------

def evaluate(ctx: Ctx, dept_id: str, customer_id: str, values: dict, hard: dict[str, bool],
             product_id: str | None = None) -> Evaluation:
    """Staff fill the applicable scorecard for a customer of their department; the result is kept (GRD-5)."""
    standing = get_standing(ctx, dept_id, customer_id, Perm.EVALUATE)
    scope, card_id, record, card = card_for(dept_id, product_id or None)
    try:
        result = score(card, values, hard)
    except ScorecardError as exc:
        raise Invalid(fields=scorecard_error_fields(exc, prefix="v_")) from exc
    evaluation = Evaluation(
        eval_id=str(ULID.from_datetime(ctx.now)), standing_key=f"{dept_id}#{customer_id}", dept_id=dept_id,
        customer_id=customer_id, card_scope=scope, card_id=card_id, card_version=int(record.version or 1),
        card_definition=record.definition,
        inputs=json.dumps({"values": values, "hard": {k: bool(v) for k, v in hard.items()}}, ensure_ascii=False),
        points=json.dumps(result.points), total=result.total, proposed=result.proposed.value,
        capped_by=",".join(result.capped_by) or None, by=ctx.actor.email, at=ctx.now)
    with transaction() as tx:
        tx.save(evaluation, condition=Evaluation.eval_id.does_not_exist())
        tx.save(audit.event(ctx, "grade.evaluated", target_type="customer", target_id=customer_id, dept_id=dept_id,
                            detail={"evaluation": evaluation.eval_id, "total": result.total,
                                    "proposed": result.proposed.value, "card": f"{scope}/{card_id}",
                                    "grade_now": standing.grade}))
    return evaluation


def evaluations(ctx: Ctx, dept_id: str, customer_id: str) -> list[Evaluation]:
    """A customer's evaluations in a department, newest first."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=customer_id)
    return list(Evaluation.by_standing.query(f"{dept_id}#{customer_id}", scan_index_forward=False, limit=20))


def _evaluation(dept_id: str, customer_id: str, eval_id: str | None) -> Evaluation | None:
    if not eval_id:
        return None
    try:
        evaluation = Evaluation.get(eval_id)
    except DoesNotExist:
        evaluation = None
    if evaluation is None or evaluation.standing_key != f"{dept_id}#{customer_id}":
        raise Invalid(fields={"evaluation_id": [_l("Not an evaluation of this customer in this department.")]})
    return evaluation


# --- grade changes ----------------------------------------------------------------------------------

def propose(ctx: Ctx, dept_id: str, customer_id: str, grade: str, reason: str,
            evaluation_id: str | None) -> GradeChange:
    """A clerk or rep proposes a grade; the department leader decides (GRD-6)."""
    standing = get_standing(ctx, dept_id, customer_id, Perm.PROPOSE_GRADES)
    new = _grade(grade)
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Give the reason.")]})
    _evaluation(dept_id, customer_id, evaluation_id)
    proposal = GradeChange(customer_id=customer_id, change_id=str(ULID.from_datetime(ctx.now)), dept_id=dept_id,
                           kind="proposal", status="open", from_grade=standing.grade, to_grade=new.value,
                           reason=reason.strip(), evaluation_id=evaluation_id or None, by=ctx.actor.email, at=ctx.now)
    with transaction() as tx:
        tx.save(proposal)
        tx.save(audit.event(ctx, "grade.proposed", target_type="customer", target_id=customer_id, dept_id=dept_id,
                            detail={"from": standing.grade, "to": new.value, "reason": proposal.reason}))
    return proposal


def open_proposals(ctx: Ctx, dept_id: str, customer_id: str) -> list[GradeChange]:
    """Undecided proposals for a customer in a department."""
    return [c for c in history(ctx, customer_id, dept_id) if c.kind == "proposal" and c.status == "open"]


def _quota_message(new: Grade, counts: Counts) -> str:
    left = places_left(new, counts)
    return str(_l("The %(grade)s quota of this department is full: %(n)s of %(max)s places taken, %(left)s left.",
                  grade=GRADE_NAMES[new], n=counts.of(new), max=maximum(new, counts.total), left=left))


def change(ctx: Ctx, dept_id: str, customer_id: str, grade: str, reason: str, *, evaluation_id: str | None = None,
           override_reason: str | None = None, proposal_id: str | None = None) -> GradeChange:
    """The department leader changes a grade within the quotas; counters move in the same transaction (QTA-4)."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=customer_id)
    new = _grade(grade)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(fields={"reason": [_l("Give the reason.")]})
    if blocked_scope(customer_id, dept_id):
        raise Forbidden(_l("The customer is blacklisted in this department and cannot be graded."))
    evaluation = _evaluation(dept_id, customer_id, evaluation_id)
    override = (override_reason or "").strip() or None
    for _attempt in range(MAX_TRIES):
        standing = get_standing(ctx, dept_id, customer_id, Perm.DECIDE_GRADES)
        if proposal_id:  # only an open proposal for this customer in this department (SEC-1, GRD-6)
            _open_proposal(dept_id, customer_id, proposal_id)
        old = Grade(standing.grade)
        if old == new:
            raise Conflict(_l("The customer holds this grade already."), fields={"grade": [
                _l("The customer holds this grade already.")]})
        counts = _counts(dept_id)
        if not change_allowed(counts, old, new):
            raise Conflict(_quota_message(new, counts), fields={"grade": [_quota_message(new, counts)]})
        per_product = _product_counts(dept_id, standing.products)  # one BatchGetItem, not a GetItem per product
        crowded = sorted(p for p in standing.products if not change_allowed(per_product[p], old, new))
        if crowded and not override:  # QTA-3: per product "in principle" — the leader may override in writing
            message = _l("Over the %(grade)s limit for product(s) %(products)s: give a written override reason.",
                         grade=GRADE_NAMES[new], products=", ".join(crowded))
            raise Conflict(message, fields={"override_reason": [message]})
        record = GradeChange(customer_id=customer_id, change_id=str(ULID.from_datetime(ctx.now)), dept_id=dept_id,
                             kind="change", from_grade=old.value, to_grade=new.value, reason=reason,
                             evaluation_id=evaluation.eval_id if evaluation else None,
                             override_reason=override if crowded else None, by=ctx.actor.email, at=ctx.now)
        try:
            with transaction() as tx:
                tx.update(Counter(dept_id, "all"), actions=_grade_actions(old, new),
                          condition=(Counter.total == counts.total) & (Counter.vip == counts.vip)
                          & (Counter.preferred == counts.preferred))
                for p in sorted(standing.products):
                    tx.update(Counter(dept_id, f"product#{p}"), actions=_grade_actions(old, new))
                tx.update(standing, actions=[Standing.grade.set(new.value),
                                             Standing.dept_grade.set(f"{dept_id}#{new.value}")],
                          condition=Standing.grade == old.value)
                tx.save(record)
                if proposal_id:
                    tx.update(GradeChange(customer_id, proposal_id), actions=[GradeChange.status.set("accepted")],
                              condition=GradeChange.status == "open")
                if old == Grade.VIP:  # INC-2: the downgrade due after an incident is done
                    resolve_downgrades(tx, ctx, dept_id, customer_id)
                tx.save(audit.event(ctx, "grade.changed", target_type="customer", target_id=customer_id,
                                    dept_id=dept_id, detail={"from": old.value, "to": new.value, "reason": reason,
                                                             "evaluation": record.evaluation_id,
                                                             "override": record.override_reason}))
            return record
        except TransactWriteError:
            time.sleep(random.uniform(0.001, 0.02))  # another change moved the counters first: read again
    raise Conflict(_l("Too many simultaneous changes in this department. Try again."))


def _open_proposal(dept_id: str, customer_id: str, proposal_id: str) -> GradeChange:
    """A proposal for this customer in this department (404 otherwise) that is still open (409 otherwise)."""
    try:
        proposal = GradeChange.get(customer_id, proposal_id) if proposal_id and len(proposal_id) <= 64 else None
    except DoesNotExist:
        proposal = None
    if proposal is None or proposal.dept_id != dept_id or proposal.kind != "proposal":
        raise NotFound()
    if proposal.status != "open":
        raise Conflict(_l("This proposal was decided already."))
    return proposal


def decline(ctx: Ctx, dept_id: str, customer_id: str, proposal_id: str, reason: str) -> None:
    """The leader declines a proposal, with a reason."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=customer_id)
    proposal = _open_proposal(dept_id, customer_id, proposal_id)
    try:
        with transaction() as tx:
            tx.update(proposal, actions=[GradeChange.status.set("declined")], condition=GradeChange.status == "open")
            tx.save(audit.event(ctx, "grade.proposal_declined", target_type="customer", target_id=customer_id,
                                dept_id=dept_id, detail={"proposal": proposal_id, "reason": reason}))
    except TransactWriteError as exc:
        raise Conflict(_l("This proposal was decided already.")) from exc


def end_standing(ctx: Ctx, dept_id: str, customer_id: str, reason: str) -> GradeChange:
    """A customer leaves the department (e.g. cancellation, OBL-1): never blocked by a quota (QTA-5)."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=customer_id)
    standing = get_standing(ctx, dept_id, customer_id, Perm.DECIDE_GRADES)
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Give the reason.")]})
    old = Grade(standing.grade)
    record = GradeChange(customer_id=customer_id, change_id=str(ULID.from_datetime(ctx.now)), dept_id=dept_id,
                         kind="left", from_grade=old.value, to_grade=None, reason=reason.strip(), by=ctx.actor.email,
                         at=ctx.now)
    with transaction() as tx:
        leaving_updates(tx, standing)
        tx.delete(standing)
        visits.cancel_planned(tx, ctx, customer_id, {dept_id}, record.reason)
        tx.save(record)
        tx.save(audit.event(ctx, "standing.ended", target_type="customer", target_id=customer_id, dept_id=dept_id,
                            detail={"grade": old.value, "reason": record.reason}))
    return record


def history(ctx: Ctx, customer_id: str, dept_id: str | None = None) -> list[GradeChange]:
    """GRD-6: a customer's grade history, newest first; staff outside MD see their own department's only."""
    actor = ctx.actor
    if actor.is_customer:
        if actor.customer_id != customer_id:
            raise NotFound()
        changes = [c for c in GradeChange.query(customer_id, scan_index_forward=False) if c.kind != "proposal"]
        return [c for c in changes if dept_id is None or c.dept_id == dept_id]
    scope = dept_id if dept_id else (None if actor.company_wide else actor.dept_id)
    authorize(ctx, Perm.VIEW_CUSTOMERS, scope, target=customer_id)
    check_customer_access(ctx, customer_id)
    return [c for c in GradeChange.query(customer_id, scan_index_forward=False) if scope is None or c.dept_id == scope]


def priorities(standings: list[Standing]) -> dict[str, int]:
    """RGT-2: the priority rank in each department the customer stands in (VIP 1, Preferred 2, Qualified 3)."""
    return {s.dept_id: rank(Grade(s.grade)) for s in standings}
