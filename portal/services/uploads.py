"""What every upload shares: a safe file name, a random storage key, and the check of what was stored."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters import files
from portal.adapters.repos.customers import PENDING  # noqa: F401  (the sparse `pending` indexes' partition)
from portal.domain.customers import ACCEPTED_TYPES, upload_problem

INCOMING = "incoming/"  # where browsers upload; the bucket's lifecycle rule empties it after a day

REJECTIONS = {
    "missing": _l("Nothing was uploaded for this file. Please upload it again."),
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
    """The upload key nobody can guess: `incoming/prefix/record-random.ext`."""
    return f"{INCOMING}{prefix}/{record_id}-{secrets.token_hex(8)}{ACCEPTED_TYPES[content_type]}"


@dataclass(frozen=True)
class Checked:
    """The outcome of checking an upload: a problem code (None when sound), its size, and where the checked
    copy is kept (None when refused)."""

    problem: str | None
    size: int | None
    key: str | None


def check_stored(key: str, content_type: str) -> Checked:
    """Copy the upload to a key only the server writes, then check the copy (exists, size, real type). The
    presigned POST stays usable for minutes, so checking the upload key itself would let a checked file be
    replaced afterwards; the copy cannot be. The upload is deleted, and so is a refused copy: nothing stays
    stored without a verified record."""
    kept = key.removeprefix(INCOMING)
    if kept != key:
        copied = files.copy(key, kept)
        files.delete(key)
        if not copied:
            return Checked("missing", None, None)
    stored = files.inspect(kept)
    if stored is None:
        return Checked("missing", None, None)
    problem = upload_problem(content_type, stored.size, stored.first_bytes)
    if problem:
        files.delete(kept)
        return Checked(problem, stored.size, None)
    return Checked(None, stored.size, kept)


def rejection_message(reason: str | None) -> str | None:
    """Why an upload was refused, in the reader's language."""
    return str(REJECTIONS[reason]) if reason in REJECTIONS else None
