"""Forms of the staff blueprint."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, HiddenField, IntegerField, PasswordField
from wtforms.fields import SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from portal.domain.passwords import MAX_LENGTH
from portal.domain.roles import Role
from portal.web.forms import FreeText, PortalForm
from portal.web.labels import INCIDENT_LABELS, ROLE_LABELS
from portal.web.validators import NewPassword, Slug

ROLE_CHOICES = [SelectChoice(r.value, ROLE_LABELS[r]) for r in Role]
SLUG_HINT = _l("2-32 lower-case letters, digits or dashes, starting with a letter.")


class DepartmentForm(PortalForm):
    """A new department (MD only)."""

    dept_id = StringField(_l("Department id"), validators=[DataRequired(), Length(min=2, max=32), Slug()],
                          description=SLUG_HINT)
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])


class VersionedForm(PortalForm):
    """A form editing a record: carries the version it was loaded from (optimistic lock)."""

    version = IntegerField(widget=HiddenInput(), validators=[DataRequired(), NumberRange(min=1)])


class DepartmentEditForm(VersionedForm):
    """Rename a department."""

    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])


class StaffForm(PortalForm):
    """A new staff account with its initial password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()], validate_choice=False)
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=MAX_LENGTH), NewPassword()],
                             description=_l("8 to 128 characters; common passwords are refused."))


class StaffEditForm(VersionedForm):
    """Change a staff member's name or role."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()], validate_choice=False)


class ActiveForm(VersionedForm):
    """Disable or re-enable an account (the button's value says which)."""


class ProductForm(PortalForm):
    """A new product in a department's catalogue."""

    product_id = StringField(_l("Product id"), validators=[DataRequired(), Length(min=2, max=32), Slug()],
                             description=SLUG_HINT)
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])


class ProductEditForm(VersionedForm):
    """Rename, withdraw or restore a product."""

    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])
    active = BooleanField(_l("On sale"))
    vip_discount = IntegerField(_l("VIP discount %"), validators=[Optional(), NumberRange(min=0, max=100)],
                                description=_l("Each grade buys at its own price."))
    preferred_discount = IntegerField(_l("Preferred discount %"),
                                      validators=[Optional(), NumberRange(min=0, max=100)])
    qualified_discount = IntegerField(_l("Qualified discount %"),
                                      validators=[Optional(), NumberRange(min=0, max=100)])


class AuditFilterForm(PortalForm):
    """Filters of the audit page (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    day = DateField(_l("Day"), validators=[Optional()])
    actor = EmailField(_l("Who (e-mail)"), validators=[Optional(), Length(max=254)])
    dept = SelectField(_l("Department"), validators=[Optional(), Length(max=32)], validate_choice=False)
    action = StringField(_l("Action starts with"), validators=[Optional(), Length(max=64)])


class ProspectForm(PortalForm):
    """A prospect found by market research (ONB-2)."""

    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class AssignForm(VersionedForm):
    """Designate the person who checks the customer (ONB-3)."""

    assignee_id = SelectField(_l("Designated person"), validators=[DataRequired()], validate_choice=False)


class BackgroundForm(VersionedForm):
    """The designated person's background check (ONB-3)."""

    note = TextAreaField(_l("Background check"), validators=[DataRequired(), Length(max=4000)],
                         description=_l("What was checked, with sources; you answer for its truth."))


class ConditionForm(VersionedForm):
    """One ADM-2 condition, met or not, with its evidence."""

    code = HiddenField(validators=[DataRequired()])
    met = SelectField(_l("Finding"), choices=[SelectChoice("", _l("— not recorded —")), SelectChoice("yes", _l("Met")),
                                              SelectChoice("no", _l("Not met"))],
                      validators=[DataRequired()])  # starts on "not recorded": a careless click records nothing
    evidence_doc = SelectField(_l("Evidence document"), validators=[Optional()], validate_choice=False)
    contract_id = SelectField(_l("Signed purchase contract"), validators=[Optional(), Length(max=64)],
                              validate_choice=False)  # ADM-2 (c): one of the customer's contracts (REL-3)
    note = StringField(_l("Note"), validators=[FreeText(), Optional(), Length(max=1000)])


class DecisionForm(VersionedForm):
    """The department leader admits or rejects, with a reason."""

    decision = SelectField(_l("Decision"), choices=[SelectChoice("", _l("— choose —")),
                                                    SelectChoice("admit", _l("Admit")),
                                                    SelectChoice("reject", _l("Reject"))],
                           validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class DocumentTypeForm(PortalForm):
    """A kind of qualification document and who must provide it (MD)."""

    type_id = StringField(_l("Id"), validators=[DataRequired(), Length(min=2, max=32)], description=SLUG_HINT)
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])
    required_for = SelectMultipleField(_l("Required for"), validate_choice=False, widget=ListWidget(prefix_label=False),
                                       option_widget=CheckboxInput())
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


GRADE_CHOICES = [SelectChoice("VIP", "VIP"), SelectChoice("PREFERRED", _l("Preferred")),
                 SelectChoice("QUALIFIED", _l("Qualified"))]


