"""Pages of query results with opaque cursors.

A cursor is the sort key of the last item read (unique within the list), base64url-encoded: the next page is a
key condition "after it". Any well-formed cursor is therefore a position in the list (DynamoDB never sees a
forged start key), and anything else is refused as Invalid.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.services.errors import Invalid

# base64url without padding, at most 255 bytes (a DynamoDB sort key holds 1,024): the API document says the same.
CURSOR_PATTERN = r"^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$(?!\n)"
CURSOR_MAX_LENGTH = 340


@dataclass(frozen=True)
class Page:
    """A page of records and the cursor of the next page (None on the last)."""

    items: list
    cursor: str | None


def encode_cursor(key: str) -> str:
    """The cursor that continues after sort key `key`."""
    return base64.urlsafe_b64encode(key.encode()).rstrip(b"=").decode()


def parse_cursor(cursor: str | None) -> str | None:
    """The sort key a cursor from a URL continues after; a malformed one is refused as Invalid."""
    if not cursor:
        return None
    if len(cursor) > CURSOR_MAX_LENGTH or not re.search(CURSOR_PATTERN, cursor):
        raise Invalid(fields={"cursor": [_l("Not a valid page cursor.")]})
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8", "replace")
