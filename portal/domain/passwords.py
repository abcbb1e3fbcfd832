"""Password policy: length 8-128, no composition rules, common passwords refused (NIST SP 800-63B)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

MIN_LENGTH = 8
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    """Load the common-password list once, on first use (never at import time)."""
    data = resources.files("portal.domain").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


def password_problem(password: str, *, email: str = "") -> str | None:
    """Return a problem code for a password that breaks the policy, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.strip() in _common_passwords():
        return "too_common"
    if email and lowered == email.lower():
        return "same_as_email"
    return None
