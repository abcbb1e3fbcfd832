"""MD reads the audit trail: a day at a time, by actor, department and action (ACT-MD, SEC-1)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.identity import AuditTrail
from portal.domain.roles import Perm
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Invalid
from portal.services.paging import Page, encode_cursor, parse_cursor

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


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
    items, last = ctx.uow().repo(AuditTrail).of_day(day, actor_key=actor_key, dept_id=dept_id, action=action,
                                                    before=parse_cursor(cursor), limit=limit)
    return Page(items, encode_cursor(last) if last else None)
