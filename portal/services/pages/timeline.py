"""A customer's timeline for staff (BLK-7, GRD-6, INC-1): grade changes, listings and their ends, and incidents,
newest first, a page at a time: at most 6 DynamoDB calls with the sign-in's, and at most two pages of records
read (grade changes and incidents are read newest first up to the page size; listings are few per customer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ulid import ULID

from portal.adapters.repos.dynamics import COMPANY, BlacklistEntries, Incidents
from portal.adapters.repos.grading import GradeChanges
from portal.domain.roles import Perm, may
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.customers import get_customer
from portal.services.paging import encode_cursor, parse_cursor

EVENTS_SHOWN = 40  # events per page


@dataclass(frozen=True)
class Event:
    """One line of the timeline: when, what kind ("grade", "listed", "lifted", "expired", "incident"), the record."""

    at: datetime
    kind: str
    item: object
    key: str  # where it sorts: a ULID, or the ULID time of a listing's event with the entry's own random part


@dataclass(frozen=True)
class Timeline:
    """A page of a customer's timeline and the cursor of the next (older) page."""

    customer: object
    events: list[Event]
    cursor: str | None


def _listing_key(at: datetime, entry_id: str, kind: str) -> str:
    """A listing's event sorts among ULIDs by its time (the first 10 characters); the rest keeps it unique."""
    return str(ULID.from_datetime(at))[:10] + entry_id[10:26] + kind


def customer_timeline(ctx: Ctx, customer_id: str, cursor: str | None = None) -> Timeline:
    """A page of the customer's timeline in the departments the actor may see, newest first (`cursor`: the key
    the previous page ended at; any well-formed cursor is a place in this customer's timeline, nothing more)."""
    before = parse_cursor(cursor)
    authorize(ctx, Perm.VIEW_CUSTOMERS, target=customer_id)
    uow = ctx.uow()
    customer = get_customer(ctx, customer_id, uow)  # SEC-1
    actor = ctx.actor
    scope = None if actor.company_wide else actor.dept_id
    changes, more_changes = uow.repo(GradeChanges).history(customer_id, dept_id=scope, after=before,
                                                           limit=EVENTS_SHOWN)
    incidents, more_incidents = uow.repo(Incidents).latest_of(customer_id, dept_id=scope, before=before,
                                                              limit=EVENTS_SHOWN)
    events = [Event(c.at, "grade", c, c.change_id) for c in changes]
    events += [Event(i.at, "incident", i, i.incident_id) for i in incidents]
    for entry in uow.repo(BlacklistEntries).of_customer(customer_id):
        if entry.scope != COMPANY and not may(actor, Perm.VIEW_CUSTOMERS, entry.scope):
            continue
        events.append(Event(entry.listed_at, "listed", entry, _listing_key(entry.listed_at, entry.entry_id, "a")))
        if entry.ended_at:
            events.append(Event(entry.ended_at, entry.ended_how, entry,
                                _listing_key(entry.ended_at, entry.entry_id, "b")))
    # Every event from the last key a source stopped at (read itself) up to `before` has been read: only those
    # can be shown in order; the next page starts below the boundary.
    boundary = max((last for last in (more_changes, more_incidents) if last is not None), default=None)
    events = sorted((e for e in events if (before is None or e.key < before)
                     and (boundary is None or e.key >= boundary)), key=lambda e: e.key, reverse=True)
    shown = events[:EVENTS_SHOWN]
    if len(events) > EVENTS_SHOWN:
        last = shown[-1].key
    else:
        last = boundary  # None: nothing older
    return Timeline(customer, shown, encode_cursor(last) if last else None)
