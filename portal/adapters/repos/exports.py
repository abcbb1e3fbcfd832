"""Exports' repository (issue 12 item 4): asked for on a page, written by the export job, removed when expired.

Key formats live here: the sparse `pending` index's partition "pending", the sparse `expiring` index's partition
"kept" and key "<removal time ISO>#<export id>".
"""

from __future__ import annotations

from datetime import datetime

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr
from portal.domain.timeutil import to_iso

PENDING = "pending"
KEPT = "kept"


class Exports(Repo):
    """A user's exports; pending ones sit in the sparse `pending` index, every kept one in `expiring`."""

    model = tables.Export

    def request(self, export, remove_at: datetime) -> None:
        """Stage a new pending export (a fresh ULID), removed with its file after `remove_at`."""
        export.status, export.pending_bucket = "pending", PENDING
        export.expire_bucket, export.expire_key = KEPT, f"{to_iso(remove_at)}#{export.export_id}"
        self.add(export, tag="exists")

    def find(self, export_id: str):
        """One export, or None."""
        return self.get(export_id)

    def of_user(self, user_id: str, *, after: str | None = None, limit: int = 20) -> tuple[list, str | None]:
        """A page of the user's exports, newest first, and the id the next page continues after."""
        return self.page(user_id, index="by_user", after=after, limit=limit)

    def pending(self, limit: int = 10) -> list:
        """Exports still to write, oldest first (one Query on the sparse `pending` index)."""
        records, _last = self.query(PENDING, index="pending", limit=limit)
        return records

    def finish(self, export, *, status: str, when: datetime, rows: int | None = None,
               error: str | None = None) -> None:
        """Stage the outcome (ready with its file, or failed): out of the `pending` index, only if still pending
        (tag "claimed": another run finished it first)."""
        actions = [attr("status").set(status), attr("finished_at").set(when), attr("pending_bucket").remove()]
        if rows is not None:
            actions.append(attr("rows").set(rows))
        if error is not None:
            actions.append(attr("error").set(error[:500]))
        self.update((export.export_id,), actions, attr("status").eq("pending"), tag="claimed")

    def expired_by(self, now: datetime, limit: int = 25) -> list:
        """Exports whose keeping time is over at `now`, oldest first (one Query on the sparse `expiring` index)."""
        records, _last = self.query(KEPT, index="expiring", sort=attr("expire_key").le(f"{to_iso(now)}#~"),
                                    limit=limit)
        return records

    def expire(self, export) -> None:
        """Stage marking an export expired (no longer offered; its file may be deleted), if it is still there."""
        self.update((export.export_id,), [attr("status").set("expired"), attr("pending_bucket").remove()],
                    attr("export_id").exists(), tag="claimed")

    def remove(self, export) -> None:
        """Stage removing an expired export's record (only if it is still there: tag "claimed")."""
        self.delete((export.export_id,), attr("export_id").exists(), tag="claimed")
