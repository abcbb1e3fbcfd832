"""Form helpers shared by the blueprints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, TextAreaField

from portal.domain.text import text_problem
from portal.services.errors import Conflict, Invalid, ServiceError

TEXT_MESSAGES = {
    "control": _l("Remove the control characters (such as NUL) from this text."),
    "bidi": _l("Remove the hidden text-direction characters (U+202A–U+202E, U+2066–U+2069) from this text."),
}


class FreeText:
    """Marks a text field as free text (notes, reasons): tab and line breaks are allowed in it."""

    field_flags = {"free_text": True}

    def __call__(self, form, field) -> None:
        """Nothing to check beyond the form's own text rule."""


def is_free_text(field: Field) -> bool:
    return isinstance(field, TextAreaField) or bool(getattr(field.flags, "free_text", False))


class PortalForm(FlaskForm):
    """Every form of the portal: besides its own validators, no text field may hold control characters, and names
    and identifiers no bidirectional overrides (SEC-2); the field is named in the error (422 in the API)."""

    def validate(self, extra_validators=None) -> bool:
        """The fields' validators, then the text rule on every string the form received."""
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and field.name != "csrf_token":
                problem = text_problem(field.data, free_text=is_free_text(field))
                if problem:
                    field.errors = [*field.errors, TEXT_MESSAGES[problem]]
                    valid = False
        return valid

# Errors a form shows next to its fields; Forbidden and NotFound become 403 and 404 pages instead.
FORM_ERRORS = (Invalid, Conflict)


def apply_errors(form: FlaskForm, exc: ServiceError) -> str | None:
    """Put a service error's field messages next to their fields; return what belongs to no field."""
    leftover = None
    for name, messages in exc.fields.items():
        field = getattr(form, name, None)
        if field is None:
            leftover = str(messages[0])
        else:
            field.errors = [str(m) for m in messages]
    if not exc.fields:
        leftover = str(exc.message)
    return leftover


def first_message(exc: ServiceError) -> str:
    """The first field message of an error, or its message: for forms with one input per row."""
    return str(next(iter(exc.fields.values()))[0]) if exc.fields else str(exc.message)
