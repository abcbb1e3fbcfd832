"""Shapes of organisation records: department and product ids."""

from __future__ import annotations

import re

# `(?!\n)`: `$` alone also matches before a final newline; the API document uses this very pattern (JSON Schema).
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,31}$(?!\n)")


def valid_slug(value: str) -> bool:
    """Department and product ids: lower-case letters, digits and dashes, 2-32 characters."""
    return bool(ID_PATTERN.fullmatch(value or ""))  # fullmatch: `$` would let a trailing newline through
