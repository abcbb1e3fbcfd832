"""Single-use links sent by e-mail (issue 15): password resets, e-mail verification, colleagues' invitations.

A link's token is "<owner id>.<random secret>"; only its SHA-256 is stored, on the record it opens, with an expiry.
A newer link replaces the stored hash (the older one is void), and using a link removes it under a condition on
that hash, so a link works once even when two requests race.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

MAX_TOKEN = 200  # longer tokens name nothing


def digest(token: str) -> str:
    """The SHA-256 a link's token is stored as."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(owner_id: str) -> tuple[str, str]:
    """A fresh link token naming its owner record, and the digest to store."""
    token = f"{owner_id}.{secrets.token_urlsafe(32)}"
    return token, digest(token)


def owner_of(token: str | None) -> str | None:
    """The id of the record a token claims to open (None for what cannot be a token)."""
    if not token or len(token) > MAX_TOKEN or "." not in token:
        return None
    return token.split(".", 1)[0] or None


def opens(stored_hash: str | None, expires: datetime | None, token: str, now: datetime) -> bool:
    """Does `token` match the stored, unexpired link (compared in constant time)?"""
    return bool(stored_hash and expires is not None and expires > now
                and hmac.compare_digest(stored_hash, digest(token)))
