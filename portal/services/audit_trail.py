"""MD reads the audit trail: a day at a time, by actor, department and action (ACT-MD, SEC-1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ulid import ULID

from portal.adapters.tables import AuditEvent
from portal.domain.roles import Perm
from portal.domain.timeutil import SHANGHAI
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.paging import Page, page_of, parse_cursor


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
