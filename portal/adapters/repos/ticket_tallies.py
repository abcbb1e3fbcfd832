"""Ticket report counters (CMP-3, REL-5), moved in the unit of work that files or changes a ticket.

Key formats live here and nowhere else, in the counters table: a scope's day counters in partition
"tickets#<scope>" (and every scope's in "tickets#*") with key "<filing day UTC>#<counter>", counter "all",
"kind#<kind>", "category#<category>", "channel#<channel>" or "complaint#<customer>"; and each ticket's share as
a line in partition "ticket-lines#<filing day UTC>" with key "<ticket id>", read only for the day a period
starts in (the period starts at a moment, not at midnight).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from ulid import ULID

from portal.adapters import records, tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr
from portal.domain.ticket_tally import contribution, counts, difference

EVERY_SCOPE = "*"
MEASURES = ("total", "resolved", "in_time", "rating_sum", "ratings")


def _day(ticket_id: str) -> str:
    """The UTC day a ticket was filed (its id is a ULID: time first)."""
    return ULID.from_str(ticket_id).datetime.astimezone(UTC).date().isoformat()


def _start(since: datetime) -> str:
    """The smallest ticket id filed at or after `since` (the ULID's time part)."""
    return str(ULID.from_datetime(since.astimezone(UTC)))[:10]


class TicketTallies(Repo):
    """Counters of the ticket report by scope and filing day, and each ticket's counted share."""

    model = tables.Counter

    def count(self, ticket) -> None:
        """Stage the counter moves for the ticket as it will be written (compared with what it counted when
        read, kept on the ticket as `tallied`), its line, and the new `tallied` on the record."""
        before = json.loads(ticket.tallied) if ticket.tallied else None
        after = contribution(ticket)
        if before == after:
            return
        day = _day(ticket.ticket_id)
        if before and before["scope"] != after["scope"]:
            self._move(before["scope"], day, counts(before, -1), None)
            self._move(after["scope"], day, counts(after), after)
        else:
            self._move(after["scope"], day, difference(before, after), after)
        ticket.tallied = json.dumps(after, ensure_ascii=False, sort_keys=True)
        self.put(records.record_type(self.model)(dept_id=f"ticket-lines#{day}", key=ticket.ticket_id,
                                                 line=ticket.tallied))

    def _move(self, scope: str, day: str, moves: dict, share: dict | None) -> None:
        for bucket in (scope, EVERY_SCOPE):
            for counter, deltas in moves.items():
                key = self._key(f"tickets#{bucket}", f"{day}#{counter}")
                names = {"name": share["name"]} if share and counter.startswith("complaint#") else None
                self.uow.tally(self.model, key, deltas, names)

    def days_after(self, scope: str | None, day: date) -> list[tuple[str, dict[str, int], str | None]]:
        """The scope's (None: every scope's) counters of the days after `day`: (counter, measures, name)."""
        records = self.all(f"tickets#{scope or EVERY_SCOPE}",
                           sort=attr("key").ge((day + timedelta(days=1)).isoformat()))
        return [(r.key.split("#", 1)[1], {m: int(getattr(r, m) or 0) for m in MEASURES}, r.name) for r in records]

    def shares_since(self, scope: str | None, since: datetime) -> list[dict]:
        """The shares of the scope's (None: every scope's) tickets filed from `since` to the end of its day."""
        day = since.astimezone(UTC).date().isoformat()
        lines = self.all(f"ticket-lines#{day}", sort=attr("key").ge(_start(since)))
        shares = [json.loads(r.line) for r in lines]
        return [s for s in shares if scope is None or s["scope"] == scope]

