"""Scorecard evaluations of a customer in a department, kept with the scorecard they used (GRD-5, GRD-2 b)."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.grading import Evaluations, Standings
from portal.domain.grade_facts import differs
from portal.domain.grading import ScorecardError, indicator_points, score
from portal.domain.roles import Perm
from portal.domain.text import text_problem
from portal.services import audit, grade_facts
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Invalid, NotFound
from portal.services.scorecards import card_for, scorecard_error_fields

MAX_REASON = 500
OVERRIDE_REASON = _l("You changed the computed value: give the reason.")


def _overrides(ctx: Ctx, computed: dict, values: dict, reasons: dict) -> tuple[dict, dict]:
    """Computed values fill what staff left empty; a value changed from the computed one is an override, kept
    with the computed value, the reason and who (issue 18 item 3). Returns (overrides, problems)."""
    overrides, problems = {}, {}
    for key, found in computed.items():
        if not differs(values.get(key), found.value):
            values[key] = found.value
            continue
        reason = str(reasons.get(key) or "").strip()
        if not reason or len(reason) > MAX_REASON or text_problem(reason):
            problems[f"why_{key}"] = [OVERRIDE_REASON if not reason else _l("At most 500 characters of plain text.")]
        overrides[key] = {"value": values[key], "computed": found.value, "reason": reason, "by": ctx.actor.email}
    return overrides, problems


def evaluate(ctx: Ctx, dept_id: str, customer_id: str, values: dict, hard: dict[str, bool],
             product_id: str | None = None, reasons: dict[str, str] | None = None):
    """Staff fill the applicable scorecard for a customer of their department; indicators computed from facts
    take their computed value unless overridden with a reason; facts tick the hard criteria they prove (GRD-5,
    GRD-2 b); the result is kept with its sources."""
    authorize(ctx, Perm.EVALUATE, dept_id, target=customer_id)
    with ctx.uow() as uow:
        standing = uow.repo(Standings).get(dept_id, customer_id)
        if standing is None:
            raise NotFound(_l("This customer is not admitted in this department."))
        scope, card_id, record, card = card_for(uow, dept_id, product_id or None)
        facts = grade_facts.gather(uow, standing, ctx.now)
        computed = grade_facts.computed_values(card, facts)
        values = dict(values)
        overrides, problems = _overrides(ctx, computed, values, reasons or {})
        for ind in card.indicators:  # every unanswered or wrong value at once, each at its field
            try:
                indicator_points(ind, values.get(ind.key))
            except ScorecardError as exc:
                problems.update(scorecard_error_fields(exc, prefix="v_"))
        if problems:
            raise Invalid(fields=problems)
        proven = facts.hard()
        hard = {**{k: bool(v) for k, v in hard.items()}, **{k: True for k, v in proven.items() if v}}
        try:
            result = score(card, values, hard)
        except ScorecardError as exc:
            raise Invalid(fields=scorecard_error_fields(exc, prefix="v_")) from exc
        evaluation = records.Evaluation(
            eval_id=str(ULID.from_datetime(ctx.now)), dept_id=dept_id, customer_id=customer_id, card_scope=scope,
            card_id=card_id, card_version=int(record.version or 1), card_definition=record.definition,
            inputs=json.dumps({"values": values, "hard": hard, "computed": grade_facts.as_json(computed),
                               "overrides": overrides, "proven": [k for k, v in proven.items() if v]},
                              ensure_ascii=False),
            points=json.dumps(result.points), total=result.total, proposed=result.proposed.value,
            capped_by=",".join(result.capped_by) or None, by=ctx.actor.email, at=ctx.now)
        uow.repo(Evaluations).record(evaluation)
        audit.stage(uow, ctx, "grade.evaluated", target_type="customer", target_id=customer_id, dept_id=dept_id,
                    detail={"evaluation": evaluation.eval_id, "total": result.total,
                            "proposed": result.proposed.value, "card": f"{scope}/{card_id}",
                            "grade_now": standing.grade, "overrides": overrides})
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


def inputs_of(evaluation) -> dict:
    """What an evaluation was given: values, hard criteria, computed values with their sources, overrides."""
    data = json.loads(evaluation.inputs or "{}")
    return {"values": data.get("values", {}), "hard": data.get("hard", {}), "computed": data.get("computed", {}),
            "overrides": data.get("overrides", {}), "proven": data.get("proven", [])}


def form_start(ctx: Ctx, standing, card, customer) -> tuple[dict, dict, dict]:
    """What the evaluation form starts with: registered facts, computed values (key → Computed) and the hard
    criteria the facts prove."""
    facts = grade_facts.gather(ctx.uow(), standing, ctx.now)
    computed = grade_facts.computed_values(card, facts)
    values = {**registered_values(card, customer), **{k: c.value for k, c in computed.items()}}
    return values, computed, {k: v for k, v in facts.hard().items() if v}
