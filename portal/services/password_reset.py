"""Forgotten passwords (SEC-1; issue 15): a single-use link by e-mail, valid 30 minutes, void after use or when a
newer one is sent; the same answer whether or not the address has an account. The new password meets the same
policy; every session and API token of the account ends, and the owner is told."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.identity import Users
from portal.adapters.uow import WriteConflict
from portal.domain.throttle import ThrottlePolicy
from portal.services import audit, link_tokens, notifications, outbox, signin_guard
from portal.services.auth import actor_for, check_new_password, end_all_sessions, hash_password, normalise_email
from portal.services.context import Ctx
from portal.services.errors import NotFound, Throttled
from portal.services.sessions import stage_ending
from portal.services.throttling import count_failure, locked_until

LIFETIME = timedelta(minutes=30)
# Requests are counted per client address (a high limit: an office shares one) and per account (a mailbox is not
# flooded); an account over its limit gets no more mail, silently, so the answer still says nothing about it.
CLIENT_LIMIT = ThrottlePolicy(max_failures=30, window=timedelta(minutes=15), lock=timedelta(minutes=15))
ACCOUNT_LIMIT = ThrottlePolicy(max_failures=3, window=timedelta(minutes=15), lock=timedelta(minutes=15))
BAD_LINK = _l("This link is not valid or has expired. Ask for a new one.")


_hash = link_tokens.digest


def request_reset(ctx: Ctx, email: str, portal_url: str) -> None:
    """Mail a reset link to the account with this address, if there is one; answer the same either way."""
    email = normalise_email(email)
    client = f"reset#client#{ctx.ip or 'unknown'}"
    until = locked_until([(client, CLIENT_LIMIT)], ctx.now, ctx.store)
    if until:
        raise Throttled(until)
    count_failure(client, CLIENT_LIMIT, ctx.now, ctx.store)
    account = f"reset#account#{email}"
    user = ctx.uow().repo(Users).with_email(email) if email else None
    if user is None or not user.active or locked_until([(account, ACCOUNT_LIMIT)], ctx.now, ctx.store):
        audit.record(ctx, "auth.reset_requested", outcome="ignored", actor_email=email or None)
        return
    count_failure(account, ACCOUNT_LIMIT, ctx.now, ctx.store)  # before the commit: nothing follows it
    token, token_hash = link_tokens.new_token(user.user_id)
    link = f"{portal_url.rstrip('/')}/password/reset/{token}"
    with ctx.uow() as uow:  # the link, its audit and its mail: one commit, the request's last write
        uow.repo(Users).open_reset(user.user_id, token_hash, ctx.now + LIFETIME)
        audit.stage(uow, ctx, "auth.reset_requested", target_type="user", target_id=user.user_id,
                    actor_email=email)
        outbox.stage(uow, ctx, user.email, "【客户门户】重设密码 / Reset your password",
                     f"{user.name}：\n\n请在 30 分钟内打开以下链接设置新密码（仅可使用一次）：\n{link}\n\n"
                     f"如果您没有申请重设密码，请忽略本邮件，您的密码不会改变。\n\n"
                     f"Open this link within 30 minutes to set a new password (it works once):\n{link}\n"
                     f"If you did not ask for it, ignore this mail: your password stays as it is.\n")
        uow.commit()


def _holder(ctx: Ctx, token: str):
    """The active account a reset link opens (NotFound for any other link: expired, used, replaced or forged)."""
    signin_guard.check_link(ctx, "reset")  # guessed links: throttled per client address, audited (issue 15)
    user = ctx.uow().repo(Users).find(link_tokens.owner_of(token))
    if user is None or not user.active or not link_tokens.opens(user.reset_hash, user.reset_expires, token, ctx.now):
        signin_guard.bad_link(ctx, "reset")
        raise NotFound(BAD_LINK)
    return user


def check_link(ctx: Ctx, token: str) -> None:
    """Raise NotFound unless the link may still set a password (the page says so before asking for one)."""
    _holder(ctx, token)


def reset_password(ctx: Ctx, token: str, password: str):
    """Set a new password through a reset link: once; sessions and API tokens end; the owner is told."""
    user = _holder(ctx, token)
    check_new_password(password, user.email)
    with ctx.uow() as uow:  # password, link closed, sessions ended, audit and mail: one transaction
        more_left = stage_ending(uow, user.user_id)
        uow.repo(Users).finish_reset(user.user_id, _hash(token), hash_password(password), ctx.now)
        audit.stage(uow, ctx, "auth.password_reset", target_type="user", target_id=user.user_id,
                    actor_email=user.email)
        # the owner is told in its inbox and by mail at once, whatever its preferences (a security kind)
        notifications.notify(uow, ctx, [user], "security_password_reset", "/account/security")
        try:
            uow.commit()
        except WriteConflict as exc:  # used (or replaced) meanwhile
            raise NotFound(BAD_LINK) from exc
    if more_left:  # more sessions than one transaction holds: the rest after it
        end_all_sessions(ctx, user.user_id)
    return actor_for(user)
