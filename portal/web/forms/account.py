"""Forms of accounts (issue 15 items 2-4): profile, a new e-mail address, the company's contact, colleagues and
invitations; the pages and the API share them."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange, Optional

from portal.domain.passwords import MAX_LENGTH
from portal.web.forms import PortalForm
from portal.web.validators import MainlandMobile, NewPassword

ROLE_CHOICES = [SelectChoice("member", _l("Member")), SelectChoice("admin", _l("Administrator"))]
LANGUAGE_CHOICES = [SelectChoice("zh", "中文"), SelectChoice("en", "English")]


class ProfileForm(PortalForm):
    """One's own name, mobile and language."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    mobile = StringField(_l("Mobile number"), validators=[Optional(), Length(max=20), MainlandMobile()],
                         description=_l("A mainland China mobile number, e.g. 138 0013 8000"))
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[DataRequired()])


class EmailChangeForm(PortalForm):
    """A new sign-in address: it takes effect once the link mailed to it is opened."""

    email = EmailField(_l("New e-mail address"), validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("We send a link to the new address; it replaces the old one when opened."))


class CompanyContactForm(PortalForm):
    """The company's contact and mailing address (its administrator; registration data is a change report)."""

    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=100)])
    mobile = StringField(_l("Mobile number"), validators=[DataRequired(), Length(max=20), MainlandMobile()])
    email = EmailField(_l("Contact e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    region = StringField(_l("Region"), validators=[DataRequired(), Length(max=100)],
                         description=_l("Province and city, e.g. Shanghai, Pudong New Area"))
    mailing_address = StringField(_l("Mailing address"), validators=[Optional(), Length(max=300)],
                                  description=_l("Where letters and goods go (the registered address is changed "
                                                 "by a change report)."))
    version = IntegerField(validators=[Optional(), NumberRange(min=1)], description="the company's version as read")


class InviteForm(PortalForm):
    """Invite a colleague by e-mail."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])


class ColleagueRoleForm(PortalForm):
    """Make a colleague administrator or member."""

    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])


class AcceptInvitationForm(PortalForm):
    """Accept an invitation: one's name and password."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH), NewPassword()],
                             description=_l("8 to 128 characters; common passwords are refused."))


class AcceptInvitationPageForm(AcceptInvitationForm):
    """The page's form also asks for the password twice."""

    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
