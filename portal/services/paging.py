"""Pages of query results with opaque cursors (DynamoDB's LastEvaluatedKey as JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.services.errors import Invalid


@dataclass(frozen=True)
class Page:
    """A page of records and the cursor of the next page (None on the last)."""

    items: list
    cursor: str | None


def page_of(query) -> Page:
    """Run a PynamoDB query (made with `limit`) and wrap its page."""
    items = list(query)
    key = query.last_evaluated_key
    return Page(items, json.dumps(key, sort_keys=True) if key else None)


def parse_cursor(cursor: str | None) -> dict | None:
    """Decode a cursor from a URL; a forged or broken one is refused as Invalid."""
    if not cursor:
        return None
    try:
        value = json.loads(cursor)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise Invalid(fields={"cursor": [_l("Not a valid page cursor.")]})
    return value


def encode_cursor(key: str) -> str:
    """The cursor that continues after sort key `key` (base64url, no padding)."""
    import base64

    return base64.urlsafe_b64encode(key.encode()).rstrip(b"=").decode()


def parse_after(cursor: str | None) -> str | None:
    """The sort key a cursor continues after; a malformed one is refused as Invalid."""
    import base64
    import binascii
    import re

    if not cursor:
        return None
    if len(cursor) > 340 or not re.fullmatch(r"[A-Za-z0-9_-]+", cursor):
        raise Invalid(fields={"cursor": [_l("Not a valid page cursor.")]})
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise Invalid(fields={"cursor": [_l("Not a valid page cursor.")]}) from exc
