"""What every upload shares: a safe file name, a random storage key, and the check of what was stored."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters import files
from portal.adapters.repos.customers import PENDING  # noqa: F401  (the sparse `pending` indexes' partition)
from portal.adapters.uow import Unavailable
from portal.domain.customers import ACCEPTED_TYPES, upload_problem

log = logging.getLogger("portal.uploads")
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


def kept_key(key: str) -> str:
    """Where the server keeps its checked copy of the upload at `key`: one key per record, so a retry (or the
    clean-up job) finds and reuses the copy an interrupted check made, and never leaves a second one."""
    return key.removeprefix(INCOMING)


def check_stored(key: str, content_type: str) -> Checked:
    """Before the record is committed: copy the upload to a key only the server writes (once; an interrupted
    check's copy is reused), then check the copy (exists, size, real type). The presigned POST stays usable for
    minutes, so checking the upload key itself would let a checked file be replaced afterwards; the copy cannot
    be. A refused copy is deleted here (it is worth nothing); the upload itself is deleted only by `settle`,
    after the record that points at the copy is committed (issue 13: a failure between the two never loses a
    sound file)."""
    kept = kept_key(key)
    stored = files.inspect(kept)
    if stored is None and kept != key:
        if not files.copy(key, kept):
            return Checked("missing", None, None)
        stored = files.inspect(kept)
    if stored is None:
        return Checked("missing", None, None)
    problem = upload_problem(content_type, stored.size, stored.first_bytes)
    if problem:
        files.delete(kept)
        return Checked(problem, stored.size, None)
    return Checked(None, stored.size, kept)


def settle(key: str) -> None:
    """After the record is committed: delete the upload (the record points at the checked copy, or records the
    refusal). A failure here loses nothing and is not the answer's business: the bucket's lifecycle rule
    empties `incoming/` after a day, so the committed outcome is never reported as failed."""
    if key.startswith(INCOMING):
        try:
            files.delete(key)
        except Unavailable:
            log.warning("upload %s stays until the bucket's lifecycle rule removes it", key)


def after_conflict(key: str, current_key: str | None, finished: bool) -> None:
    """The record was finished by another check meanwhile: a copy it does not point at is removed (no orphan);
    one it points at (the same key: the other check kept it) stays."""
    kept = kept_key(key)
    if finished and kept != key and current_key != kept:
        try:
            files.delete(kept)
        except Unavailable:
            log.warning("checked copy %s left behind after a concurrent check", kept)


def rejection_message(reason: str | None) -> str | None:
    """Why an upload was refused, in the reader's language."""
    return str(REJECTIONS[reason]) if reason in REJECTIONS else None
