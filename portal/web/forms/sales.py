"""The import form of the ERP's orders and receivables (issue 18 item 2): which records, and the file (CSV or .xlsx,
the template's columns). The API takes the same rows as JSON (portal.api.sales)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms.fields import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from portal.web.forms import PortalForm

KIND_LABELS = {"orders": _l("Orders"), "receivables": _l("Receivables (invoices)")}


class SalesImportForm(PortalForm):
    """One file of orders or of receivables, checked whole before anything is imported."""

    kind = SelectField(_l("What the file holds"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()],
                       validators=[DataRequired()])
    file = FileField(_l("File (CSV or Excel .xlsx, the template's columns)"),
                     validators=[FileRequired(_l("Choose a file."))])


class SalesUploadForm(PortalForm):
    """A large file (up to 10 MB) to upload straight to the bucket and import in the background: which records and
    the file's name (.csv or .xlsx; only its ending is used)."""

    kind = SelectField(_l("What the file holds"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()],
                       validators=[DataRequired()])
    filename = StringField(_l("File name"), validators=[DataRequired(), Length(max=200)])
    content_type = StringField(_l("File type"), validators=[Optional(), Length(max=200)])
