"""API for visits: the department's plan by day with each customer's grade (RGT-2), planning and recording them
(REL-2; made: not before the planned day)."""

from __future__ import annotations

from flask import jsonify, request
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from portal.api import bp
from portal.api.spec import operation
from portal.api.validation import parse
from portal.domain.roles import Perm
from portal.services import visits
from portal.web import ctx
from portal.web.forms import FreeText, PortalForm
from portal.web.forms.service import OUTCOME_CHOICES, VISIT_MODES


class ApiVisitForm(PortalForm):
    """Plan a visit to a customer of the department."""

    customer_id = StringField(validators=[DataRequired(), Length(max=64)])
    planned_on = DateField(validators=[Optional()], description="YYYY-MM-DD, Asia/Shanghai")
    mode = SelectField(choices=VISIT_MODES, validators=[DataRequired()])
    purpose = StringField(validators=[FreeText(), DataRequired(), Length(max=500)])
    assignee_id = StringField(validators=[DataRequired(), Length(max=64)], description="a staff member's user id")


class ApiVisitOutcomeForm(PortalForm):
    """What came of a visit."""

    outcome = SelectField(choices=OUTCOME_CHOICES, validators=[DataRequired()])
    notes = StringField(validators=[FreeText(), DataRequired(), Length(max=5000)])
    version = IntegerField(validators=[Optional()])


def visit_json(v, grade=None, overdue=None) -> dict:
    """The API's view of a visit (`overdue` on the plan: its day has passed)."""
    return {"id": v.visit_id, "department": v.dept_id, "customer": v.customer_id, "customer_name": v.customer_name,
            "planned_on": v.planned_on, "mode": v.mode, "purpose": v.purpose, "assignee": v.assignee_email,
            "status": v.status, "notes": v.notes, "grade": grade.value if grade else None, "version": v.version,
            **({"overdue": overdue} if overdue is not None else {})}


@operation(bp, "/departments/<dept_id>/visits", "GET",
           "Visits still to make by planned day, earliest (overdue) first, each with the grade held now (RGT-2)",
           response="VisitList", query=("cursor",), perm=Perm.VIEW_CUSTOMERS)
def department_visits(dept_id: str):
    """The department's visit plan, a page at a time."""
    page = visits.planned_page(ctx(), dept_id, request.args.get("cursor"))
    return jsonify({"items": [visit_json(p.visit, p.grade, p.overdue) for p in page.items], "cursor": page.cursor})


@operation(bp, "/departments/<dept_id>/visits", "POST", "Plan a visit to a customer of the department",
           form=ApiVisitForm, response="Visit", status=201, perm=Perm.PROPOSE_GRADES)
def visit_create(dept_id: str):
    """Plan a visit."""
    form = parse(ApiVisitForm)
    item = visits.plan(ctx(), dept_id, form.customer_id.data, planned_on=form.planned_on.data, mode=form.mode.data,
                       purpose=form.purpose.data, assignee_id=form.assignee_id.data)
    return jsonify(visit_json(item)), 201


@operation(bp, "/visits/<visit_id>/outcome", "POST",
           "Record a visit as made (from its planned day, with notes) or cancelled",
           form=ApiVisitOutcomeForm, response="Visit", perm=Perm.PROPOSE_GRADES)
def visit_outcome(visit_id: str):
    """Record a visit."""
    visits.check_may_record(ctx(), visits.get(ctx(), visit_id))
    form = parse(ApiVisitOutcomeForm)
    return jsonify(visit_json(visits.record(ctx(), visit_id, form.outcome.data, form.notes.data, form.version.data)))
