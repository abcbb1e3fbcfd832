"""Profiles (issue 15 item 4): each person edits its name, mobile, language and e-mail address (a new address is
re-verified first, item 2); a customer company's administrator edits its contact and mailing address. What is
registration data (name, legal representative, credit code, business scope, registered address) stays an OBL-1
change report (portal/services/changes.py). Every change is audited."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.customers import Customers
from portal.adapters.repos.identity import Users
from portal.adapters.repos.search import SearchIndex
from portal.adapters.uow import WriteConflict
from portal.domain.accounts import LANGUAGES
from portal.domain.customers import mainland_mobile
from portal.services import audit, outbox, verification
from portal.services.access import refuse
from portal.services.auth import normalise_email
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound, Unauthenticated

COMPANY_FIELDS = ("contact_name", "mobile", "email", "region", "mailing_address")
STALE = _l("Someone changed this meanwhile. Reload and try again.")
NOT_MOBILE = _l("Not a mainland China mobile number.")


@dataclass(frozen=True)
class Profile:
    """The profile page: the person, and its company for a customer's user."""

    user: object
    customer: object | None


def _me(ctx: Ctx, uow):
    if ctx.actor is None:
        raise Unauthenticated()
    user = uow.repo(Users).find(ctx.actor.user_id)
    if user is None:
        raise NotFound()
    return user


def view(ctx: Ctx) -> Profile:
    """The signed-in person's profile (and company): at most two reads."""
    uow = ctx.uow()
    user = _me(ctx, uow)
    customer = uow.repo(Customers).find(user.customer_id) if user.customer_id else None
    return Profile(user, customer)


def update_me(ctx: Ctx, name: str, mobile: str | None, language: str | None):
    """Change one's own name, mobile and language."""
    problems: dict = {}
    name = (name or "").strip()
    if not name:
        problems["name"] = [_l("Required.")]
    number = mainland_mobile(mobile) if (mobile or "").strip() else None
    if (mobile or "").strip() and not number:
        problems["mobile"] = [NOT_MOBILE]
    if language and language not in LANGUAGES:
        problems["language"] = [_l("Choose 中文 or English.")]
    if problems:
        raise Invalid(fields=problems)
    with ctx.uow() as uow:
        user = _me(ctx, uow)
        changed = {k: v for k, v in {"name": name, "mobile": number, "language": language or None}.items()
                   if getattr(user, k) != v}
        for key, value in changed.items():
            setattr(user, key, value)
        if changed:
            uow.repo(Users).save(user)
            audit.stage(uow, ctx, "account.profile_changed", target_type="user", target_id=user.user_id,
                        detail={"fields": sorted(changed)})
            try:
                uow.commit()
            except WriteConflict as exc:
                raise Conflict(STALE) from exc
    return user


def change_email(ctx: Ctx, email: str, portal_url: str) -> None:
    """Ask for a new sign-in address: it takes effect once the link mailed to it is opened (item 2). The answer
    is the same when the address has an account (its owner is told instead, nothing changes)."""
    email = normalise_email(email)
    uow = ctx.uow()
    user = _me(ctx, uow)
    if not email or "@" not in email:
        raise Invalid(fields={"email": [_l("Not a valid e-mail address.")]})
    if email == user.email:
        raise Invalid(fields={"email": [_l("This is your address already.")]})
    taken = uow.repo(Users).email_taken(email)
    with ctx.uow() as uow:
        if taken:
            outbox.stage(uow, ctx, email, "【客户门户】有人想使用您的邮箱 / Someone tried to use your address",
                         "有人尝试把本邮箱设为另一个门户账户的登录邮箱。本邮箱已有账户，未作任何更改。\n\n"
                         "Someone tried to make this address the sign-in address of another portal account. It has "
                         "an account already; nothing was changed.\n")
            audit.stage(uow, ctx, "account.email_change_requested", outcome="refused", target_type="user",
                        target_id=user.user_id)
        else:
            verification.stage_link(uow, ctx, user, email, portal_url)
            audit.stage(uow, ctx, "account.email_change_requested", target_type="user", target_id=user.user_id,
                        detail={"to": email})
        uow.commit()


def edit_company(ctx: Ctx, values: dict, version: int | None):
    """The company's administrator edits its contact and mailing address (not registration data: OBL-1)."""
    actor = ctx.actor
    if actor is None or not actor.is_customer or not actor.company_admin:
        raise refuse(ctx, "company.edit", actor.customer_id if actor else None)
    values = {k: (values.get(k) or "").strip() for k in COMPANY_FIELDS}
    problems: dict = {k: [_l("Required.")] for k in ("contact_name", "mobile", "email", "region") if not values[k]}
    if values["mobile"] and not mainland_mobile(values["mobile"]):
        problems["mobile"] = [NOT_MOBILE]
    values["mobile"] = mainland_mobile(values["mobile"]) or values["mobile"]
    values["email"] = normalise_email(values["email"])
    if values["email"] and "@" not in values["email"]:
        problems["email"] = [_l("Not a valid e-mail address.")]
    if problems:
        raise Invalid(fields=problems)
    uow = ctx.uow()
    customer = uow.repo(Customers).find(actor.customer_id)
    if customer is None:
        raise NotFound()
    changed = {k: v or None for k, v in values.items() if (getattr(customer, k) or None) != (v or None)}
    if not changed:
        return customer
    with ctx.uow() as uow:
        uow.repo(Customers).edit_contact(customer.customer_id, changed, version or customer.version)
        uow.repo(SearchIndex).keep(dataclasses.replace(customer, **changed), before=customer)  # issue 17 item 5
        audit.stage(uow, ctx, "customer.contact_changed", target_type="customer", target_id=customer.customer_id,
                    detail={"fields": sorted(changed)})
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(STALE) from exc
    for key, value in changed.items():
        setattr(customer, key, value)
    return customer
