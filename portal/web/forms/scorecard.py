"""The structured scorecard editor (附件1, GRD-5): indicators, weights, bands or options, thresholds and caps as
form fields instead of JSON. Each problem the domain finds is shown next to the part it concerns."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import Form
from wtforms.fields import (
    BooleanField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from portal.domain.grading import POLICY_CAPS, Grade, ScorecardError, scorecard_from_dict
from portal.web.forms import PortalForm

SPARE_ROWS = 2  # blank bands or choices offered under each indicator
SPARE_INDICATORS = 1  # blank indicators offered at the end
KINDS = [SelectChoice("number", _l("A number, scored by ranges")),
         SelectChoice("choice", _l("A choice, scored per answer"))]
SOURCES = [SelectChoice("entered", _l("Entered by staff")),
           SelectChoice("volume_wan", _l("Computed: order volume of the last 12 months (万元, ERP)")),
           SelectChoice("cooperation_years", _l("Computed: years since the first order, else since admission")),
           SelectChoice("late_payments", _l("Computed: late payments in the period (ERP and incidents)")),
           SelectChoice("overdue_pickups", _l("Computed: overdue pick-ups in the period (ERP)")),
           SelectChoice("overdue_90_wan", _l("Computed: receivables over 90 days overdue (万元, ERP)")),
           SelectChoice("payment_record", _l("Computed answer: payment record (best answer when nothing late, "
                                             "second after one late payment or pick-up, lowest otherwise)"))]
CAP_GRADES = [SelectChoice(Grade.QUALIFIED.value, _l("Qualified")),
              SelectChoice(Grade.PREFERRED.value, _l("Preferred"))]


class BandForm(Form):
    """One range of a number indicator: from `low` (inclusive) below `high` (empty: no upper end)."""

    low = FloatField(_l("From (inclusive)"), validators=[Optional()])
    high = FloatField(_l("Below (exclusive)"), validators=[Optional()])
    points = IntegerField(_l("Points"), validators=[Optional(), NumberRange(0, 100)])


class OptionForm(Form):
    """One answer of a choice indicator, with its English wording and its points."""

    label = StringField(_l("Answer (Chinese)"), validators=[Optional(), Length(max=100)])
    label_en = StringField(_l("Answer (English)"), validators=[Optional(), Length(max=100)])
    points = IntegerField(_l("Points"), validators=[Optional(), NumberRange(0, 100)])


class IndicatorForm(Form):
    """One indicator of the scorecard."""

    key = HiddenField()
    name_zh = StringField(_l("Indicator (Chinese)"), validators=[Optional(), Length(max=100)])
    name_en = StringField(_l("Indicator (English)"), validators=[Optional(), Length(max=100)])
    weight = IntegerField(_l("Weight (%)"), validators=[Optional(), NumberRange(0, 100)])
    kind = SelectField(_l("Scored as"), choices=KINDS, default="choice")
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)])
    source = SelectField(_l("Value"), choices=SOURCES, default="entered", validate_choice=False)  # the domain checks it
    remove = BooleanField(_l("Remove this indicator"))
    bands = FieldList(FormField(BandForm))
    options = FieldList(FormField(OptionForm))


class CapForm(Form):
    """A hard criterion and the best grade still possible when it is on record (GRD-2 b)."""

    key = HiddenField()
    grade = SelectField(_l("At most"), choices=CAP_GRADES, validate_choice=False)  # the domain checks it (cap_grade)


class ScorecardEditorForm(PortalForm):
    """The whole scorecard; `version` is the one the editor was loaded from (a stale save is refused)."""

    indicators = FieldList(FormField(IndicatorForm))
    vip = FloatField(_l("VIP from (points)"), validators=[Optional(), NumberRange(0, 100)])
    preferred = FloatField(_l("Preferred from (points)"), validators=[Optional(), NumberRange(0, 100)])
    caps = FieldList(FormField(CapForm))
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    definition: dict | None = None
    weight_errors: tuple = ()

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the scorecard as a whole (weights 100, bands without gap, thresholds in order)."""
        if not super().validate(extra_validators):
            return False
        self.definition, places = to_definition(self)
        try:
            scorecard_from_dict(self.definition)
        except ScorecardError as exc:
            self.place_error(exc, places)
            return False
        return True

    def place_error(self, exc: ScorecardError, places: list[int]) -> None:
        """Put a domain error next to the part it names (`indicators[2].bands` → that indicator's ranges)."""
        from portal.services.scorecards import MESSAGES  # the one wording of every scorecard problem

        template = MESSAGES.get(exc.code)
        message = str(template % exc.details if template else exc.code)
        found = re.match(r"indicators\[(\d+)\](?:\.(\w+))?", exc.path)
        if exc.code == "weights_not_100":  # the weights as a whole: shown at their total
            self.weight_errors = [message]
        elif found and int(found.group(1)) < len(places):
            entry = self.indicators.entries[places[int(found.group(1))]].form
            part = {"bands": entry.bands, "options": entry.options, "source": entry.source}.get(found.group(2) or "")
            target = entry.name_zh if part is None else part
            target.errors = [*target.errors, message] if isinstance(target.errors, list) else [message]
        elif exc.path.startswith("thresholds"):
            self.vip.errors = [message]
        elif exc.path.startswith("caps"):
            self.caps.errors = [message]
        else:  # no indicator at all
            self.form_errors.append(message)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40]


