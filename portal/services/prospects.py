"""Prospects (潜在客户) recorded by a department and invited to register (ONB-2)."""

from __future__ import annotations

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.org import Departments, Prospects
from portal.adapters.uow import WriteConflict
from portal.domain.roles import Perm
from portal.services import audit, outbox
from portal.services.access import authorize
from portal.services.auth import normalise_email
from portal.services.context import Ctx
from portal.services.errors import Invalid, NotFound
from portal.services.paging import Page, encode_cursor, parse_cursor

REGISTERED = _l("This prospect has registered already.")


def create(ctx: Ctx, dept_id: str, *, name: str, email: str, contact_name: str = "", note: str = ""):
    """Record a prospect found by market research."""
    authorize(ctx, Perm.MANAGE_PROSPECTS, dept_id, target=dept_id)
    if not (name or "").strip():
        raise Invalid(fields={"name": [_l("Required.")]})
    prospect = records.Prospect(
        prospect_id=str(ULID.from_datetime(ctx.now)), dept_id=dept_id, name=name.strip(), email=normalise_email(email),
        contact_name=(contact_name or "").strip() or None, note=(note or "").strip() or None,
        created_by=ctx.actor.user_id, created_at=ctx.now)
    with ctx.uow() as uow:
        uow.repo(Prospects).record(prospect)
        audit.stage(uow, ctx, "prospect.created", target_type="prospect", target_id=prospect.prospect_id,
                    dept_id=dept_id, detail={"name": prospect.name, "email": prospect.email})
        uow.commit()
    return prospect


def listing(ctx: Ctx, dept_id: str, cursor: str | None = None) -> Page:
    """A department's prospects, a page at a time."""
    authorize(ctx, Perm.MANAGE_PROSPECTS, dept_id, target=dept_id)
    items, last = ctx.uow().repo(Prospects).in_department(dept_id, after=parse_cursor(cursor))
    return Page(items, encode_cursor(last) if last else None)


def invite(ctx: Ctx, prospect_id: str, portal_url: str) -> str:
    """E-mail the prospect a one-time registration link; return the link. A new invitation replaces the old."""
    with ctx.uow() as uow:
        prospect = uow.repo(Prospects).find(prospect_id)
        if prospect is None:
            raise NotFound()
        authorize(ctx, Perm.MANAGE_PROSPECTS, prospect.dept_id, target=prospect_id)
        if prospect.customer_id:
            raise Invalid(fields={"prospect": [REGISTERED]})
        token = f"{prospect.prospect_id}.{secrets.token_urlsafe(24)}"
        uow.repo(Prospects).invite(prospect, hashlib.sha256(token.encode()).hexdigest(), ctx.now)
        dept = uow.repo(Departments).find(prospect.dept_id)
        link = f"{portal_url.rstrip('/')}/register?invitation={token}"
        outbox.stage(uow, ctx, prospect.email,
                     f"【邀请】{dept.name_zh} 邀请贵公司注册客户门户 / Invitation to register",
                     f"{prospect.name}：\n\n{dept.name_zh}邀请贵公司在客户管理门户注册并申请准入：\n{link}\n\n"
                     f"{dept.name_en} invites your company to register on the customer portal:\n{link}\n")
        audit.stage(uow, ctx, "prospect.invited", target_type="prospect", target_id=prospect_id,
                    dept_id=prospect.dept_id, detail={"email": prospect.email})
        try:
            uow.commit()
        except WriteConflict as exc:  # it registered meanwhile
            raise Invalid(fields={"prospect": [REGISTERED]}) from exc
    return link
