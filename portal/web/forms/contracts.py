"""Forms of contracts (REL-3), shared by the staff pages and the API (its OpenAPI document is derived from them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.domain.contracts import MAX_AMOUNT, MAX_NO, MAX_REASON, MAX_TITLE
from portal.web.forms import FreeText, PortalForm


class ContractTermsForm(PortalForm):
    """A version's terms: a new contract, a draft's changes, or an amendment (with what it changes)."""

    contract_no = StringField(_l("Contract number"), validators=[FreeText(), DataRequired(), Length(max=MAX_NO)])
    title = StringField(_l("Title"), validators=[FreeText(), DataRequired(), Length(max=MAX_TITLE)])
    amount = IntegerField(_l("Amount (yuan)"), validators=[DataRequired(), NumberRange(min=1, max=MAX_AMOUNT)])
    start_date = DateField(_l("Start date"), validators=[DataRequired()], description="YYYY-MM-DD, Asia/Shanghai")
    end_date = DateField(_l("End date"), validators=[DataRequired()], description="YYYY-MM-DD, Asia/Shanghai")
    note = StringField(_l("What the amendment changes"),
                       validators=[FreeText(), Optional(), Length(max=MAX_REASON)])
    version = IntegerField(validators=[Optional()])


class ContractNewForm(ContractTermsForm):
    """A new contract through the API: the terms and the customer (the page has the customer in its address)."""

    customer_id = StringField(validators=[DataRequired(), Length(max=64)], description="the customer's id")


class ContractStepForm(PortalForm):
    """A step without terms: submit or approve (the version read, so a step on a changed contract is refused)."""

    version = IntegerField(validators=[Optional()])


class ContractReasonForm(PortalForm):
    """Send back or terminate, saying why."""

    reason = StringField(_l("Reason"), validators=[FreeText(), DataRequired(), Length(max=MAX_REASON)])
    version = IntegerField(validators=[Optional()])


class ContractSignForm(PortalForm):
    """Record the signing: the customer's signed scan, uploaded as a document, checked and confirmed."""

    doc_id = StringField(_l("Signed scan"), validators=[DataRequired(), Length(max=64)])
    version = IntegerField(validators=[Optional()])


class ContractSignPageForm(ContractSignForm):
    """The page's signing form: the scan chosen among the customer's confirmed signed contracts."""

    doc_id = SelectField(_l("Signed scan"), validators=[DataRequired(), Length(max=64)], validate_choice=False)


class ContractThresholdForm(PortalForm):
    """MD: above this amount MD approves contracts instead of the department leader."""

    amount = IntegerField(_l("Amount above which the Marketing Division approves (yuan)"),
                          validators=[DataRequired(), NumberRange(min=1, max=MAX_AMOUNT)])
