"""Colleagues (issue 15 item 3): a customer company's people. The first user is its administrator; administrators
invite colleagues by e-mail (single-use links, 7 days), make them administrators or members, disable and enable
them, never leaving the company without an active administrator. A company keeps working when one person leaves:
its records belong to the company, not to the person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters import records
from portal.adapters.repos.customers import Customers
from portal.adapters.repos.identity import Users
from portal.adapters.uow import WriteConflict
from portal.domain.accounts import INVITATION_LIFETIME, CompanyRole, company_role, leaves_no_admin
from portal.services import audit, link_tokens, outbox, signin_guard
from portal.services.access import refuse
from portal.services.auth import check_new_password, end_all_sessions, hash_password, normalise_email
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound

BAD_INVITATION = _l("This invitation is not valid, was used already or has expired (invitations last 7 days). "
                    "Ask your company's administrator for a new one.")
LAST_ADMIN = _l("The company needs at least one active administrator: make someone else administrator first.")
CHANGED = _l("Someone changed your company's people meanwhile. Reload and try again.")
HAS_ACCOUNT = _l("This address has an account already: sign in with it, or ask for an invitation to another "
                 "address.")


@dataclass(frozen=True)
class Colleagues:
    """The colleagues page: the company and its people (invitations still open included)."""

    customer: object
    people: list
    names: dict  # user id -> name, for "invited by"

    def status(self, person) -> str:
        """active | disabled | invited."""
        return "invited" if person.invite_hash else "active" if person.active else "disabled"

    def role(self, person) -> str:
        """admin | member."""
        return company_role(person).value


def _customer_actor(ctx: Ctx):
    if ctx.actor is None or not ctx.actor.is_customer:
        raise refuse(ctx, "colleagues")
    return ctx.actor


def require_admin(ctx: Ctx, what: str, target: str | None = None) -> None:
    """Only the company's administrators manage its people (the refusal is audited)."""
    if not _customer_actor(ctx).company_admin:
        raise refuse(ctx, what, target)


def listing(ctx: Ctx) -> Colleagues:
    """The signed-in customer's company and its people (two reads)."""
    actor = _customer_actor(ctx)
    uow = ctx.uow()
    customer = uow.repo(Customers).find(actor.customer_id)
    if customer is None:
        raise NotFound()
    people = uow.repo(Users).of_customer(actor.customer_id)
    people.sort(key=lambda p: (p.invite_hash is not None, not p.active, p.name))
    return Colleagues(customer, people, {p.user_id: p.name for p in people})


def invite(ctx: Ctx, email: str, role: str, portal_url: str) -> None:
    """Mail a colleague a single-use invitation (7 days). The answer is the same whether or not the address has
    an account (no enumeration): such an invitation simply cannot be accepted."""
    require_admin(ctx, "colleague.invite")
    email = normalise_email(email)
    if role not in tuple(CompanyRole):
        raise Invalid(fields={"role": [_l("Choose administrator or member.")]})
    uow = ctx.uow()
    customer = uow.repo(Customers).find(ctx.actor.customer_id)
    pending = next((p for p in uow.repo(Users).of_customer(ctx.actor.customer_id)
                    if p.invite_hash and p.email == email), None)
    person = pending or records.User(
        user_id=str(uuid.uuid4()), email=email, name=email, kind="customer", customer_id=ctx.actor.customer_id,
        password_hash="!", active=False, created_at=ctx.now, email_verified=False)
    token, token_hash = link_tokens.new_token(person.user_id)
    person.company_role, person.invite_hash = role, token_hash
    person.invite_expires, person.invited_by = ctx.now + INVITATION_LIFETIME, ctx.actor.user_id
    link = f"{portal_url.rstrip('/')}/account/invitation/{token}"
    with ctx.uow() as uow:
        if pending:
            uow.repo(Users).save(person)  # a new link replaces the earlier one
        else:
            uow.repo(Users).invite(person)
        outbox.stage(uow, ctx, email, f"【客户门户】{ctx.actor.name} 邀请您加入 {customer.name} / Invitation",
                     f"{ctx.actor.name} 邀请您以{'管理员' if role == 'admin' else '成员'}身份加入 {customer.name} "
                     f"在客户管理门户的账户。请在 7 天内打开以下链接设置姓名和密码（仅可使用一次）：\n{link}\n\n"
                     f"{ctx.actor.name} invites you to join {customer.name} on the customer portal. Open this link "
                     f"within 7 days to set your name and password (it works once):\n{link}\n")
        audit.stage(uow, ctx, "colleague.invited", target_type="user", target_id=person.user_id,
                    detail={"email": email, "role": role})
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(CHANGED) from exc


