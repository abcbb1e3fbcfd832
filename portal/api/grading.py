"""API for evaluations, grades, quotas, priorities and scorecards (GRD-*, QTA-*, RGT-2, SCP-1)."""

from __future__ import annotations

import json

from flask import jsonify, request
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from portal.api import bp
from portal.api.spec import operation
from portal.api.validation import checked_body, parse
from portal.domain.grading import Grade, rank
from portal.domain.roles import Perm
from portal.services import customers, evaluations, grade_facts, grading, scorecards
from portal.services.pages import timeline as timeline_pages
from portal.web import ctx
from portal.web.forms import FreeText, PortalForm
from portal.web.forms.staff import GradeForm

EVALUATION_BODY = {
    "type": "object", "required": ["values"], "additionalProperties": False,
    "properties": {
        "values": {"type": "object", "additionalProperties": {"type": ["number", "string"]},
                   "description": "indicator key -> value (a number, or one of its options)"},
        "hard": {"type": "object", "description": "hard criterion -> true when it happened in the period",
                 "additionalProperties": {"type": "boolean"}},
        "product_id": {"type": "string", "description": "use the department's scorecard for this product"},
        "reasons": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 500},
                    "description": "indicator key -> why its value differs from the value computed from the facts "
                                   "(required for each such override; a value left out takes the computed one)"},
    },
}
POINTS = {"type": "integer", "minimum": 0, "maximum": 100}
BAND = {"type": "object", "required": ["low", "points"], "properties": {
    "low": {"type": "number"}, "high": {"type": ["number", "null"]}, "points": POINTS}}
INDICATOR = {"type": "object", "required": ["key", "weight"], "properties": {
    "key": {"type": "string", "minLength": 1}, "name_zh": {"type": "string"}, "name_en": {"type": "string"},
    "unit": {"type": "string"}, "weight": POINTS, "bands": {"type": "array", "items": BAND},
    "options": {"type": "object", "additionalProperties": POINTS,
                "description": "choice (its Chinese wording) -> points"},
    "options_en": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "choice -> its English wording (optional; wordings of no choice are dropped)"}}}
SCORECARD_BODY = {
    "type": "object", "required": ["definition"], "additionalProperties": False,
    "properties": {"version": {"type": "integer"}, "definition": {
        "type": "object", "required": ["indicators"],
        "description": "GRD-5: keys unique, weights adding up to 100, each indicator scored by bands that run "
                       "upwards without gap or overlap, or by options; thresholds on the total for VIP and PREFERRED",
        "properties": {
            "indicators": {"type": "array", "minItems": 1, "items": INDICATOR},
            "thresholds": {"type": "object", "additionalProperties": False, "properties": {
                "VIP": {"type": "number"}, "PREFERRED": {"type": "number"}}},
            "caps": {"type": "object", "additionalProperties": {"type": "string", "enum": [g.value for g in Grade]}},
        }}},
}


class AcceptProposalForm(PortalForm):
    """Accepting a proposal: only when a product's limit would be exceeded, the written override (QTA-3)."""

    override_reason = StringField(validators=[FreeText(), Optional(), Length(max=2000)])
    no_evaluation_reason = StringField(validators=[FreeText(), Optional(), Length(max=2000)])


class ReasonForm(PortalForm):
    """A reason, e.g. for ending a standing."""

    reason = StringField(validators=[FreeText(), DataRequired(), Length(max=2000)])


def standing_json(s) -> dict:
    """The API's view of a standing, with its RGT-2 priority rank."""
    return {"department": s.dept_id, "customer": s.customer_id, "name": s.customer_name, "grade": s.grade,
            "priority_rank": rank(Grade(s.grade)), "products": sorted(s.products),
            "admitted_at": s.admitted_at.isoformat()}


def change_json(c) -> dict:
    """The API's view of a grade change (GRD-6)."""
    return {"id": c.change_id, "department": c.dept_id, "kind": c.kind, "status": c.status, "from": c.from_grade,
            "to": c.to_grade, "reason": c.reason, "evaluation": c.evaluation_id,
            "override_reason": c.override_reason, "no_evaluation_reason": c.no_evaluation_reason,
            "proposed_by": c.proposed_by, "by": c.by, "at": c.at.isoformat()}


@operation(bp, "/departments/<dept_id>/customers/<customer_id>", "GET", "A customer's standing in the department",
           response="Standing", perm=Perm.VIEW_CUSTOMERS)
