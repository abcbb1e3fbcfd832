"""Forms of the staff blueprint for service: offline tickets, steps, SLAs, visits (CMP-1, CMP-2, RGT-2, REL-2)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from portal.web.forms import PortalForm
from portal.web.forms.customer import TICKET_KIND_CHOICES

CHANNEL_CHOICES = [SelectChoice("hotline", _l("Hotline")), SelectChoice("in_person", _l("In person")),
                   SelectChoice("email", _l("E-mail"))]
STEP_CHOICES = [SelectChoice("acknowledged", _l("Acknowledge")), SelectChoice("in_progress", _l("Working on it")),
                SelectChoice("resolved", _l("Resolved"))]
OUTCOME_CHOICES = [SelectChoice("done", _l("Made")), SelectChoice("cancelled", _l("Cancelled"))]


class OfflineTicketForm(PortalForm):
    """CMP-1: a ticket staff received by hotline, in person or by e-mail."""

    channel = SelectField(_l("Received by"), choices=CHANNEL_CHOICES, validate_choice=False)
    kind = SelectField(_l("Kind"), choices=TICKET_KIND_CHOICES, validate_choice=False)
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=10000)])


class StepForm(PortalForm):
    """Acknowledge, work on, or resolve a ticket (resolving needs a reply to the customer)."""

    status = SelectField(_l("Step"), choices=STEP_CHOICES, validate_choice=False)
    reply = TextAreaField(_l("Reply to the customer"), validators=[Optional(), Length(max=10000)])


class SlaForm(PortalForm):
    """CMP-2: categories, the responsible role and the working days allowed (shorter for VIP, RGT-2)."""

    categories = TextAreaField(_l("Categories (one per line)"), validators=[Optional(), Length(max=2000)],
                               description=_l("Give the English name after a bar, for English pages: "
                                              "Chinese name | Late delivery"))
    responsible_role = SelectField(_l("Responsible"), choices=[SelectChoice("rep", _l("Sales representative")),
                                                               SelectChoice("clerk", _l("Sales administrator")),
                                                               SelectChoice("dm", _l("Department leader")),
                                                               SelectChoice("md", _l("Marketing Division (MD)"))],
                                   validate_choice=False)
    first_response_days = IntegerField(_l("First response within (working days)"), validators=[InputRequired()])
    resolution_days = IntegerField(_l("Resolution within (working days)"), validators=[InputRequired()])
    vip_first_response_days = IntegerField(_l("VIP: first response within"), validators=[Optional()])
    vip_resolution_days = IntegerField(_l("VIP: resolution within"), validators=[Optional()])
    autoclose_days = IntegerField(_l("Close resolved tickets after (days without answer)"),
                                  validators=[InputRequired()])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


VISIT_MODES = [SelectChoice("on_site", _l("On site")), SelectChoice("phone", _l("By phone")),
               SelectChoice("online", _l("Online"))]


class VisitForm(PortalForm):
    """RGT-2 / REL-2: plan a visit to a customer of the department."""

    planned_on = DateField(_l("Day"), validators=[Optional()])
    mode = SelectField(_l("How"), choices=VISIT_MODES, validate_choice=False)
    assignee_id = SelectField(_l("Who goes"), choices=[], validate_choice=False)
    purpose = TextAreaField(_l("Purpose"), validators=[DataRequired(), Length(max=500)],
                            description=_l("e.g. follow-up on the last delivery, needs for next year"))


class VisitOutcomeForm(PortalForm):
    """What came of a visit: made (with notes) or cancelled (with the reason)."""

    outcome = SelectField(_l("Outcome"), choices=OUTCOME_CHOICES, validate_choice=False)
    notes = TextAreaField(_l("Notes"), validators=[DataRequired(), Length(max=5000)],
                          description=_l("What the customer said: satisfaction, needs, problems; or why it was "
                                         "cancelled"))
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
