"""Scorecard evaluations of a customer in a department, kept with the scorecard they used (GRD-5, GRD-2 b)."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.grading import Evaluations, Standings
from portal.domain.grading import ScorecardError, indicator_points, score
from portal.domain.roles import Perm
from portal.services import audit
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Invalid, NotFound
from portal.services.scorecards import card_for, scorecard_error_fields


def evaluate(ctx: Ctx, dept_id: str, customer_id: str, values: dict, hard: dict[str, bool],
             product_id: str | None = None):
    """Staff fill the applicable scorecard for a customer of their department; the result is kept (GRD-5)."""
    authorize(ctx, Perm.EVALUATE, dept_id, target=customer_id)
    with ctx.uow() as uow:
        standing = uow.repo(Standings).get(dept_id, customer_id)
        if standing is None:
            raise NotFound(_l("This customer is not admitted in this department."))
        scope, card_id, record, card = card_for(uow, dept_id, product_id or None)
        problems = {}
        for ind in card.indicators:  # every unanswered or wrong value at once, each at its field
            try:
                indicator_points(ind, values.get(ind.key))
            except ScorecardError as exc:
                problems.update(scorecard_error_fields(exc, prefix="v_"))
        if problems:
            raise Invalid(fields=problems)
        try:
            result = score(card, values, hard)
        except ScorecardError as exc:
            raise Invalid(fields=scorecard_error_fields(exc, prefix="v_")) from exc
        evaluation = records.Evaluation(
            eval_id=str(ULID.from_datetime(ctx.now)), dept_id=dept_id, customer_id=customer_id, card_scope=scope,
            card_id=card_id, card_version=int(record.version or 1), card_definition=record.definition,
            inputs=json.dumps({"values": values, "hard": {k: bool(v) for k, v in hard.items()}}, ensure_ascii=False),
            points=json.dumps(result.points), total=result.total, proposed=result.proposed.value,
            capped_by=",".join(result.capped_by) or None, by=ctx.actor.email, at=ctx.now)
        uow.repo(Evaluations).record(evaluation)
        audit.stage(uow, ctx, "grade.evaluated", target_type="customer", target_id=customer_id, dept_id=dept_id,
                    detail={"evaluation": evaluation.eval_id, "total": result.total,
                            "proposed": result.proposed.value, "card": f"{scope}/{card_id}",
                            "grade_now": standing.grade})
        uow.commit()
    return evaluation


def evaluations(ctx: Ctx, dept_id: str, customer_id: str, uow=None) -> list:
    """A customer's latest evaluations in a department, newest first."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=customer_id)
    return (uow or ctx.uow()).repo(Evaluations).of_standing(dept_id, customer_id)


def check_evaluation(uow, dept_id: str, customer_id: str, eval_id: str | None):
    """The evaluation a grade change or proposal cites: one of this customer in this department (or None)."""
    if not eval_id:
        return None
    evaluation = uow.repo(Evaluations).get(eval_id) if len(eval_id) <= 64 else None
    if evaluation is None or (evaluation.dept_id, evaluation.customer_id) != (dept_id, customer_id):
        raise Invalid(fields={"evaluation_id": [_l("Not an evaluation of this customer in this department.")]})
    return evaluation


ENTERPRISE_SCALES = {"large": "大型企业", "medium": "中型企业", "small": "小型企业", "micro": "微型企业"}


def registered_values(card, customer) -> dict:
    """What the evaluation form starts with: only facts the customer registered (its hospital level, or its size
    as an enterprise) where the scorecard has a matching answer; every judgement starts blank (issue 17 item 3)."""
    values = {}
    for ind in card.indicators:
        if ind.options:
            for fact in (customer.hospital_level, ENTERPRISE_SCALES.get(customer.scale or "")):
                if fact and fact in ind.options:
                    values[ind.key] = fact
                    break
    return values