def standing_get(dept_id: str, customer_id: str):
    """One standing."""
    return jsonify(standing_json(grading.get_standing(ctx(), dept_id, customer_id)))


@operation(bp, "/departments/<dept_id>/customers/<customer_id>/evaluations", "POST",
           "Fill the applicable scorecard; returns points per indicator, total and the proposed grade",
           body=EVALUATION_BODY, response="Evaluation", status=201, perm=Perm.EVALUATE)
def evaluation_create(dept_id: str, customer_id: str):
    """Evaluate a customer (GRD-5)."""
    grading.get_standing(ctx(), dept_id, customer_id, Perm.EVALUATE)
    body = checked_body(EVALUATION_BODY)
    e = evaluations.evaluate(ctx(), dept_id, customer_id, body["values"], body.get("hard") or {},
                             body.get("product_id"), reasons=body.get("reasons") or {})
    return jsonify(evaluation_json(e)), 201


def evaluation_json(e) -> dict:
    """The API's view of an evaluation: points, total, proposal, and each computed value with its source and
    each override with the computed value, the reason and who (issue 18 item 3)."""
    given = evaluations.inputs_of(e)
    computed = {k: {**c, "source_text": grade_facts.describe(c["source"], c["facts"])}
                for k, c in given["computed"].items()}
    return {"id": e.eval_id, "total": e.total, "points": json.loads(e.points), "proposed": e.proposed,
            "capped_by": e.capped_by.split(",") if e.capped_by else [], "values": given["values"],
            "hard": given["hard"], "computed": computed, "overrides": given["overrides"],
            "scorecard": {"scope": e.card_scope, "card_id": e.card_id, "version": e.card_version}}


@operation(bp, "/departments/<dept_id>/customers/<customer_id>/grade", "POST",
           "The department leader changes the grade (409 with the places left when a quota is full)",
           form=GradeForm, response="GradeChange", perm=Perm.DECIDE_GRADES)
def grade_change(dept_id: str, customer_id: str):
    """Change a grade (QTA-4: counters move in the same transaction)."""
    form = parse(GradeForm)
    change = grading.change(ctx(), dept_id, customer_id, form.grade.data, form.reason.data,
                            evaluation_id=form.evaluation_id.data or None, override_reason=form.override_reason.data,
                            proposal_id=form.proposal_id.data or None,
                            no_evaluation_reason=form.no_evaluation_reason.data or "")
    return jsonify(change_json(change))


@operation(bp, "/departments/<dept_id>/customers/<customer_id>/grade-proposals", "POST",
           "A clerk or rep proposes a grade for the leader to decide", form=GradeForm, response="GradeChange",
           status=201, perm=Perm.PROPOSE_GRADES)
def grade_propose(dept_id: str, customer_id: str):
    """Propose a grade."""
    form = parse(GradeForm)
    proposal = grading.propose(ctx(), dept_id, customer_id, form.grade.data, form.reason.data,
                               form.evaluation_id.data or None)
    return jsonify(change_json(proposal)), 201


@operation(bp, "/departments/<dept_id>/customers/<customer_id>/grade-proposals/<proposal_id>/accept", "POST",
           "The leader accepts a proposal: its grade goes through the quota check (409 with the places left when "
           "full) and the proposal closes", form=AcceptProposalForm, response="GradeChange",
           perm=Perm.DECIDE_GRADES)
def grade_proposal_accept(dept_id: str, customer_id: str, proposal_id: str):
    """Accept a proposal (GRD-6)."""
    form = parse(AcceptProposalForm)
    change = grading.accept(ctx(), dept_id, customer_id, proposal_id, form.override_reason.data or None,
                            form.no_evaluation_reason.data or "")
    return jsonify(change_json(change))


@operation(bp, "/departments/<dept_id>/customers/<customer_id>/grade-proposals/<proposal_id>/decline", "POST",
           "The leader declines a proposal, with a reason", form=ReasonForm, response="GradeChange",
           perm=Perm.DECIDE_GRADES)
def grade_proposal_decline(dept_id: str, customer_id: str, proposal_id: str):
    """Decline a proposal (GRD-6)."""
    form = parse(ReasonForm)
    return jsonify(change_json(grading.decline(ctx(), dept_id, customer_id, proposal_id, form.reason.data)))


