"""Append-only audit trail (DESIGN rule 10): every state change, sign-in and refused access; the changes that
concern a customer also carry their place on its timeline (issue 17 item 3, portal.domain.timeline)."""

from __future__ import annotations

import json

from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.identity import AuditTrail
from portal.domain.timeline import place_of
from portal.domain.timeutil import shanghai_day
from portal.services.context import Ctx

FORBIDDEN_DETAIL_KEYS = {"password", "password_hash", "new_password", "current_password", "content"}


def event_fields(ctx: Ctx, action: str, *, outcome: str = "ok", target_type: str | None = None,
            target_id: str | None = None, dept_id: str | None = None, detail: dict | None = None,
            actor_email: str | None = None) -> dict:
    """The attributes of an audit event (the trail's day partition, a time-ordered id, who, what, from where, and
    for a change of a customer's records its place on the customer's timeline)."""
    detail = {k: v for k, v in (detail or {}).items() if k not in FORBIDDEN_DETAIL_KEYS}
    actor = ctx.actor
    dept_id = dept_id if dept_id is not None else (actor.dept_id if actor else None)
    place = place_of(action, outcome, target_type, target_id, dept_id, detail)
    return dict(
        day=shanghai_day(ctx.now).isoformat(),  # partitions follow the users' calendar day
        event_id=str(ULID.from_datetime(ctx.now)),
        at=ctx.now,
        actor_key=actor.user_id if actor else "anonymous",
        actor_email=actor.email if actor else actor_email,
        actor_role=(actor.role or actor.kind) if actor else None,
        dept_id=dept_id,
        action=action,
        outcome=outcome,
        target_type=target_type,
        target_id=target_id,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
        ip=ctx.ip,
        user_agent=(ctx.user_agent or "")[:256] or None,
        customer_key=place.customer_id if place else None,
        customer_scope=place.scope if place else None,
        shared=place.shared if place else None,
        actor_name=(getattr(actor, "name", None) or None) if actor and place else None,
    )


def stage(uow, ctx: Ctx, action: str, **kwargs) -> None:
    """Stage an audit event in the unit of work of the change it records (committed with it, or not at all)."""
    uow.repo(AuditTrail).append(records.AuditEvent(**event_fields(ctx, action, **kwargs)))


def record(ctx: Ctx, action: str, **kwargs) -> None:
    """Append an audit event on its own (for events that change nothing else)."""
    with ctx.uow() as uow:
        stage(uow, ctx, action, **kwargs)
        uow.commit()
