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


SYSTEM = Actor(user_id="system", email="system@scheduled-job", name="scheduled job", kind="system")


def system_ctx(now: datetime) -> Ctx:
    """The context scheduled functions act in (audited as `system@scheduled-job`)."""
    return Ctx(actor=SYSTEM, now=now, ip=None, user_agent="scheduled-function")
