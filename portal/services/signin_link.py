"""The second step for an account under attack (issue 15 item 6): after many failed sign-ins from anywhere, the
right password alone no longer opens a session; a one-time link (15 minutes, stored hashed, void after use or
when a newer one is sent) mailed to the owner does. The attacker, without the mailbox, gets nothing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import replace
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.identity import Users
from portal.adapters.uow import WriteConflict
from portal.services import audit, outbox, signin_guard
from portal.services.context import Ctx
from portal.services.errors import NotFound
from portal.services.sessions import actor_for

LIFETIME = timedelta(minutes=15)
MAX_TOKEN = 200
BAD_LINK = _l("This sign-in link is not valid or has expired. Sign in again to get a new one.")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def send(ctx: Ctx, user, portal_url: str) -> None:
    """Mail the owner a one-time sign-in link (after the right password, while the account needs a second step)."""
    token = f"{user.user_id}.{secrets.token_urlsafe(32)}"
    link = f"{portal_url.rstrip('/')}/login/link/{token}"
    with ctx.uow() as uow:
        uow.repo(Users).open_signin_link(user.user_id, _hash(token), ctx.now + LIFETIME)
        audit.stage(uow, replace(ctx, actor=actor_for(user)), "auth.signin_link_sent", target_type="user",
                    target_id=user.user_id)
        outbox.stage(uow, ctx, user.email, "【客户门户】登录链接 / Your sign-in link",
                     f"{user.name}：\n\n您的账号近期有多次登录失败，因此本次登录需要打开以下一次性链接"
                     f"（15 分钟内有效，仅可使用一次）：\n{link}\n\n如果不是您本人在登录，请忽略本邮件并修改密码。\n\n"
                     f"Your account had many failed sign-ins lately, so this sign-in needs this one-time link "
                     f"(valid 15 minutes, works once):\n{link}\n"
                     f"If you are not signing in right now, ignore this mail and change your password.\n")
        uow.commit()


def use(ctx: Ctx, token: str):
    """The account a sign-in link opens, once (NotFound for an expired, used, replaced or forged link)."""
    signin_guard.check_link(ctx, "signin")
    user_id = token.split(".", 1)[0] if token and len(token) <= MAX_TOKEN and "." in token else None
    user = ctx.uow().repo(Users).find(user_id)
    if (user is None or not user.active or not user.signin_hash or user.signin_expires is None
            or user.signin_expires <= ctx.now or not hmac.compare_digest(user.signin_hash, _hash(token))):
        signin_guard.bad_link(ctx, "signin")
        raise NotFound(BAD_LINK)
    with ctx.uow() as uow:
        uow.repo(Users).use_signin_link(user.user_id, _hash(token))
        audit.stage(uow, replace(ctx, actor=actor_for(user)), "auth.signin_link", target_type="user",
                    target_id=user.user_id)
        try:
            uow.commit()
        except WriteConflict as exc:
            raise NotFound(BAD_LINK) from exc
    return user
