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


def after(attribute, cursor: str | None):
    """The key condition "sort key after the cursor's", or None for the first page."""
    key = parse_cursor(cursor)
    return attribute > key if key is not None else None


def page_of(query, key: str, skip: str | None = None) -> Page:
    """Run a PynamoDB query (made with `limit`) and wrap its page; `key` names its sort key attribute.

    `skip`: a sort key to leave out (a descending page whose condition includes the cursor's own item).
    """
    items = [item for item in query if skip is None or getattr(item, key) != skip]
    last = query.last_evaluated_key
    return Page(items, encode_cursor(last[key]["S"]) if last else None)


def parse_after(cursor: str | None) -> str | None:
    """The sort key a cursor continues after (the repositories' name for `parse_cursor`)."""
    return parse_cursor(cursor)
