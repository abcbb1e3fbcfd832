"""Forms of the customer side: registration, document upload, admission application."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.domain.customers import HOSPITAL_LEVELS, CustomerType
from portal.domain.passwords import MAX_LENGTH
from portal.domain.tickets import MAX_ATTACHMENTS
from portal.web.forms import PortalForm
from portal.web.labels import HOSPITAL_LEVEL_LABELS, SCALE_LABELS
from portal.web.validators import CreditCode, InvitationToken, Items, MainlandMobile, NewPassword, UploadIds

KIND_CHOICES = [
    SelectChoice(CustomerType.ENTERPRISE.value, _l("Enterprise (distributor, dealer)")),
    SelectChoice(CustomerType.MEDICAL.value, _l("Medical institution")),
    SelectChoice(CustomerType.RETAIL.value, _l("Retail customer")),
    SelectChoice(CustomerType.INTERNAL.value, _l("Internal related party")),
]
SCALE_CHOICES = [SelectChoice(value, label) for value, label in SCALE_LABELS.items()]


class RegistrationForm(PortalForm):
    """A company registers with its first user."""

    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    credit_code = StringField(_l("Unified social credit code"),
                              validators=[DataRequired(), Length(max=30), CreditCode()],
                              description=_l("18 characters, as printed on the business licence."))
    kind = SelectField(_l("Customer type"), choices=KIND_CHOICES, validators=[DataRequired()], validate_choice=False)
    hospital_level = SelectField(_l("Hospital level (medical institutions)"),
                                 choices=[SelectChoice("", "—")]
                                 + [SelectChoice(x, HOSPITAL_LEVEL_LABELS[x]) for x in HOSPITAL_LEVELS],
                                 validators=[Optional()], validate_choice=False)
    beds = IntegerField(_l("Beds (medical institutions)"), validators=[Optional(), NumberRange(min=0, max=100000)])
    region = StringField(_l("Region"), validators=[DataRequired(), Length(max=100)],
                         description=_l("Province and city, e.g. Shanghai, Pudong New Area"))
    industry = StringField(_l("Industry"), validators=[DataRequired(), Length(max=100)])
    scale = SelectField(_l("Scale"), choices=SCALE_CHOICES, validators=[DataRequired()])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=100)])
    mobile = StringField(_l("Mobile number"), validators=[DataRequired(), Length(max=20), MainlandMobile()],
                         description=_l("A mainland China mobile number, e.g. 138 0013 8000"))
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH), NewPassword()],
                             description=_l("8 to 128 characters; common passwords are refused."))
    invitation = HiddenField(validators=[InvitationToken()])

    # ONB-1: a medical institution also gives its hospital level and beds (the API document says so too).
    json_schema = {"anyOf": [
        {"properties": {"kind": {"enum": [c.value for c in KIND_CHOICES if c.value != CustomerType.MEDICAL]}}},
        {"properties": {"kind": {"const": CustomerType.MEDICAL.value},
                        "hospital_level": {"enum": list(HOSPITAL_LEVELS)}},
         "required": ["hospital_level", "beds"]},
    ]}

    def validate(self, extra_validators=None):
        """The fields, then what a medical institution must give besides."""
        valid = super().validate(extra_validators)
        if self.kind.data == CustomerType.MEDICAL.value:
            if self.hospital_level.data not in HOSPITAL_LEVELS:
                self.hospital_level.errors = [*self.hospital_level.errors, _l("Choose the hospital level.")]
                valid = False
            if self.beds.data is None and not self.beds.errors:
                self.beds.errors = [*self.beds.errors, _l("Give the number of beds.")]
                valid = False
        return valid


class UploadRequestForm(PortalForm):
    """Details of a document whose file the browser then sends straight to S3."""

    type_id = StringField(_l("Document type"), validators=[DataRequired(), Length(max=64)])
    filename = StringField(_l("File"), validators=[DataRequired(), Length(max=255)])
    content_type = StringField(_l("File type"), validators=[Optional(), Length(max=100)])
    issue_date = DateField(_l("Issue date"), validators=[Optional()])
    expiry_date = DateField(_l("Expiry date"), validators=[Optional()])
    long_term = BooleanField(_l("Long-term"))


class AttachmentForm(PortalForm):
    """A file to attach to a ticket; the browser then sends it straight to S3."""

    filename = StringField(_l("File"), validators=[DataRequired(), Length(max=255)])
    content_type = StringField(_l("File type"), validators=[Optional(), Length(max=100)])


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for several choices."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplicationForm(PortalForm):
    """Apply for admission to one department, for some of its products (ADM-4)."""

    dept_id = SelectField(_l("Department"), validators=[DataRequired()], validate_choice=False)
    products = MultiCheckboxField(_l("Products"), validate_choice=False)


TICKET_KIND_CHOICES = [SelectChoice("complaint", _l("Complaint")), SelectChoice("service", _l("After-sales service")),
                       SelectChoice("dispute", _l("Dispute")), SelectChoice("consultation", _l("Consultation"))]


class TicketFilesMixin:
    """Files uploaded while the ticket is written (issue 17), shared by the page's and the API's ticket forms:
    the upload ids and, in the same order, the names the files had (a file without one is named by its place)."""

    files = SelectMultipleField(_l("Files"), validators=[Optional(), Length(max=MAX_ATTACHMENTS), UploadIds()],
                                validate_choice=False,
                                description="ids from POST /ticket-uploads, each file already sent to its url")
    file_names = SelectMultipleField(validators=[Optional(), Length(max=MAX_ATTACHMENTS), Items(max_length=200)],
                                     validate_choice=False,
                                     description="the name of each file, in the same order (missing: its number)")

    def named_files(self) -> list[tuple[str, str]]:
        """(upload id, name) of each file."""
        names = list(self.file_names.data or [])
        return [(upload_id, names[i] if i < len(names) else f"{i + 1}.{upload_id.rsplit('.', 1)[-1]}")
                for i, upload_id in enumerate(self.files.data or [])]


class TicketForm(TicketFilesMixin, PortalForm):
    """A ticket to a department the customer deals with, or to the company (RGT-1 b)."""

    dept_id = SelectField(_l("To"), validators=[DataRequired()], validate_choice=False)
    kind = SelectField(_l("Kind"), choices=TICKET_KIND_CHOICES, validators=[DataRequired()], validate_choice=False)
    category = SelectField(_l("Category"), validators=[Optional()], validate_choice=False)
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=10000)])


class ReplyForm(PortalForm):
    """A message on a ticket."""

    text = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=10000)])


class CloseForm(PortalForm):
    """CMP-3: confirm the resolution and rate it."""

    rating = IntegerField(_l("Satisfaction (1–5)"), validators=[DataRequired(), NumberRange(min=1, max=5)])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


class ReopenForm(PortalForm):
    """Not solved: back to the department."""

    reason = TextAreaField(_l("What is still wrong"), validators=[DataRequired(), Length(max=2000)])


class MisconductForm(PortalForm):
    """RGT-1 c: report another customer's fraud or misconduct (only MD reads it; you stay anonymous to others)."""

    subject_name = StringField(_l("Company reported"), validators=[DataRequired(), Length(max=200)])
    subject_credit_code = StringField(_l("Its unified social credit code, if known"),
                                      validators=[Optional(), Length(max=30)])
    description = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=10000)])


class ChangeReportForm(PortalForm):
    """OBL-1: report changes to the business registration, or its cancellation, with the new licence."""

    kind = SelectField(_l("Report"), choices=[
        SelectChoice("change", _l("A change to our registration")),
        SelectChoice("cancellation", _l("Cancellation of our registration"))], validate_choice=False)
    name = StringField(_l("New company name"), validators=[Optional(), Length(max=200)])
    legal_representative = StringField(_l("New legal representative"), validators=[Optional(), Length(max=100)])
    address = StringField(_l("New registered address"), validators=[Optional(), Length(max=300)])
    business_scope = TextAreaField(_l("New business scope"), validators=[Optional(), Length(max=2000)])
    licence_doc = SelectField(_l("New business licence (uploaded and verified)"), validators=[Optional()],
                              validate_choice=False)
