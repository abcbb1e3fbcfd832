"""Scorecards (附件1): MD keeps the company default, a department may define its own, per product (GRD-5)."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

from portal.adapters import records
from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.grading import Scorecards
from portal.adapters.repos.org import Products
from portal.adapters.uow import WriteConflict
from portal.domain.grading import DEFAULT_SCORECARD, Scorecard, ScorecardError, scorecard_from_dict, scorecard_to_dict
from portal.domain.roles import Perm
from portal.services import audit
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound

COMPANY = "company"
MESSAGES = {
    "weights_not_100": _l("The weights add up to %(total)s, not 100."),
    "band_gap": _l("The bands leave a gap between %(start)s and %(end)s."),
    "band_overlap": _l("The bands overlap at %(at)s."),
    "band_range": _l("A band must run upwards and give 0 to 100 points."),
    "points_range": _l("Points must be between 0 and 100."),
    "thresholds_order": _l("Thresholds need 0 ≤ Preferred < VIP ≤ 100."),
    "cap_grade": _l("A hard criterion caps at Preferred or Qualified."),
    "policy_cap": _l("A late payment or an overdue pick-up caps the grade at Qualified."),
    "duplicate_key": _l("Two indicators have the same key."),
    "empty": _l("This part is empty."),
    "malformed": _l("This part is not written as expected."),
    "not_an_object": _l("The scorecard must be a JSON object."),
    "out_of_range": _l("The value %(value)s is outside every band (negative?)."),
    "not_a_number": _l("Enter a number."),
    "not_an_option": _l("Choose one of the options."),
    "bad_source": _l("This fact cannot give this kind of value: a number needs a computed number, a choice the "
                      "payment record."),
    "bad_text": _l("Remove the control or hidden text-direction characters from the names."),
}


def error_message(exc: ScorecardError) -> str:
    """A ScorecardError in the reader's language."""
    template = MESSAGES.get(exc.code)
    return f"{exc.path}: {template % exc.details if template else exc.code}"


def scorecard_error_fields(exc: ScorecardError, prefix: str = "") -> dict:
    """Field errors for an evaluation form (fields named `prefix + indicator key`)."""
    template = MESSAGES.get(exc.code)
    return {f"{prefix}{exc.path}": [template % exc.details if template else exc.code]}


def _default_record():
    definition = json.dumps(DEFAULT_SCORECARD, ensure_ascii=False)
    return records.ScorecardRecord(scope=COMPANY, card_id="default", definition=definition, updated_by="system",
                                   version=0)


def card_for(uow, dept_id: str, product_id: str | None) -> tuple[str, str, object, Scorecard]:
    """The scorecard that applies: the department's for the product, its default, else the company default."""
    candidates = ([(dept_id, product_id)] if product_id else []) + [(dept_id, "default"), (COMPANY, "default")]
    found = {(r.scope, r.card_id): r for r in uow.repo(Scorecards).many(candidates)}  # one BatchGetItem
    for scope, card_id in candidates:
        record = found.get((scope, card_id))
        if record is not None:
            return scope, card_id, record, scorecard_from_dict(json.loads(record.definition))
    return COMPANY, "default", _default_record(), scorecard_from_dict(DEFAULT_SCORECARD)


def visible(ctx: Ctx, dept_ids: list[str]) -> list:
    """The company default and the scorecards of the given departments."""
    authorize(ctx, Perm.VIEW_CUSTOMERS)
    repo = ctx.uow().repo(Scorecards)
    found = repo.of_scope(COMPANY) or [_default_record()]
    for dept_id in dept_ids:
        authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id)
        found += repo.of_scope(dept_id)
    return found


def get(ctx: Ctx, scope: str, card_id: str):
    """One scorecard (the company default exists even before MD first saves it)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, None if scope == COMPANY else scope, target=f"{scope}/{card_id}")
    record = ctx.uow().repo(Scorecards).get(scope, card_id)
    if record is not None:
        return record
    if (scope, card_id) == (COMPANY, "default"):
        return _default_record()
    raise NotFound()


def parse(text: str) -> Scorecard:
    """Read a scorecard from the editor's JSON; every problem names its place (field `definition`)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        message = _l("Not valid JSON (line %(line)s, column %(col)s).", line=getattr(exc, "lineno", "?"),
                     col=getattr(exc, "colno", "?"))
        raise Invalid(fields={"definition": [message]}) from exc
    try:
        return scorecard_from_dict(data)
    except ScorecardError as exc:
        raise Invalid(fields={"definition": [error_message(exc)]}) from exc


def check_may_save(ctx: Ctx, scope: str, card_id: str) -> None:
    """MD keeps the company default; a department leader (or MD) the department's scorecards (GRD-5)."""
    if scope == COMPANY:
        authorize(ctx, Perm.MANAGE_COMPANY_STANDARDS, target="company scorecard")
    else:
        authorize(ctx, Perm.MANAGE_SCORECARDS, scope, target=f"{scope}/{card_id}")


def save(ctx: Ctx, scope: str, card_id: str, text: str, version: int | None):
    """Save a scorecard: MD the company's, a leader its department's. Past evaluations keep their copy."""
    check_may_save(ctx, scope, card_id)
    with ctx.uow() as uow:
        if (scope == COMPANY and card_id != "default") or (
                scope != COMPANY and card_id != "default" and uow.repo(Products).find(scope, card_id) is None):
            raise NotFound()
        card = parse(text)
        record = uow.repo(Scorecards).get(scope, card_id)
        if record is None:
            if version not in (None, 0):
                raise Conflict()
            record = records.ScorecardRecord(scope=scope, card_id=card_id)
        elif version is None or int(version) != int(record.version):
            raise Conflict()
        record.definition = json.dumps(scorecard_to_dict(card), ensure_ascii=False)
        record.updated_by, record.updated_at = ctx.actor.email, ctx.now
        uow.repo(Scorecards).save(record)
        audit.stage(uow, ctx, "scorecard.saved", target_type="scorecard", target_id=f"{scope}/{card_id}",
                    dept_id=None if scope == COMPANY else scope)
        try:
            uow.commit()
        except WriteConflict as exc:  # saved by someone else meanwhile
            raise Conflict() from exc
    return record


def get_or_start(ctx: Ctx, scope: str, card_id: str):
    """A scorecard, or (for a department that has none yet) an unsaved copy of the one that applies now."""
    try:
        return get(ctx, scope, card_id)
    except NotFound:
        uow = ctx.uow()
        catalogue = uow.repo(Catalogue).read()  # one GetItem: no such department or product → 404
        if scope == COMPANY or catalogue.department(scope) is None or (
                card_id != "default" and card_id not in {p.product_id for p in catalogue.products_of(scope)}):
            raise
        _scope, _card_id, current, _card = card_for(uow, scope, None if card_id == "default" else card_id)
        return records.ScorecardRecord(scope=scope, card_id=card_id, definition=current.definition, version=0)
