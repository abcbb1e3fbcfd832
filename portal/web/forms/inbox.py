"""The notification preferences form (issue 16), shared by the page and the API."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional

from portal.services.notification_kinds import GROUPS, MODE_LABELS, MODES
from portal.web.forms import PortalForm

MODE_CHOICES = [SelectChoice(m, _l(MODE_LABELS[m])) for m in MODES]
LOCALE_CHOICES = [SelectChoice("zh", "中文"), SelectChoice("en", "English")]


class PreferencesForm(PortalForm):
    """How each group of notifications is mailed (at once, in a daily digest, or not: inbox only), and the
    language of the mail. Groups left out keep their setting."""

    locale = SelectField(_l("Mail language"), choices=LOCALE_CHOICES, validators=[Optional()])


for _group in GROUPS:
    setattr(PreferencesForm, _group, SelectField(choices=MODE_CHOICES, validators=[Optional()]))


def modes_of(form: PreferencesForm, groups: list[str]) -> dict[str, str]:
    """The modes the form sets, for the groups the user may receive (others are left as they are)."""
    return {g: getattr(form, g).data for g in groups if getattr(form, g).data}
