"""Form helpers shared by the blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm

from portal.services.errors import Conflict, Invalid, ServiceError

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
