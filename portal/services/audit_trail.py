"""MD reads the audit trail: a day at a time, by actor, department and action (ACT-MD, SEC-1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters.tables import AuditEvent
from portal.domain.roles import Perm
from portal.domain.timeutil import SHANGHAI
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Invalid
from portal.services.paging import Page, page_of, parse_cursor

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


def _ulid_prefix(day: date) -> str:
    """The 10-character time prefix of ULIDs made at 00:00 Asia/Shanghai on `day`."""
    return str(ULID.from_datetime(datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)))[:10]


def browse(
    ctx: Ctx,
    *,
    day: date,
    actor_key: str | None = None,
    dept_id: str | None = None,
    action: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """One Asia/Shanghai day of events, newest first; by actor or department through their index (no Scan)."""
    authorize(ctx, Perm.VIEW_AUDIT)
    if not FIRST_DAY <= day <= LAST_DAY:  # ULIDs hold no time before 1970; no event is older than the portal
        raise Invalid(fields={"day": [_l("Choose a day between %(first)s and %(last)s.", first=FIRST_DAY.isoformat(),
                                         last=LAST_DAY.isoformat())]})
    start, end = _ulid_prefix(day), _ulid_prefix(day + timedelta(days=1))
    before = parse_cursor(cursor)  # newest first: the next page is up to the cursor's event, which is left out
    if before is not None and before < start:
        return Page([], None)
    within_day = AuditEvent.event_id.between(start, min(end, before) if before is not None else end)
    options = {
        "filter_condition": AuditEvent.action.startswith(action) if action else None,
        "scan_index_forward": False,
        "limit": limit,
    }
    if actor_key:
        query = AuditEvent.by_actor.query(actor_key, within_day, **options)
    elif dept_id:
        query = AuditEvent.by_dept.query(dept_id, within_day, **options)
    else:
        query = AuditEvent.query(day.isoformat(), within_day, **options)
    return page_of(query, "event_id", skip=before)
