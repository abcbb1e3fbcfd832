"""Forms of "may we sell?" (issue 18 item 4) and of MD's device classes, shared by the pages and the API."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms.fields import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.domain.selling import DEVICE_CLASSES
from portal.web.forms import PortalForm

CLASS_LABELS = {"I": _l("Class I"), "II": _l("Class II"), "III": _l("Class III")}
CLASS_CHOICES = [SelectChoice(c, CLASS_LABELS[c]) for c in DEVICE_CLASSES]


class ProductClassForm(PortalForm):
    """MD sets one product's device class (the latest choice stands; each change audited with what it replaced)."""

    device_class = SelectField(_l("Device class"), choices=CLASS_CHOICES, validators=[DataRequired()])


class ClassRulesForm(PortalForm):
    """MD sets the document type each licensed class needs (choices: the document types, set by the view)."""

    class_iii_trader = SelectField(_l("Class III, trading companies"), validators=[DataRequired()],
                                   validate_choice=False)
    class_iii_medical = SelectField(_l("Class III, medical institutions"), validators=[DataRequired()],
                                    validate_choice=False)
    class_ii_trader = SelectField(_l("Class II, trading companies"), validators=[DataRequired()],
                                  validate_choice=False)
    class_ii_medical = SelectField(_l("Class II, medical institutions"), validators=[DataRequired()],
                                   validate_choice=False)


class EligibilityForm(PortalForm):
    """One question: a customer (by its credit code), a department and one of its products."""

    customer = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=32)],
                           description=_l("The customer's 18-character unified social credit code."))
    department = SelectField(_l("Department"), validators=[DataRequired()], validate_choice=False)
    product = SelectField(_l("Product"), validators=[DataRequired()], validate_choice=False)


class EligibilityBatchForm(PortalForm):
    """Up to 100 questions, pasted as lines or uploaded as a small CSV: credit code, department, product."""

    lines = TextAreaField(_l("Questions, one per line"), validators=[Optional(), Length(max=20000)],
                          description=_l("Credit code, department, product — separated by commas; department and "
                                         "product by their names or ids. At most 100 lines."))
    file = FileField(_l("Or a CSV file (UTF-8, the same three columns)"))
