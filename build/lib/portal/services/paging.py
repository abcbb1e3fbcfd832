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
