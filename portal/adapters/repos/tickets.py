"""Tickets, their timelines and files, SLA settings (CMP-1…3, RGT-1 b, RGT-2).

Key formats live here and nowhere else: the sparse `queue` index's key "<grade rank>#<due, Shanghai>#<ticket>"
(VIP first, then by due time), the sparse `due` index's one partition "due" and its key
"<deadline UTC ISO>#<what>#<ticket>" (what: first_response, resolution or autoclose), the sparse `overdue`
index's one partition "overdue" and its key "<department>#<queue key>", a file's pending key
"<requested UTC ISO>#<ticket>#<file>", and the ULID time prefix that selects a period's tickets.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ulid import ULID

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.repos.ticket_tallies import TicketTallies
from portal.adapters.store.expr import attr
from portal.domain.tickets import SLA_SOON, queue_key
from portal.domain.timeutil import to_iso

DUE = "due"  # the `due` index's one partition
SLA_CLOCKS = ("first_response", "resolution")
OVERDUE = "overdue"  # the `overdue` index's one partition: open tickets with an escalated breach
PENDING = "up"  # the `pending` indexes' one partition (the same as documents')
COMPANY = "company"
MAX_ID = 64  # ids arrive in URLs: longer ones are nobody's (and too long for a key)


def _id(value: str | None) -> bool:
    return bool(value) and len(value) <= MAX_ID


class Tickets(Repo):
    """Tickets with their SLA clocks; open ones sit in the `queue` index, pending deadlines in `due`."""

    model = tables.Ticket

    def find(self, ticket_id: str | None):
        """One ticket, or None."""
        return self.get(ticket_id) if _id(ticket_id) else None

    def of_customer(self, customer_id: str) -> list:
        """The customer's tickets, newest first (one Query on `by_customer`)."""
        return self.all(customer_id, index="by_customer", forward=False)

    def latest_of(self, customer_id: str, *, after: str | None = None, limit: int = 50) -> tuple[list, str | None]:
        """A page of the customer's tickets, newest first, and the id the next page continues after."""
        return self.page(customer_id, index="by_customer", after=after, limit=limit)

    def queue(self, scope: str, limit: int = 100) -> list:
        """RGT-2: the scope's open tickets, VIP first, then 优选, then 合格, each by due time (one Query)."""
        records, _last = self.query(scope, index="queue", limit=limit)
        return records

    def overdue(self, scope: str | None = None, *, after: str | None = None,
                limit: int | None = None) -> tuple[list, str | None]:
        """Open tickets with an escalated breach (of one scope, or of every scope), by scope, then VIP first and
        by due time; a page of `limit` after the key `after`, and the key the next page starts after."""
        low, high = (f"{scope}#", f"{scope}$") if scope else ("", "\uffff")  # "$" follows "#": the scope's keys
        start = max(after, low) if after else None
        if start and start > high:  # past the scope's last key (DynamoDB refuses a BETWEEN upside down)
            return [], None
        sort = attr("overdue_key").between(start, high) if start else \
            attr("overdue_key").begins_with(low) if scope else None
        read = None if limit is None else limit + 1  # the item at `after` itself may come first
        records, last = self.query(OVERDUE, index="overdue", sort=sort, limit=read)
        records = [r for r in records if r.overdue_key != after]
        more = last is not None or (limit is not None and len(records) > limit)
        records = records if limit is None else records[:limit]
        return records, (records[-1].overdue_key if more and records else None)

    def filed_since(self, scope: str, since: datetime) -> list:
        """Every ticket of a scope filed since `since` (ticket ids are ULIDs: their first 10 characters are time)."""
        start = str(ULID.from_datetime(since.astimezone(UTC)))[:10]
        return self.all(scope, index="by_dept", sort=attr("ticket_id").ge(start))

    def untallied(self, scope: str) -> list:
        """The scope's tickets filed before the report's counters (backfill; reads the scope's tickets)."""
        return self.all(scope, index="by_dept", filter=attr("tallied").not_exists())

    def tally(self, ticket) -> None:
        """Stage a ticket's share of the report counters and its sparse `overdue` place, only if nobody changed it
        since it was read (backfill; tag "stale"); its version is left alone."""
        self._mark_overdue(ticket)
        self.uow.repo(TicketTallies).count(ticket)
        self.update((ticket.ticket_id,), [attr("tallied").set(ticket.tallied),
                                          attr("overdue_bucket").set(ticket.overdue_bucket),
                                          attr("overdue_key").set(ticket.overdue_key)],
                    attr("version").eq(ticket.version), tag="stale")

    def due_by(self, now: datetime) -> list:
        """Tickets whose pending deadline has passed, earliest first (the sparse `due` index)."""
        return self.all(DUE, index="due", sort=attr("due_key").lt(to_iso(now)))

    # --- the index keys, set on the record before it is staged -----------------------------------

    @staticmethod
    def enqueue(ticket, rank: int) -> None:
        """Put the ticket in its department's queue at `rank` (VIP 1), by its resolution time."""
        ticket.queue_dept, ticket.queue_key = ticket.dept_id, queue_key(rank, ticket.resolution_due, ticket.ticket_id)

    @staticmethod
    def dequeue(ticket) -> None:
        """Take the ticket out of the queue."""
        ticket.queue_dept = ticket.queue_key = None

    @staticmethod
    def _mark_overdue(ticket) -> None:
        """An open ticket with an escalated breach sits in the sparse `overdue` index (set on every write)."""
        overdue = bool(ticket.queue_dept and ticket.queue_key and ticket.breaches)
        ticket.overdue_bucket = OVERDUE if overdue else None
        ticket.overdue_key = f"{ticket.queue_dept}#{ticket.queue_key}" if overdue else None

    @staticmethod
    def watch(ticket, what: str, deadline: datetime, soon: bool = True) -> None:
        """The ticket's next deadline: `what` ("first_response", "resolution", "autoclose") falls due at `deadline`.
        An SLA deadline is first watched SLA_SOON before it (`what` "soon:<what>": the staff are warned, then
        the deadline itself is watched) unless `soon` is False."""
        if soon and what in SLA_CLOCKS:
            deadline, what = deadline - SLA_SOON, f"soon:{what}"
        ticket.due_bucket, ticket.due_key = DUE, f"{to_iso(deadline)}#{what}#{ticket.ticket_id}"

    @staticmethod
    def unwatch(ticket) -> None:
        """No deadline is pending."""
        ticket.due_bucket = ticket.due_key = None

    @staticmethod
    def watched(ticket) -> str | None:
        """What the pending deadline is for, or None."""
        return ticket.due_key.split("#")[1] if ticket.due_key else None

    # --- writes ------------------------------------------------------------------------------------

    def file(self, ticket) -> None:
        """Stage a new ticket (its id is a fresh ULID: tag "exists" only if it was not)."""
        ticket.version = 1
        self._mark_overdue(ticket)
        self.uow.repo(TicketTallies).count(ticket)  # the report's counters, in the same transaction
        self.add(ticket, tag="exists")

    def save_step(self, ticket) -> None:
        """Stage a changed ticket, only if nobody changed it since it was read (tag "stale")."""
        self._mark_overdue(ticket)
        self.uow.repo(TicketTallies).count(ticket)
        self.save(ticket, tag="stale")


