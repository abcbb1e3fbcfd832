"""Who asks, from where, and when: passed to every service call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.domain.roles import Actor


@dataclass(frozen=True)
class Ctx:
    """The request context a service needs: actor (None when anonymous), client address, clock."""

    actor: Actor | None
    now: datetime
    ip: str | None = None
    user_agent: str | None = None