class GradeForm(PortalForm):
    """The department leader's grade change (GRD-6), or a clerk's or rep's proposal of one."""

    grade = SelectField(_l("New grade"), choices=GRADE_CHOICES, validators=[DataRequired()], validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    evaluation_id = SelectField(_l("Evaluation behind it"), validators=[Optional()], validate_choice=False)
    override_reason = TextAreaField(
        _l("Product limit override"), validators=[Optional(), Length(max=2000)],
        description=_l("Only when a product's limit would be exceeded: the written reason."))
    no_evaluation_reason = TextAreaField(
        _l("Why promote without a recent evaluation"), validators=[Optional(), Length(max=2000)],
        description=_l("Only for a promotion with no evaluation from the last 6 months."))  # GRD-6
    proposal_id = HiddenField()


class EndStandingForm(PortalForm):
    """A customer leaves the department (QTA-5: never blocked by a quota)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class AcceptForm(PortalForm):
    """The leader accepts a proposal as it stands (its grade through the quota check)."""

    proposal_id = HiddenField(validators=[DataRequired()])
    no_evaluation_reason = TextAreaField(_l("Why promote without a recent evaluation"),
                                         validators=[Optional(), Length(max=2000)])  # GRD-6


class DeclineForm(PortalForm):
    """The leader declines a proposal."""

    proposal_id = HiddenField(validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[FreeText(), DataRequired(), Length(max=500)])


class BlacklistForm(PortalForm):
    """List a customer on the department's or the company blacklist (BLK-1, BLK-4)."""

    scope = SelectField(_l("Blacklist"), validators=[DataRequired()], validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    expires_on = DateField(_l("Ends on"), validators=[Optional()],
                           description=_l("Department lists: at most 6 months, the default. Company list: empty means "
                                          "until lifted."))


class ReasonOnlyForm(PortalForm):
    """A decision with a reason (lifting, approving a re-entry)."""

    reason = StringField(_l("Reason"), validators=[FreeText(), DataRequired(), Length(max=2000)])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


INCIDENT_CHOICES = [SelectChoice(k, INCIDENT_LABELS[k])
                    for k in ("poor_contract_execution", "late_payment", "operating_crisis", "major_loss")]


class IncidentForm(PortalForm):
    """INC-1: an incident against a customer in the department."""

    kind = SelectField(_l("Kind of incident"), choices=INCIDENT_CHOICES, validators=[DataRequired()],
                       validate_choice=False)
    description = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=4000)])


LEVEL_CHOICES = [SelectChoice("good", _l("Good")), SelectChoice("fair", _l("Fair")), SelectChoice("poor", _l("Poor"))]


class StageEvaluationForm(VersionedForm):
    """附件2 客户阶段评价表 (REV-1)."""

    contract_performance = SelectField(_l("Contract performance"), choices=LEVEL_CHOICES)
    payment = SelectField(_l("Payment timeliness"), choices=[
        SelectChoice("on_time", _l("On time")), SelectChoice("late", _l("Sometimes late")),
        SelectChoice("seriously_late", _l("Seriously late"))])
    integrity = SelectField(_l("Integrity"), choices=LEVEL_CHOICES)
    tickets = IntegerField(_l("Complaints and service tickets in the period"), default=0,
                           validators=[Optional(), NumberRange(min=0)])
    score = IntegerField(_l("Score (0–100)"), validators=[DataRequired(), NumberRange(min=0, max=100)])
    recommended = SelectField(_l("Recommended grade"), choices=GRADE_CHOICES)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ReviewDecisionForm(VersionedForm):
    """The leader's decision on a review (REV-3/4)."""

    grade = SelectField(_l("Grade from now on"), choices=GRADE_CHOICES)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class JobForm(PortalForm):
    """Run a scheduled function by hand (local and dev stages), optionally at another moment."""

    now = StringField(_l("As if it were (ISO-8601, optional)"), validators=[Optional(), Length(max=40)])


class ExportForm(PortalForm):
    """Ask for a CSV of the department's admitted customers (issue 12 item 4), optionally of one grade."""

    grade = SelectField(_l("Grade"), choices=[SelectChoice("", _l("All")), *GRADE_CHOICES],
                        validators=[Optional()])


class SearchForm(PortalForm):
    """The staff header's customer search (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search customers"), validators=[DataRequired(), Length(min=2, max=100)],
                    description=_l("Two or more characters of the name, or a credit code, contact, mobile or e-mail"))


REGISTER_STATUS_CHOICES = [SelectChoice("", _l("Any status")),
                           SelectChoice("registered", _l("Registered, never applied")),
                           SelectChoice("applied", _l("Applied")), SelectChoice("admitted", _l("Admitted")),
                           SelectChoice("blacklisted", _l("Blacklisted"))]


class RegisterFilterForm(PortalForm):
    """Filters of MD's customer register (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=REGISTER_STATUS_CHOICES, validators=[Optional()])
    department = SelectField(_l("Department"), validators=[Optional(), Length(max=32)], validate_choice=False)
    kind = SelectField(_l("Customer type"), validators=[Optional()], validate_choice=False)
