"""Two-factor sign-in with TOTP (RFC 6238, issue 15 item 5): which time-step a code matches, never one used before
(a code is not replayable), and the shape of recovery codes. Pure: the secret and the clock come in."""

from __future__ import annotations

import hmac
import re
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code from the step before or after still counts (phones' clocks drift)
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without mistakes


def step_at(now: datetime) -> int:
    """The TOTP time-step `now` falls in."""
    return int(now.timestamp()) // STEP_SECONDS


def normalise_code(code: str | None) -> str:
    """A code as typed, without spaces or dashes, in lower case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def looks_like_totp(code: str) -> bool:
    """Six digits (after normalise_code)."""
    return bool(re.fullmatch(r"\d{6}", code))


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time-step (within the drift) whose code is `code` and that comes after `last_step`; None if none."""
    code = normalise_code(code)
    if not looks_like_totp(code):
        return None
    totp, now_step = pyotp.TOTP(secret), step_at(now)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str = "客户门户 Customer Portal") -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def new_secret() -> str:
    """A fresh random base32 secret (160 bits)."""
    return pyotp.random_base32(32)
