"""API for blacklists (BLK-1…7) and re-entry approval (BLK-6)."""

from __future__ import annotations

from flask import jsonify, request
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.api import bp
from portal.api.admission import application_json
from portal.api.schemas import QUERY_PARAMS
from portal.api.spec import operation
from portal.api.validation import parse, query_value
from portal.domain.roles import Perm
from portal.services import applications, blacklist
from portal.web import ctx
from portal.web.forms import FreeText, PortalForm


class ListingForm(PortalForm):
    """A listing: `scope` is "company" (MD) or a department id (its leader)."""

    customer_id = StringField(validators=[DataRequired(), Length(max=64)])
    scope = StringField(validators=[DataRequired(), Length(max=32)])
    reason = StringField(validators=[FreeText(), DataRequired(), Length(max=2000)])
    expires_on = DateField(validators=[Optional()],
                           description="YYYY-MM-DD, Asia/Shanghai; department lists at most 6 months")


class LiftForm(PortalForm):
    """Why a listing ends early."""

    reason = StringField(validators=[FreeText(), DataRequired(), Length(max=2000)])


class ReentryForm(PortalForm):
    """Company leadership's approval of a re-entry (BLK-6), on the application as read."""

    reason = StringField(validators=[FreeText(), DataRequired(), Length(max=2000)])
    version = IntegerField(validators=[DataRequired(), NumberRange(min=1)])


def entry_json(e) -> dict:
    """The API's view of a blacklist entry."""
    return {"id": e.entry_id, "customer": e.customer_id, "customer_name": e.customer_name, "scope": e.scope,
            "active": e.active, "reason": e.reason, "listed_by": e.listed_by, "listed_at": e.listed_at.isoformat(),
            "expires_on": e.expires_on, "ended_how": e.ended_how,
            "ended_at": e.ended_at.isoformat() if e.ended_at else None}


@operation(bp, "/blacklist", "POST", "List a customer (department leader: its department; MD: the company list)",
           form=ListingForm, response="BlacklistEntry", status=201, perm=Perm.VIEW_CUSTOMERS)
def blacklist_create():
    """List a customer; its standing in scope ends."""
    blacklist.check_keeps_a_list(ctx())
    form = parse(ListingForm)
    entry = blacklist.list_customer(ctx(), form.customer_id.data, form.scope.data, form.reason.data,
                                    form.expires_on.data)
    return jsonify(entry_json(entry)), 201


@operation(bp, "/blacklist", "GET", "A blacklist: `scope=company` (every staff user) or a department's",
           response="BlacklistList", query=("scope", "all", "cursor"), perm=Perm.VIEW_CUSTOMERS)
def blacklist_list():
    """The entries of one scope, newest first, a page at a time."""
    scope = request.args.get("scope") or "company"
    page = blacklist.entry_page(ctx(), scope, active_only=not query_value("all", QUERY_PARAMS["all"]),
                                cursor=request.args.get("cursor"))
    return jsonify({"items": [entry_json(e) for e in page.items], "cursor": page.cursor})


@operation(bp, "/blacklist/<entry_id>/lift", "POST", "End a listing early (no re-admission; BLK-6 re-entry)",
           form=LiftForm, response="BlacklistEntry", perm=Perm.VIEW_CUSTOMERS)
def blacklist_lift(entry_id: str):
    """Lift a listing."""
    entry = blacklist.get_entry(ctx(), entry_id)
    blacklist.check_scope(ctx(), entry.scope, entry_id)  # another department's entry: 403 before the body
    form = parse(LiftForm)
    return jsonify(entry_json(blacklist.lift(ctx(), entry_id, form.reason.data)))


@operation(bp, "/applications/<app_id>/reentry-approval", "POST",
           "Company leadership approves a re-entry after a blacklisting (BLK-6); with the department leader's "
           "admission it enters as 合格", form=ReentryForm, response="Application", perm=Perm.APPROVE_REENTRY)
def reentry_approve(app_id: str):
    """Leadership's second approval."""
    applications.get_application(ctx(), app_id)
    form = parse(ReentryForm)
    app = applications.approve_reentry(ctx(), app_id, form.reason.data, form.version.data)
    return jsonify(application_json(app))