def invitation(ctx: Ctx, token: str):
    """The open invitation a link names, with its company (NotFound: used, expired, replaced or forged)."""
    signin_guard.check_link(ctx, "invitation")  # guessed links: throttled per client address
    uow = ctx.uow()
    person = uow.repo(Users).find(link_tokens.owner_of(token))
    if person is None or not link_tokens.opens(person.invite_hash, person.invite_expires, token, ctx.now):
        audit.record(ctx, "colleague.invitation_refused", outcome="failed", target_type="user",
                     target_id=person.user_id if person else None)
        signin_guard.count_bad_link(ctx, "invitation")
        raise NotFound(BAD_INVITATION)
    return person, uow.repo(Customers).find(person.customer_id)


def accept(ctx: Ctx, token: str, name: str, password: str):
    """Accept an invitation: the colleague names itself and chooses a password; once only."""
    person, _customer = invitation(ctx, token)
    problems = {} if (name or "").strip() else {"name": [_l("Required.")]}
    try:
        check_new_password(password, person.email)
    except Invalid as exc:
        problems.update(exc.fields)
    if problems:
        raise Invalid(fields=problems)
    with ctx.uow() as uow:
        uow.repo(Users).accept_invitation(person, link_tokens.digest(token), name.strip(), hash_password(password),
                                          ctx.now)
        audit.stage(uow, ctx, "colleague.joined", target_type="user", target_id=person.user_id,
                    actor_email=person.email, detail={"customer": person.customer_id})
        try:
            uow.commit()
        except WriteConflict as exc:
            if "email" in exc.tags:
                raise Conflict(HAS_ACCOUNT) from exc
            raise NotFound(BAD_INVITATION) from exc
    return person


def _change(ctx: Ctx, user_id: str, what: str, apply) -> object:
    """Change one colleague under the company's guard: same company, an active administrator left."""
    require_admin(ctx, what, user_id)
    uow = ctx.uow()
    customer = uow.repo(Customers).find(ctx.actor.customer_id)
    people = uow.repo(Users).of_customer(ctx.actor.customer_id)
    person = next((p for p in people if p.user_id == user_id), None)
    if person is None or customer is None:
        raise NotFound()
    detail = apply(person, people)
    if detail is None:  # nothing to change (a retry after the change was committed): no second write
        return person
    with ctx.uow() as uow:
        uow.repo(Customers).guard(customer.customer_id, customer.version)
        uow.repo(Users).save(person)
        audit.stage(uow, ctx, what, target_type="user", target_id=user_id, detail=detail)
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(CHANGED) from exc
    return person


def set_role(ctx: Ctx, user_id: str, role: str):
    """Make a colleague administrator or member."""
    if role not in tuple(CompanyRole):
        raise Invalid(fields={"role": [_l("Choose administrator or member.")]})

    def apply(person, people):
        if company_role(person) == role:
            return None
        if leaves_no_admin(people, person.user_id, new_role=role):
            raise Conflict(LAST_ADMIN, fields={"role": [LAST_ADMIN]})
        before, person.company_role = company_role(person).value, role
        person.tokens_after = ctx.now  # a role change ends API tokens issued before it
        return {"from": before, "to": role}

    return _change(ctx, user_id, "colleague.role_changed", apply)


def set_active(ctx: Ctx, user_id: str, active: bool):
    """Disable a colleague (its sessions and API tokens end at once) or enable it again; nobody disables itself,
    and the last active administrator is never disabled."""
    if not active and ctx.actor is not None and user_id == ctx.actor.user_id:
        raise refuse(ctx, "colleague.disable_self", user_id)

    def apply(person, people):
        if person.invite_hash:
            raise Conflict(_l("This person has not accepted the invitation yet."))
        if person.active == active:
            return None
        if not active and leaves_no_admin(people, person.user_id, disabling=True):
            raise Conflict(LAST_ADMIN)
        person.active = active
        person.tokens_after = ctx.now  # API tokens issued before stay dead, also after enabling
        return {"active": active}

    person = _change(ctx, user_id, "colleague.enabled" if active else "colleague.disabled", apply)
    if not active:
        end_all_sessions(ctx, user_id)
    return person
