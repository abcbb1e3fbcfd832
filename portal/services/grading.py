"""Grade changes and quotas (GRD-1…6, QTA-1…5, SCP-1, RGT-2): every change moves the counters in its own
transaction, conditioned on the counts read, so concurrent promotions never overshoot (QTA-4)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.dynamics import Incidents
from portal.adapters.repos.grading import Counters, GradeChanges, Standings
from portal.adapters.uow import WriteConflict
from portal.domain.grading import Counts, Grade, change_allowed, maximum, over_quota, places_left, rank
from portal.domain.roles import Perm
from portal.services import audit, grade_notices, promotion_evidence, visits
from portal.services.access import authorize
from portal.services.context import Ctx, product_names
from portal.services.eligibility import blocked_scope
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.evaluations import check_evaluation
from portal.services.grade_history import history, history_page  # noqa: F401  (grading.history, …)
from portal.services.paging import Page, encode_cursor, parse_cursor

MAX_TRIES = 40
GRADE_NAMES = {Grade.VIP: _l("VIP"), Grade.PREFERRED: _l("Preferred"), Grade.QUALIFIED: _l("Qualified")}
NOT_ADMITTED = _l("This customer is not admitted in this department.")


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


def quota(ctx: Ctx, dept_id: str, uow=None) -> Quota:
    """The department's counts and limits (one Query over its counters)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    counts, products = (uow or ctx.uow()).repo(Counters).quota(dept_id)
    return Quota(dept_id, counts, products)


# --- standings ------------------------------------------------------------------------------------

def get_standing(ctx: Ctx, dept_id: str, customer_id: str, perm: Perm = Perm.VIEW_CUSTOMERS, uow=None):
    """A customer's standing in a department (SCP-1: grades live here, per department)."""
    authorize(ctx, perm, dept_id, target=customer_id)
    standing = (uow or ctx.uow()).repo(Standings).get(dept_id, customer_id)
    if standing is None:
        raise NotFound(NOT_ADMITTED)
    return standing


def _grade(value: str) -> Grade:
    try:
        return Grade(value)
    except ValueError as exc:
        raise Invalid(fields={"grade": [_l("Choose VIP, Preferred or Qualified.")]}) from exc


def by_grade(ctx: Ctx, dept_id: str, grade: str | None, cursor: str | None = None, limit: int = 50) -> Page:
    """The department's admitted customers, optionally of one grade, a page at a time (no Scan)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    repo, after = ctx.uow().repo(Standings), parse_cursor(cursor)
    if grade:
        items, last = repo.of_grade(dept_id, _grade(grade).value, after=after, limit=limit)
    else:
        items, last = repo.in_department(dept_id, after=after, limit=limit)
    return Page(items, encode_cursor(last) if last else None)


def all_standings(ctx: Ctx, dept_id: str, grade: str | None) -> list:
    """Every standing of the department (for the CSV export), optionally of one grade."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    return ctx.uow().repo(Standings).everyone(dept_id, _grade(grade).value if grade else None)


# --- proposals --------------------------------------------------------------------------------------

def propose(ctx: Ctx, dept_id: str, customer_id: str, grade: str, reason: str, evaluation_id: str | None):
    """A clerk or rep proposes a grade; the department leader decides (GRD-6)."""
    with ctx.uow() as uow:
        standing = get_standing(ctx, dept_id, customer_id, Perm.PROPOSE_GRADES, uow)
        new = _grade(grade)
        if not (reason or "").strip():
            raise Invalid(fields={"reason": [_l("Give the reason.")]})
        check_evaluation(uow, dept_id, customer_id, evaluation_id)
        proposal = records.GradeChange(
            customer_id=customer_id, change_id=str(ULID.from_datetime(ctx.now)), dept_id=dept_id, kind="proposal",
            status="open", from_grade=standing.grade, to_grade=new.value, reason=reason.strip(),
            evaluation_id=evaluation_id or None, by=ctx.actor.email, at=ctx.now)
        uow.repo(GradeChanges).record(proposal)
        audit.stage(uow, ctx, "grade.proposed", target_type="customer", target_id=customer_id, dept_id=dept_id,
                    detail={"from": standing.grade, "to": new.value, "reason": proposal.reason})
        uow.commit()
    return proposal


