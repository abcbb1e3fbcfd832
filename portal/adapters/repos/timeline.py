"""A customer's timeline (issue 17 item 3): the audit trail's events that concern it, through the sparse
`by_customer` index of the audit table (key: the customer id, then the event's ULID), newest first."""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr

MAX_ID = 64


class CustomerTimeline(Repo):
    """Read-only view of the audit trail by customer; the only write is the backfill's placing of older events."""

    model = tables.AuditEvent

    def latest(self, customer_id: str, *, scopes: tuple[str, ...] | None = None, shared_only: bool = False,
               before: str | None = None, limit: int = 40) -> tuple[list, str | None]:
        """A page of the customer's timeline, newest first: one Query reading at most `limit` events, keeping
        those in `scopes` (None: every scope) and, for the customer's own view, those shared with it; and the
        event id the next page continues after (None: no more)."""
        if not customer_id or len(customer_id) > MAX_ID:
            return [], None
        keep = None
        if scopes is not None:
            keep = attr("customer_scope").eq(scopes[0])
            for scope in scopes[1:]:
                keep = keep | attr("customer_scope").eq(scope)
        if shared_only:
            keep = attr("shared").eq(True) if keep is None else keep & attr("shared").eq(True)
        return self.page(customer_id, index="by_customer", after=before, limit=limit, filter=keep)

    def place(self, event, place) -> bool:
        """Stage the timeline place of an event recorded before timelines (backfill): only its index attributes,
        only if it has none; False when it has one."""
        if event.customer_key:
            return False
        self.update((event.day, event.event_id), [attr("customer_key").set(place.customer_id),
                                                  attr("customer_scope").set(place.scope),
                                                  attr("shared").set(place.shared)],
                    attr("customer_key").not_exists(), tag="audit")
        return True
