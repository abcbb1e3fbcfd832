"""A customer's timeline (issue 17 item 3; BLK-7, GRD-6, INC-1, SEC-1): registration, documents, applications and
their decisions, grades, evaluations, reviews, tickets, visits, incidents and listings, newest first, a page at a
time. Each entry is an audited change (written in the transaction of the change itself) found through the audit
table's sparse `by_customer` index: one Query per page, plus the customer and the catalogue's read copy (names of
departments and document types): at most 6 DynamoDB calls with the sign-in's, items read bounded by the page.

Staff see the entries of the departments they may see (company-wide staff: all); the customer's own users see
only what is theirs to know (portal.domain.timeline: no internal notes, proposals, scores or incidents, and of a
listing only that it exists, where and until when).

Changes recorded before timelines existed have no place on the index until `python -m portal.tools.backfill`
places them (portal.services.backfill: the audit trail read day by day); grade changes, listings and incidents
were audited from the start, so they all come back, and so does every other audited change above.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.timeline import CustomerTimeline
from portal.domain.roles import Perm
from portal.domain.timeline import visible_scopes
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.customers import get_customer
from portal.services.errors import Forbidden, Unauthenticated
from portal.services.paging import encode_cursor, parse_cursor

EVENTS_SHOWN = 40  # events read per page
CUSTOMER_HIDDEN = ("reason", "note", "notes", "by")  # never in the customer's own view of a listing or standing end


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: when, what (the audited action), its facts, who (by name; None: the system)."""

    at: datetime
    action: str
    detail: dict = field(default_factory=dict)
    who: str | None = None
    dept_id: str | None = None
    automatic: bool = False  # done by a scheduled function (an expiry, an escalation)


@dataclass(frozen=True)
class Timeline:
    """A page of a customer's timeline, the names it needs, and the cursor of the next (older) page."""

    customer: object
    events: list[Entry]
    cursor: str | None
    departments: dict  # dept id -> department record (names)
    types: dict  # document type id -> type record (names)


def _entry(event, own_view: bool) -> Entry:
    detail = json.loads(event.detail) if event.detail else {}
    who = None if event.actor_key in ("anonymous", "system", None) else event.actor_name
    if own_view and event.action.startswith(("blacklist.", "standing.", "customer.")):
        detail = {k: v for k, v in detail.items() if k not in CUSTOMER_HIDDEN}
        if not event.action.startswith("customer."):
            who = None  # the customer learns that and where, not who decided (BLK-7 keeps that for staff)
    return Entry(event.at, event.action, detail, who, event.dept_id, event.actor_key == "system")


def _page(uow, customer, *, scopes, shared_only: bool, before: str | None) -> Timeline:
    events, last = uow.repo(CustomerTimeline).latest(customer.customer_id, scopes=scopes, shared_only=shared_only,
                                                     before=before, limit=EVENTS_SHOWN)
    catalogue = uow.repo(Catalogue).read()
    return Timeline(customer, [_entry(e, shared_only) for e in events], encode_cursor(last) if last else None,
                    {d.dept_id: d for d in catalogue.departments}, {t.type_id: t for t in catalogue.types})


def customer_timeline(ctx: Ctx, customer_id: str, cursor: str | None = None) -> Timeline:
    """A page of the customer's timeline in the departments the actor may see, newest first (`cursor`: the event
    the previous page ended at; any well-formed cursor is a place in this customer's timeline, nothing more)."""
    before = parse_cursor(cursor)
    authorize(ctx, Perm.VIEW_CUSTOMERS, target=customer_id)
    uow = ctx.uow()
    customer = get_customer(ctx, customer_id, uow)  # SEC-1
    scopes = visible_scopes(ctx.actor.company_wide, ctx.actor.dept_id)
    return _page(uow, customer, scopes=scopes, shared_only=False, before=before)


def own_timeline(ctx: Ctx, cursor: str | None = None) -> Timeline:
    """A page of the actor's own company's timeline, newest first: what concerns it and is its to know."""
    before = parse_cursor(cursor)
    if ctx.actor is None:
        raise Unauthenticated()
    if not ctx.actor.is_customer:
        raise Forbidden()  # staff read a customer's timeline by its id
    uow = ctx.uow()
    customer = get_customer(ctx, ctx.actor.customer_id, uow)
    return _page(uow, customer, scopes=None, shared_only=True, before=before)
