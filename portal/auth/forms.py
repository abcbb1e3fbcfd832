"""Forms of the sign-in blueprint."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from portal.domain.passwords import MAX_LENGTH
from portal.web.forms import PortalForm


class LoginForm(PortalForm):
    """E-mail and password, for staff and customers alike."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class PasswordChangeForm(PortalForm):
    """A signed-in user sets a new password."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                                 description=_l("8 to 128 characters; a long phrase is best."))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(),
                                        EqualTo("new_password", message=_l("The two passwords differ."))])


class ForgotForm(PortalForm):
    """Ask for a password-reset link."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetForm(PortalForm):
    """Set a new password through a reset link (page and API)."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             description=_l("8 to 128 characters; a long phrase is best."))


class TokenForm(LoginForm):
    """API sign-in: e-mail, password and, for an account using two-factor sign-in, a code (issue 15 item 5)."""

    code = StringField(_l("Code"), validators=[Optional(), Length(max=20)],
                       description=_l("The 6-digit code from your authenticator app, or a recovery code. Required "
                                      "when the account uses two-factor sign-in."))


class CodeForm(PortalForm):
    """A code from the authenticator app (or, at sign-in, a recovery code)."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
                       description=_l("6 digits from your authenticator app, or one of your recovery codes."))


class ConfirmForm(PortalForm):
    """A button that changes something (the CSRF token only)."""