class TicketEvents(Repo):
    """A ticket's timeline: status steps, replies and files (files awaiting their check sit in `pending`)."""

    model = tables.TicketEvent

    def timeline(self, ticket_id: str) -> list:
        """Every step, reply and file of the ticket, oldest first (one Query)."""
        return self.all(ticket_id)

    def attachments(self, ticket_id: str) -> list:
        """Every file recorded on the ticket, oldest first."""
        return self.all(ticket_id, filter=attr("kind").eq("attachment"))

    def attachment(self, ticket_id: str, file_id: str | None):
        """One file of the ticket (None when unknown, or when the id is another kind of step's)."""
        event = self.get(ticket_id, file_id) if _id(file_id) else None
        return event if event is not None and event.kind == "attachment" else None

    def awaiting_check(self, before: datetime) -> list:
        """Files requested before `before` and never checked (the sparse `pending` index, oldest first)."""
        return self.all(PENDING, index="pending", sort=attr("pending_key").lt(to_iso(before)))

    def append(self, event) -> None:
        """Stage a new step (its id is a fresh ULID)."""
        self.add(event, tag="exists")

    def request_file(self, event, requested_at: datetime) -> None:
        """Stage a file awaiting its upload; it waits in `pending` until checked."""
        event.file_state = "awaiting_upload"
        event.pending_bucket, event.pending_key = PENDING, f"{to_iso(requested_at)}#{event.ticket_id}#{event.event_id}"
        self.add(event, tag="exists")

    def file_checked(self, event, state: str, size: int | None, reason: str | None, kept_key: str | None) -> None:
        """Stage the check's outcome, only while the file still awaits it (tag "checked": checked meanwhile)."""
        actions = [attr("file_state").set(state), attr("size").set(size), attr("reject_reason").set(reason),
                   attr("pending_bucket").remove(), attr("pending_key").remove()]
        if kept_key:
            actions.append(attr("s3_key").set(kept_key))
        self.update((event.ticket_id, event.event_id), actions, attr("file_state").eq("awaiting_upload"),
                    tag="checked")


class SlaSettings(Repo):
    """CMP-2: each department's ticket categories and times; MD keeps the company default (scope "company")."""

    model = tables.SlaSetting

    def applying_to(self, scope: str):
        """The scope's own setting, else the company default, else None (one BatchGetItem)."""
        found = {r.scope: r for r in self.many(sorted({(scope,), (COMPANY,)}))}
        return found.get(scope) or found.get(COMPANY)


class TicketCustomers(Repo):
    """Read-only: the customer a ticket is filed for (its name is kept on the ticket)."""

    model = tables.Customer

    def find(self, customer_id: str | None):
        """The customer, or None."""
        return self.get(customer_id) if _id(customer_id) else None