@operation(bp, "/departments/<dept_id>/customers/<customer_id>/end", "POST",
           "End the customer's standing (never blocked by a quota, QTA-5)", form=ReasonForm, response="GradeChange",
           perm=Perm.DECIDE_GRADES)
def standing_end(dept_id: str, customer_id: str):
    """A customer leaves the department."""
    form = parse(ReasonForm)
    return jsonify(change_json(grading.end_standing(ctx(), dept_id, customer_id, form.reason.data)))


@operation(bp, "/departments/<dept_id>/quota", "GET", "Total, VIP, Preferred and their maxima (QTA-1/2), flags",
           response="Quota", perm=Perm.VIEW_CUSTOMERS)
def department_quota(dept_id: str):
    """The department's quota position."""
    return jsonify(grading.quota(ctx(), dept_id).as_json())


@operation(bp, "/customers/<customer_id>/grade-history", "GET",
           "GRD-6: every grade change, newest first, a page at a time (give `cursor` back for older ones)",
           response="GradeHistory", query=("cursor",))
def grade_history(customer_id: str):
    """A customer's grade history (its own users, or staff per SEC-1)."""
    page = grading.history_page(ctx(), customer_id, cursor=request.args.get("cursor"))
    return jsonify({"items": [change_json(c) for c in page.items], "cursor": page.cursor})


def _timeline_json(page) -> dict:
    return {"items": [{"at": e.at.isoformat(), "action": e.action, "detail": e.detail, "who": e.who,
                       "department": e.dept_id, "automatic": e.automatic} for e in page.events],
            "cursor": page.cursor}


@operation(bp, "/customers/<customer_id>/timeline", "GET",
           "Issue 17: every audited change of a customer's records in the departments the caller sees (staff per "
           "SEC-1), newest first, a page at a time", response="Timeline", query=("cursor",))
def customer_timeline(customer_id: str):
    """A customer's timeline, as the staff page shows it."""
    return jsonify(_timeline_json(timeline_pages.customer_timeline(ctx(), customer_id, request.args.get("cursor"))))


@operation(bp, "/timeline", "GET", "Issue 17: the caller's own company's timeline (what concerns it and is its to "
           "know: no proposals, scores, incidents, nor who listed it or why), newest first", response="Timeline",
           query=("cursor",))
def own_timeline():
    """The customer's own timeline, as /customer/timeline shows it."""
    return jsonify(_timeline_json(timeline_pages.own_timeline(ctx(), request.args.get("cursor"))))


@operation(bp, "/customers/<customer_id>/priorities", "GET",
           "RGT-2: the priority rank in each department (VIP 1, Preferred 2, Qualified 3), for order and ERP systems",
           response="Priorities")
def priorities(customer_id: str):
    """Priority ranks per department."""
    actor = ctx().actor
    standings = [s for s in customers.standings_of(ctx(), customer_id)
                 if actor.is_customer or actor.company_wide or s.dept_id == actor.dept_id]
    return jsonify({"items": [{"department": s.dept_id, "grade": s.grade, "priority_rank": rank(Grade(s.grade))}
                              for s in standings]})


@operation(bp, "/scorecards/<scope>/<card_id>", "GET",
           "A scorecard: `company`/`default`, or a department's (`default` or a product id); where the department has "
           "none of its own yet, the one that applies, as version 0", response="Scorecard", perm=Perm.VIEW_CUSTOMERS)
def scorecard_get(scope: str, card_id: str):
    """One scorecard."""
    record = scorecards.get_or_start(ctx(), scope, card_id)
    return jsonify({"scope": record.scope, "card_id": record.card_id, "version": int(record.version or 0),
                    "definition": json.loads(record.definition)})


@operation(bp, "/scorecards/<scope>/<card_id>", "PUT", "Save a scorecard (send the version you read; 409 when stale)",
           body=SCORECARD_BODY, response="Scorecard", perm=Perm.MANAGE_SCORECARDS)
def scorecard_put(scope: str, card_id: str):
    """MD saves the company default; a leader its department's."""
    scorecards.check_may_save(ctx(), scope, card_id)
    body = checked_body(SCORECARD_BODY)
    record = scorecards.save(ctx(), scope, card_id, json.dumps(body["definition"], ensure_ascii=False),
                             body.get("version"))
    return jsonify({"scope": record.scope, "card_id": record.card_id, "version": int(record.version),
                    "definition": json.loads(record.definition)})
