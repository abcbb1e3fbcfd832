"""Prospects (潜在客户) recorded by a department and invited to register (ONB-2)."""

from __future__ import annotations

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist
from ulid import ULID

from portal.adapters import mail
from portal.adapters.tables import Department, Prospect, transaction
from portal.domain.roles import Perm
from portal.services import audit
from portal.services.access import authorize
from portal.services.auth import normalise_email
from portal.services.context import Ctx
from portal.services.errors import Invalid, NotFound
from portal.services.paging import Page, after, page_of


def create(ctx: Ctx, dept_id: str, *, name: str, email: str, contact_name: str = "", note: str = "") -> Prospect:
    """Record a prospect found by market research."""
    authorize(ctx, Perm.MANAGE_PROSPECTS, dept_id, target=dept_id)
    if not (name or "").strip():
        raise Invalid(fields={"name": [_l("Required.")]})
    prospect = Prospect(prospect_id=str(ULID.from_datetime(ctx.now)), dept_id=dept_id, name=name.strip(),
                        email=normalise_email(email), contact_name=(contact_name or "").strip() or None,
                        note=(note or "").strip() or None, created_by=ctx.actor.user_id, created_at=ctx.now)
    with transaction() as tx:
        tx.save(prospect, condition=Prospect.prospect_id.does_not_exist())
        tx.save(audit.event(ctx, "prospect.created", target_type="prospect", target_id=prospect.prospect_id,
                            dept_id=dept_id, detail={"name": prospect.name, "email": prospect.email}))
    return prospect


def listing(ctx: Ctx, dept_id: str, cursor: str | None = None) -> Page:
    """A department's prospects, a page at a time."""
    authorize(ctx, Perm.MANAGE_PROSPECTS, dept_id, target=dept_id)
    return page_of(Prospect.by_dept.query(dept_id, after(Prospect.prospect_id, cursor), limit=50), "prospect_id")


def invite(ctx: Ctx, prospect_id: str, portal_url: str) -> str:
    """E-mail the prospect a one-time registration link; return the link. A new invitation replaces the old."""
    try:
        prospect = Prospect.get(prospect_id)
    except DoesNotExist as exc:
        raise NotFound() from exc
    authorize(ctx, Perm.MANAGE_PROSPECTS, prospect.dept_id, target=prospect_id)
    if prospect.customer_id:
        raise Invalid(fields={"prospect": [_l("This prospect has registered already.")]})
    token = f"{prospect.prospect_id}.{secrets.token_urlsafe(24)}"
    with transaction() as tx:
        tx.update(prospect, actions=[Prospect.invite_hash.set(hashlib.sha256(token.encode()).hexdigest()),
                                     Prospect.invited_at.set(ctx.now)])
        tx.save(audit.event(ctx, "prospect.invited", target_type="prospect", target_id=prospect_id,
                            dept_id=prospect.dept_id, detail={"email": prospect.email}))
    link = f"{portal_url.rstrip('/')}/register?invitation={token}"
    dept = Department.get("org", prospect.dept_id)
    mail.send(prospect.email, f"【邀请】{dept.name_zh} 邀请贵公司注册客户门户 / Invitation to register",
              f"{prospect.name}：\n\n{dept.name_zh}邀请贵公司在客户管理门户注册并申请准入：\n{link}\n\n"
              f"{dept.name_en} invites your company to register on the customer portal:\n{link}\n")
    return link
