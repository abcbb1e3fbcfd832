"""The document review form (issue 17), shared by the staff page and the API (its OpenAPI schema derives from it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from portal.web.forms import PortalForm
from portal.web.validators import NOT_BLANK

REVIEW_CHOICES = [SelectChoice("", _l("— choose —")),
                  SelectChoice("confirm", _l("The content matches the customer's record: reviewed")),
                  SelectChoice("refuse", _l("Refuse it (the customer is told the reason)"))]


class DocumentReviewForm(PortalForm):
    """A person confirms a file-checked document's content or refuses it with a reason (nothing preselected)."""

    decision = SelectField(_l("Your review"), choices=REVIEW_CHOICES, validators=[DataRequired()])
    reason = TextAreaField(_l("Reason for refusing"), validators=[Optional(), Length(max=500)],
                           description=_l("Required when refusing; the customer reads it."))
    version = IntegerField(widget=HiddenInput(), validators=[DataRequired(), NumberRange(min=1)])
    json_schema = {"anyOf": [
        {"properties": {"decision": {"const": "confirm"}}},
        {"properties": {"decision": {"const": "refuse"}, "reason": {"pattern": NOT_BLANK}}, "required": ["reason"]},
    ]}

    def validate(self, extra_validators=None) -> bool:
        """The fields, then a reason when refusing."""
        valid = super().validate(extra_validators)
        if valid and self.decision.data == "refuse" and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, _l("Say why the document is refused: the customer reads it.")]
            return False
        return valid
