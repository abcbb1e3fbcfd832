"""What every upload shares: a safe file name, a random storage key, and the check of what was stored."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters import files
from portal.domain.customers import ACCEPTED_TYPES, upload_problem

PENDING = "up"  # the sparse `pending` indexes' one partition: uploads requested and not yet checked

REJECTIONS = {
    "missing": _l("Nothing was uploaded for this document. Please upload the file again."),
    "empty": _l("The uploaded file is empty."),
    "too_large": _l("The file is larger than 10 MB."),
    "wrong_type": _l("The file's content is not a real PDF, JPEG or PNG of the declared type."),
}


def clean_name(filename: str | None) -> str:
    """The file's own name without any path the browser sent, at most 200 characters."""
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]


def file_problems(filename: str | None, content_type: str | None) -> dict:
    """Field errors for a file about to be uploaded (type accepted, a name given)."""
    if content_type not in ACCEPTED_TYPES:
        return {"file": [_l("Only PDF, JPEG or PNG files are accepted.")]}
    if not clean_name(filename):
        return {"file": [_l("Choose a file.")]}
    return {}


def new_key(prefix: str, record_id: str, content_type: str) -> str:
    """A storage key nobody can guess: `prefix/record-random.ext`."""
    return f"{prefix}/{record_id}-{secrets.token_hex(8)}{ACCEPTED_TYPES[content_type]}"


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a stored upload: a problem code (None when sound) and its size."""

    problem: str | None
    size: int | None


def check_stored(key: str, content_type: str) -> Checked:
    """Look at what S3 holds under `key` (exists, size, real type); a refused object is deleted at once,
    so nothing stays stored without a verified record."""
    stored = files.inspect(key)
    if stored is None:
        return Checked("missing", None)
    problem = upload_problem(content_type, stored.size, stored.first_bytes)
    if problem:
        files.delete(key)
    return Checked(problem, stored.size)


def rejection_message(reason: str | None) -> str | None:
    """Why an upload was refused, in the reader's language."""
    return str(REJECTIONS[reason]) if reason in REJECTIONS else None
