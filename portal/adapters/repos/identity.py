"""The audit trail, unique values (credit codes, e-mail addresses), accounts, sessions and throttles."""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo


class AuditTrail(Repo):
    """Append-only (DESIGN rule 10): events are added, never changed or removed."""

    model = tables.AuditEvent

    def append(self, event) -> None:
        """Stage an event (its ULID never repeats: the condition only guards the append-only rule)."""
        self.add(event, tag="audit")
