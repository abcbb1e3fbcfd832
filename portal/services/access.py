"""The one shared access check (SEC-1): every service calls `authorize` before touching a record."""

from __future__ import annotations

from portal.domain.roles import Perm, may
from portal.services import audit
from portal.services.context import Ctx
from portal.services.errors import Forbidden, Unauthenticated


def authorize(ctx: Ctx, perm: Perm, dept_id: str | None = None, *, target: str | None = None) -> None:
    """Raise (and audit the refusal) unless the actor may do `perm` in department `dept_id`."""
    if ctx.actor is None:
        raise Unauthenticated()
    if may(ctx.actor, perm, dept_id):
        return
    audit.record(
        ctx, "access.refused", outcome="refused", target_type=perm.value, target_id=target,
        detail={"dept_id": dept_id} if dept_id else None,
    )
    raise Forbidden()


def refuse(ctx: Ctx, what: str, target: str | None = None, dept_id: str | None = None) -> Forbidden:
    """Audit a refusal decided elsewhere (e.g. a role a leader may not grant) and return the error."""
    audit.record(
        ctx, "access.refused", outcome="refused", target_type=what, target_id=target,
        detail={"dept_id": dept_id} if dept_id else None,
    )
    return Forbidden()