def _new_key(entry, taken: set[str], n: int) -> str:
    key = entry.key.data or _slug(entry.name_en.data or "") or f"indicator_{n + 1}"
    while key in taken:
        key = f"{key}_{n + 1}"
    return key


def to_definition(form: ScorecardEditorForm) -> tuple[dict, list[int]]:
    """The JSON form of what the editor holds (blank rows and removed indicators left out), and for each kept
    indicator its place in the form."""
    indicators, places, taken = [], [], set()
    for n, entry in enumerate(e.form for e in form.indicators.entries):
        blank = not (entry.name_zh.data or entry.name_en.data or entry.weight.data)
        if entry.remove.data or (blank and not entry.key.data):
            continue
        key = _new_key(entry, taken, n)
        taken.add(key)
        item = {"key": key, "name_zh": (entry.name_zh.data or "").strip(),
                "name_en": (entry.name_en.data or entry.name_zh.data or "").strip(),
                "weight": entry.weight.data or 0, "unit": (entry.unit.data or "").strip()}
        if entry.source.data and entry.source.data != "entered":
            item["source"] = entry.source.data
        if entry.kind.data == "number":
            item["bands"] = [{"low": b.low.data, "high": b.high.data, "points": b.points.data}
                             for b in (r.form for r in entry.bands.entries)
                             if b.low.data is not None or b.points.data is not None]
            item["bands"] = [b if b["points"] is not None and b["low"] is not None else {"low": None}
                             for b in item["bands"]]  # an incomplete range: malformed, shown at this indicator
        else:
            rows = [o for o in (r.form for r in entry.options.entries) if (o.label.data or "").strip()]
            item["options"] = {o.label.data.strip(): o.points.data for o in rows}
            item["options_en"] = {o.label.data.strip(): (o.label_en.data or "").strip() for o in rows}
        indicators.append(item)
        places.append(n)
    definition = {"indicators": indicators,
                  "thresholds": {Grade.VIP.value: form.vip.data, Grade.PREFERRED.value: form.preferred.data},
                  "caps": {c.form.key.data: POLICY_CAPS[c.form.key.data].value if c.form.key.data in POLICY_CAPS
                           else c.form.grade.data for c in form.caps.entries if c.form.key.data}}
    return definition, places


def editor_data(definition: dict) -> dict:
    """What the editor shows for a stored scorecard: its parts, plus blank rows and a blank indicator to fill."""
    indicators = []
    for ind in definition.get("indicators", []):
        names_en = ind.get("options_en") or {}
        indicators.append({
            "key": ind["key"], "name_zh": ind.get("name_zh", ""), "name_en": ind.get("name_en", ""),
            "weight": ind.get("weight"), "unit": ind.get("unit", ""),
            "kind": "choice" if ind.get("options") else "number", "source": ind.get("source") or "entered",
            "bands": list(ind.get("bands") or []) + [{}] * SPARE_ROWS,
            "options": [{"label": k, "label_en": names_en.get(k, ""), "points": v}
                        for k, v in (ind.get("options") or {}).items()] + [{}] * SPARE_ROWS})
    indicators += [{"bands": [{}] * SPARE_ROWS, "options": [{}] * SPARE_ROWS}] * SPARE_INDICATORS
    thresholds = definition.get("thresholds") or {}
    return {"indicators": indicators, "vip": thresholds.get("VIP"), "preferred": thresholds.get("PREFERRED"),
            "caps": [{"key": k, "grade": v} for k, v in (definition.get("caps") or {}).items()]}