def open_proposals(ctx: Ctx, dept_id: str, customer_id: str) -> list:
    """Undecided proposals for a customer in a department."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=customer_id)
    return ctx.uow().repo(GradeChanges).open_proposals(dept_id, customer_id)


def _open_proposal(uow, dept_id: str, customer_id: str, proposal_id: str):
    """A proposal for this customer in this department (404 otherwise) that is still open (409 otherwise)."""
    proposal = uow.repo(GradeChanges).get(customer_id, proposal_id) if proposal_id and len(proposal_id) <= 64 \
        else None
    if proposal is None or proposal.dept_id != dept_id or proposal.kind != "proposal":
        raise NotFound()
    if proposal.status != "open":
        raise Conflict(_l("This proposal was decided already."))
    return proposal


def accept(ctx: Ctx, dept_id: str, customer_id: str, proposal_id: str, override_reason: str | None = None,
           no_evaluation_reason: str | None = ""):
    """The leader accepts a proposal with one click: the proposed grade goes through the quota check like any
    change, the proposal closes as accepted, and the history says who proposed it (GRD-6, QTA-1…4)."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=customer_id)
    proposal = _open_proposal(ctx.uow(), dept_id, customer_id, proposal_id)
    return change(ctx, dept_id, customer_id, proposal.to_grade, proposal.reason,
                  evaluation_id=proposal.evaluation_id, override_reason=override_reason, proposal_id=proposal_id,
                  proposed_by=proposal.by, no_evaluation_reason=no_evaluation_reason)


def decline(ctx: Ctx, dept_id: str, customer_id: str, proposal_id: str, reason: str):
    """The leader declines a proposal, with a reason; returns the proposal as it now stands."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=customer_id)
    with ctx.uow() as uow:
        proposal = _open_proposal(uow, dept_id, customer_id, proposal_id)
        uow.repo(GradeChanges).decide_proposal(customer_id, proposal_id, "declined")
        audit.stage(uow, ctx, "grade.proposal_declined", target_type="customer", target_id=customer_id,
                    dept_id=dept_id, detail={"proposal": proposal_id, "reason": reason})
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(_l("This proposal was decided already.")) from exc
    proposal.status = "declined"
    return proposal


# --- grade changes ----------------------------------------------------------------------------------

def _quota_message(new: Grade, counts: Counts) -> str:
    left = places_left(new, counts)
    return str(_l("The %(grade)s quota of this department is full: %(n)s of %(max)s places taken, %(left)s left.",
                  grade=GRADE_NAMES[new], n=counts.of(new), max=maximum(new, counts.total), left=left))


def change(ctx: Ctx, dept_id: str, customer_id: str, grade: str, reason: str, *, evaluation_id: str | None = None,
           override_reason: str | None = None, proposal_id: str | None = None, proposed_by: str | None = None,
           no_evaluation_reason: str | None = ""):
    """The department leader changes a grade within the quotas; counters move in the same transaction (QTA-4); a
    promotion cites a recent evaluation or says why not (GRD-6)."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=customer_id)
    new = _grade(grade)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(fields={"reason": [_l("Give the reason.")]})
    override = (override_reason or "").strip() or None
    for _attempt in range(MAX_TRIES):
        with ctx.uow() as uow:
            record = _stage_change(uow, ctx, dept_id, customer_id, new, reason, evaluation_id, override, proposal_id,
                                   proposed_by, no_evaluation_reason=no_evaluation_reason)
            try:
                uow.commit()
                return record
            except WriteConflict as exc:
                if "proposal" in exc.tags:
                    raise Conflict(_l("This proposal was decided already.")) from exc
        time.sleep(random.uniform(0.001, 0.02))  # another change moved the counters first: read again
    raise Conflict(_l("Too many simultaneous changes in this department. Try again."))


