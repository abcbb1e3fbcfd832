"""Verified e-mail addresses (issue 15 item 2): a single-use link, valid 24 hours, confirms an address.

Registration mails one; until the address is verified a customer may sign in and upload, but not apply for
admission or file a ticket. A new address (a profile change) takes effect only when its link is opened, and the
old address is then told. Resending is throttled per account, as reset links are.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.identity import Users
from portal.adapters.uow import WriteConflict
from portal.domain.accounts import VERIFICATION_LIFETIME
from portal.domain.throttle import ThrottlePolicy
from portal.services import audit, link_tokens, outbox, signin_guard
from portal.services.context import Ctx
from portal.services.errors import Conflict, Forbidden, NotFound, Throttled, Unauthenticated
from portal.services.throttling import count_failure, locked_until

RESEND_LIMIT = ThrottlePolicy(max_failures=3, window=timedelta(minutes=15), lock=timedelta(minutes=15))
BAD_LINK = _l("This verification link is not valid or has expired. Sign in and ask for a new one.")
NOT_VERIFIED = _l("Verify your e-mail address first: open the link we sent you, or ask for a new one on your "
                  "home page.")
ADDRESS_TAKEN = _l("This address now belongs to another account. Choose another address.")


def require_verified(ctx: Ctx) -> None:
    """Refuse (403, with the reason) a customer whose address is not verified yet: applying and filing tickets."""
    if ctx.actor is not None and ctx.actor.is_customer and not ctx.actor.verified:
        audit.record(ctx, "access.refused", outcome="refused", target_type="unverified_email",
                     target_id=ctx.actor.user_id)
        raise Forbidden(NOT_VERIFIED)


def stage_link(uow, ctx: Ctx, user, address: str, portal_url: str, *, new_account: bool = False) -> None:
    """Stage a verification link for `address` on `user`'s account (replacing any earlier) and its mail; for a
    `new_account` (not written yet) the link goes on the record the caller then adds."""
    token, token_hash = link_tokens.new_token(user.user_id)
    link = f"{portal_url.rstrip('/')}/account/verify/{token}"
    if new_account:
        user.verify_email, user.verify_hash = address, token_hash
        user.verify_expires = ctx.now + VERIFICATION_LIFETIME
    else:
        uow.repo(Users).open_verification(user.user_id, address, token_hash, ctx.now + VERIFICATION_LIFETIME)
    outbox.stage(uow, ctx, address, "【客户门户】请验证您的邮箱 / Verify your e-mail address",
                 f"{user.name}：\n\n请在 24 小时内打开以下链接验证本邮箱（仅可使用一次）：\n{link}\n\n"
                 f"Open this link within 24 hours to verify this address (it works once):\n{link}\n\n"
                 f"如果不是您本人操作，请忽略本邮件。If this was not you, ignore this mail.\n")


def _holder(ctx: Ctx, token: str):
    """The account whose open verification link this is (NotFound for any other: expired, used, replaced,
    forged, or issued before the address changed); guessed links are throttled per client address."""
    signin_guard.check_link(ctx, "verify")
    user = ctx.uow().repo(Users).find(link_tokens.owner_of(token))
    if (user is None or not user.active or not user.verify_email
            or not link_tokens.opens(user.verify_hash, user.verify_expires, token, ctx.now)):
        audit.record(ctx, "account.email_verified", outcome="failed", target_type="user",
                     target_id=user.user_id if user else None)
        signin_guard.count_bad_link(ctx, "verify")
        raise NotFound(BAD_LINK)
    return user


def verify(ctx: Ctx, token: str) -> str:
    """Open a verification link: the address is verified (a new one replaces the old, which is told). Returns the
    verified address."""
    user = _holder(ctx, token)
    changing = user.verify_email != user.email
    with ctx.uow() as uow:
        uow.repo(Users).finish_verification(user, link_tokens.digest(token))
        audit.stage(uow, ctx, "account.email_verified", target_type="user", target_id=user.user_id,
                    actor_email=user.verify_email,
                    detail={"changed_from": user.email, "to": user.verify_email} if changing else None)
        if changing:
            outbox.stage(uow, ctx, user.email, "【客户门户】您的登录邮箱已更改 / Your sign-in address was changed",
                         f"{user.name}：\n\n您的门户登录邮箱已改为 {user.verify_email}，今后请用新邮箱登录。"
                         f"如果这不是您本人操作，请立即联系我们。\n\n"
                         f"Your portal sign-in address is now {user.verify_email}. If this was not you, contact us "
                         f"at once.\n")
        try:
            uow.commit()
        except WriteConflict as exc:
            if "email" in exc.tags:
                raise Conflict(ADDRESS_TAKEN) from exc
            raise NotFound(BAD_LINK) from exc  # used or replaced meanwhile
    return user.verify_email


def resend(ctx: Ctx, portal_url: str) -> None:
    """Mail a new link for the signed-in user's unverified (or pending new) address; throttled per account."""
    if ctx.actor is None:
        raise Unauthenticated()
    key = f"verify#account#{ctx.actor.user_id}"
    until = locked_until([(key, RESEND_LIMIT)], ctx.now, ctx.store)
    if until:
        raise Throttled(until, _l("Too many links asked for. Please try again in 15 minutes."))
    user = ctx.uow().repo(Users).find(ctx.actor.user_id)
    address = user.verify_email or (None if user.email_verified is not False else user.email)
    if address is None:
        raise Conflict(_l("Your e-mail address is verified already."))
    count_failure(key, RESEND_LIMIT, ctx.now, ctx.store)
    with ctx.uow() as uow:
        stage_link(uow, ctx, user, address, portal_url)
        audit.stage(uow, ctx, "account.verification_sent", target_type="user", target_id=user.user_id)
        uow.commit()
