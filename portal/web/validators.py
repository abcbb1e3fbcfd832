"""WTForms validators for domain rules that also describe themselves as JSON Schema.

Each has a `json_schema` dict; the API document (`portal.api.form_schema`) merges it into the field's schema, so
what a form checks and what the OpenAPI document promises come from the same object and cannot drift.
"""

from __future__ import annotations

import re
from functools import cached_property

import phonenumbers
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.domain.customers import INVITATION_PATTERN, mainland_mobile, valid_credit_code
from portal.domain.org import ID_PATTERN, valid_slug
from portal.domain.passwords import MAX_LENGTH, MIN_LENGTH
from portal.domain.tickets import UPLOAD_ID_PATTERN

# JSON Schema patterns are searched, and `$` also matches before a final newline (Python and jsonschema alike):
# `(?!\n)` after it makes the end the real end, in ECMA 262 as in Python.
END = r"$(?!\n)"

# Something besides white space as str.strip() (so WTForms' DataRequired) sees it, spelt out: `\s` means less in
# ECMA 262 than in Python (no \x1c-\x1f, no \x85), and the fuzzer and a client may read the pattern either way.
_BLANKS = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = f"[^{_BLANKS}]"

# SEC-2 (portal.domain.text): no control character (Unicode Cc) nor bidirectional control in names and identifiers;
# free text may also hold tab and line breaks. As classes of what is refused, for the document's patterns.
_NAME_REFUSED = r"\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_FREE_TEXT_REFUSED = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"


def text_pattern(free_text: bool, required: bool) -> str:
    """The pattern of what PortalForm stores (and, when `required`, with something besides white space)."""
    refused = _FREE_TEXT_REFUSED if free_text else _NAME_REFUSED
    if not required:
        return f"^[^{refused}]*{END}"
    return f"^[^{refused}]*[^{refused}{_BLANKS}][^{refused}]*{END}"


CREDIT_CODE_FORMAT = "cn-uscc"
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V or Z


class Slug:
    """Department and product ids: 2-32 lower-case letters, digits or dashes, starting with a letter."""

    json_schema = {"pattern": ID_PATTERN.pattern}
    message = _l("2-32 lower-case letters, digits or dashes, starting with a letter.")

    def __call__(self, form, field):
        if field.data and not valid_slug(field.data):
            raise ValidationError(self.message)


class CreditCode:
    """统一社会信用代码: 18 characters with the GB 32100-2015 check digit (the format names the check digit)."""

    json_schema = {"pattern": f"^[0-9]{{8}}[0-9A-HJ-NPQRTUWXY]{{10}}{END}", "format": CREDIT_CODE_FORMAT}

    def __call__(self, form, field):
        if field.data and not valid_credit_code(field.data):
            raise ValidationError(_l("Not a valid unified social credit code: 18 characters with a correct check "
                                     "digit (GB 32100-2015)."))


class MainlandMobile:
    """A mainland China mobile number; the API takes it as digits, optionally after +86."""

    @cached_property
    def json_schema(self) -> dict:
        """phonenumbers' own pattern for Chinese mobile numbers, so the document follows its metadata."""
        mobile = phonenumbers.PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern
        return {"pattern": rf"^(?:\+86)?(?:{mobile}){END}",
                "description": "a mainland China mobile number: 11 digits, optionally after +86"}

    def __call__(self, form, field):
        if field.data and not mainland_mobile(field.data):
            raise ValidationError(_l("Not a mainland China mobile number."))


class NewPassword:
    """Describes the password policy (8-128 characters, not a common one) for the API document.

    The services enforce it (`services.auth.check_new_password`, which also compares the e-mail) in the same pass
    as their other checks, so a page shows every problem at once; the API checks the lengths against the schema.
    """

    json_schema = {"minLength": MIN_LENGTH, "maxLength": MAX_LENGTH, "format": "password",
                   "description": "8 to 128 characters, no control characters; common passwords are refused (422)"}

    def __call__(self, form, field):
        """Nothing here: see the class docstring."""


class Items:
    """Each item of a list field: some text of at most `max_length` characters."""

    def __init__(self, max_length: int):
        self.max_length = max_length
        self.json_schema = {"items": {"minLength": 1, "maxLength": max_length, "pattern": NOT_BLANK}}

    def __call__(self, form, field):
        for item in field.data or []:
            if not item.strip() or len(item) > self.max_length:
                raise ValidationError(_l("Each item: some text of at most %(n)s characters.", n=self.max_length))


class UploadIds:
    """Each item of a list field: the id of a file uploaded for a ticket being written (issue 17)."""

    json_schema = {"items": {"pattern": UPLOAD_ID_PATTERN}}

    def __call__(self, form, field):
        if any(not re.search(UPLOAD_ID_PATTERN, item or "") for item in field.data or []):
            raise ValidationError(_l("Choose the files again: one of them is not an upload of yours."))


class InvitationToken:
    """ONB-2: empty, or an invitation as the link carries it (whether it exists is the service's to say: 404)."""

    json_schema = {"pattern": f"^$(?!\\n)|{INVITATION_PATTERN}"}

    def __call__(self, form, field):
        if field.data and not re.search(INVITATION_PATTERN, field.data):
            raise ValidationError(_l("This invitation link is not valid or was used already."))