def _stage_change(uow, ctx: Ctx, dept_id: str, customer_id: str, new: Grade, reason: str, evaluation_id, override,
                  proposal_id, proposed_by=None, tell: bool = True, no_evaluation_reason: str | None = None):
    """Check a grade change against what is stored now and stage its writes; return the history record.
    `tell`: the customer hears of it (False: the caller tells it otherwise, e.g. a review's result);
    `no_evaluation_reason` None: a review (附件2) stands behind it, else GRD-6 asks for a recent evaluation."""
    if blocked_scope(uow, customer_id, dept_id):
        raise Forbidden(_l("The customer is blacklisted in this department and cannot be graded."))
    evaluation = check_evaluation(uow, dept_id, customer_id, evaluation_id)
    standing = get_standing(ctx, dept_id, customer_id, Perm.DECIDE_GRADES, uow)
    if proposal_id:  # only an open proposal for this customer in this department (SEC-1, GRD-6)
        _open_proposal(uow, dept_id, customer_id, proposal_id)
    old = Grade(standing.grade)
    if old == new:
        message = _l("The customer holds this grade already.")
        raise Conflict(message, fields={"grade": [message]})
    without = None if no_evaluation_reason is None else promotion_evidence.check(
        uow, ctx, dept_id, customer_id, old, new, evaluation, no_evaluation_reason)
    counters = uow.repo(Counters)
    counts = counters.department(dept_id)
    if not change_allowed(counts, old, new):
        raise Conflict(_quota_message(new, counts), fields={"grade": [_quota_message(new, counts)]})
    per_product = counters.products(dept_id, standing.products)  # one BatchGetItem, not a GetItem per product
    crowded = sorted(p for p in standing.products if not change_allowed(per_product[p], old, new))
    if crowded and not override:  # QTA-3: per product "in principle" — the leader may override in writing
        message = _l("Over the %(grade)s limit for product(s) %(products)s: give a written override reason.",
                     grade=GRADE_NAMES[new], products=product_names(uow, dept_id, crowded))
        raise Conflict(message, fields={"override_reason": [message]})
    record = records.GradeChange(
        customer_id=customer_id, change_id=str(ULID.from_datetime(ctx.now)), dept_id=dept_id, kind="change",
        from_grade=old.value, to_grade=new.value, reason=reason, override_reason=override if crowded else None,
        evaluation_id=evaluation.eval_id if evaluation else None, by=ctx.actor.email, at=ctx.now,
        proposed_by=proposed_by if proposal_id else None, no_evaluation_reason=without)
    counters.move(dept_id, standing.products, old, new, expected=counts)
    uow.repo(Standings).set_grade(standing, new)
    uow.repo(GradeChanges).record(record)
    if proposal_id:
        uow.repo(GradeChanges).decide_proposal(customer_id, proposal_id, "accepted")
    if old == Grade.VIP:  # INC-2: the downgrade due after an incident is done
        for incident in uow.repo(Incidents).open_downgrades_of(customer_id, dept_id):
            uow.repo(Incidents).downgrade_done(incident, ctx.now)
    audit.stage(uow, ctx, "grade.changed", target_type="customer", target_id=customer_id, dept_id=dept_id,
                detail={"from": old.value, "to": new.value, "reason": reason, "evaluation": record.evaluation_id,
                        "override": record.override_reason, "proposal": proposal_id, "proposed_by": proposed_by,
                        "no_evaluation_reason": without})
    if tell:
        grade_notices.grade_changed(uow, ctx, dept_id, customer_id, new)  # issue 16: the customer hears of it
    return record


def end_standing(ctx: Ctx, dept_id: str, customer_id: str, reason: str):
    """A customer leaves the department (e.g. cancellation, OBL-1): never blocked by a quota (QTA-5)."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=customer_id)
    if not (reason or "").strip():
        raise Invalid(fields={"reason": [_l("Give the reason.")]})
    with ctx.uow() as uow:
        standing = get_standing(ctx, dept_id, customer_id, Perm.DECIDE_GRADES, uow)
        old = Grade(standing.grade)
        record = records.GradeChange(
            customer_id=customer_id, change_id=str(ULID.from_datetime(ctx.now)), dept_id=dept_id, kind="left",
            from_grade=old.value, to_grade=None, reason=reason.strip(), by=ctx.actor.email, at=ctx.now)
        uow.repo(Counters).leave(dept_id, standing.products, old)
        uow.repo(Standings).end(standing)
        visits.stage_cancel_planned(uow, ctx, customer_id, {dept_id}, record.reason)
        uow.repo(GradeChanges).record(record)
        audit.stage(uow, ctx, "standing.ended", target_type="customer", target_id=customer_id, dept_id=dept_id,
                    detail={"grade": old.value, "reason": record.reason})
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(_l("This customer's standing changed meanwhile. Reload the page.")) from exc
    return record


def priorities(standings: list) -> dict[str, int]:
    """RGT-2: the priority rank in each department the customer stands in (VIP 1, Preferred 2, Qualified 3)."""
    return {s.dept_id: rank(Grade(s.grade)) for s in standings}
