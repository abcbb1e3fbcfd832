"""Two-factor sign-in (issue 15 item 5): TOTP with an authenticator app, its QR code drawn by the server, and 10
single-use recovery codes stored hashed. Required for the roles a setting names; optional for everyone else. A
code is never accepted twice (the last used time-step is remembered); wrong codes are throttled like passwords;
MD resets a lost device, audited, and the owner is told."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace

import segno
from flask_babel import lazy_gettext as _l

from portal.adapters.repos.identity import Throttles as ThrottleRecords
from portal.adapters.repos.identity import Users
from portal.adapters.uow import WriteConflict
from portal.domain import totp
from portal.domain.roles import Perm
from portal.services import audit, outbox
from portal.services.access import authorize
from portal.services.auth import actor_for, end_all_sessions
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.sessions import stage_ending
from portal.services.signin_guard import Throttles, check, failed

ON_ALREADY = _l("Two-factor sign-in is on already.")
OFF_ALREADY = _l("Two-factor sign-in is off already.")
REQUIRED = _l("Your role must sign in with two factors: it cannot be turned off.")
USED_CODE = _l("This code was used already. Wait for the next code in your app.")
WRONG_CODE = _l("The code is wrong or was used already. Enter the current code from your app, or a recovery code.")


@dataclass(frozen=True)
class Setup:
    """A TOTP secret being set up: typed by hand or read from the QR code (an SVG drawn here)."""

    secret: str
    uri: str
    qr_svg: str


def required_for(user, required_roles: frozenset[str]) -> bool:
    """Must this account sign in with TOTP?"""
    return user.kind == "staff" and (user.role or "") in required_roles


def must_set_up(user, required_roles: frozenset[str]) -> bool:
    """A required account without TOTP yet: sent to set it up before anything else."""
    return required_for(user, required_roles) and not user.totp_secret


def _hash(code: str) -> str:
    return hashlib.sha256(totp.normalise_code(code).encode()).hexdigest()


def _setup_of(user, secret: str) -> Setup:
    uri = totp.provisioning_uri(secret, user.email)
    return Setup(secret, uri, segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff"))


def start_setup(ctx: Ctx) -> Setup:
    """A new secret for the signed-in user to set up (replacing one not yet confirmed)."""
    secret = totp.new_secret()
    with ctx.uow() as uow:
        user = uow.repo(Users).get(ctx.actor.user_id)
        uow.repo(Users).begin_totp(user.user_id, secret)
        audit.stage(uow, ctx, "auth.totp_setup_started", target_type="user", target_id=user.user_id)
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(ON_ALREADY) from exc
    return _setup_of(user, secret)


def pending_setup(ctx: Ctx) -> Setup | None:
    """The secret the signed-in user is setting up, or None."""
    user = ctx.uow().repo(Users).get(ctx.actor.user_id)
    return _setup_of(user, user.totp_pending) if user and user.totp_pending and not user.totp_secret else None


def confirm_setup(ctx: Ctx, code: str, throttles: Throttles | None = None) -> list[str]:
    """Turn TOTP on once a code from the app matches the secret being set up; the 10 recovery codes, shown once."""
    throttles = throttles or Throttles()
    check(ctx, ctx.actor.email, throttles, action="auth.totp_setup")
    user = ctx.uow().repo(Users).get(ctx.actor.user_id)
    if user.totp_secret:  # on already (a retry whose first try was committed, or another tab's)
        raise Conflict(ON_ALREADY)
    if not user.totp_pending:
        raise NotFound(_l("Start the set-up again."))
    step = totp.matching_step(user.totp_pending, code, ctx.now, None)
    if step is None:
        failed(ctx, user.email, throttles, action="auth.totp_setup", owner=user, what="totp")
        raise Invalid(fields={"code": [_l("The code does not match. Check the time on your phone and try "
                                          "again with the newest code.")]})
    codes = ["-".join("".join(secrets.choice(totp.RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
             for _ in range(totp.RECOVERY_CODES)]
    with ctx.uow() as uow:  # TOTP on, this pair's failures forgotten, audit and mail: one commit, the last write
        uow.repo(Users).enable_totp(user.user_id, user.totp_pending, step, {_hash(c) for c in codes})
        uow.repo(ThrottleRecords).clear(throttles.keys(user.email, ctx.ip)["pair"][0])
        audit.stage(uow, ctx, "auth.totp_enabled", target_type="user", target_id=user.user_id)
        outbox.stage(uow, ctx, user.email, "【客户门户】已开启两步验证 / Two-factor sign-in is on",
                     f"{user.name}：\n\n您的门户账号已开启两步验证：登录时除密码外还需输入验证器应用中的动态码。"
                     f"如果这不是您本人操作，请立即联系营销事业部。\n\n"
                     f"Two-factor sign-in is now on for your portal account. If this was not you, contact the "
                     f"Marketing Division at once.\n")
        try:
            uow.commit()
        except WriteConflict as exc:
            raise NotFound(_l("Start the set-up again.")) from exc
    return codes


def verify_code(ctx: Ctx, user_id: str, code: str, throttles: Throttles | None = None, channel: str = "web"):
    """The second step of a sign-in: a TOTP code not used before, or an unused recovery code (used up now).
    Throttled like a password; a wrong or replayed code is audited. Returns the account."""
    throttles = throttles or Throttles()
    users = ctx.uow().repo(Users)
    user = users.find(user_id)
    if user is None or not user.active or not user.totp_secret:
        raise NotFound(_l("Sign in again."))
    check(ctx, user.email, throttles, action="auth.totp", channel=channel)
    code = totp.normalise_code(code)
    with ctx.uow() as uow:  # the code used up and this pair's failures forgotten: one commit, the last write
        step = totp.matching_step(user.totp_secret, code, ctx.now, user.totp_last_step)
        if step is None and totp.matching_step(user.totp_secret, code, ctx.now, None) is not None:
            failed(ctx, user.email, throttles, action="auth.totp", channel=channel, owner=user, what="replay")
            raise Conflict(USED_CODE, fields={"code": [USED_CODE]})  # a replay (or a retry after success)
        if step is not None:
            uow.repo(Users).use_totp_step(user.user_id, step)
        elif not totp.looks_like_totp(code) and _hash(code) in (user.recovery_hashes or set()):
            uow.repo(Users).use_recovery_code(user.user_id, _hash(code))
            audit.stage(uow, replace(ctx, actor=actor_for(user)), "auth.recovery_code_used", target_type="user",
                        target_id=user.user_id, detail={"left": len(user.recovery_hashes) - 1})
        try:
            if not uow.staged:
                raise WriteConflict({"wrong"})
            uow.repo(ThrottleRecords).clear(throttles.keys(user.email, ctx.ip)["pair"][0])
            uow.commit()
        except WriteConflict:  # wrong, or used already (by this request's twin too: the condition decides)
            failed(ctx, user.email, throttles, action="auth.totp", channel=channel, owner=user, what="totp")
            raise Invalid(fields={"code": [WRONG_CODE]}) from None
    return user


def turn_off(ctx: Ctx, code: str, required_roles: frozenset[str], throttles: Throttles | None = None) -> None:
    """Turn one's optional two-factor sign-in off with a current code (or a recovery code); refused for a role
    that requires it. Checked and written in one commit (a retry after a lost answer finds it off); a wrong code is
    throttled like a sign-in. Audited; the owner is told by mail (a security notice)."""
    throttles = throttles or Throttles()
    user = ctx.uow().repo(Users).get(ctx.actor.user_id)
    if required_for(user, required_roles):
        raise Conflict(REQUIRED)
    if not user.totp_secret:
        raise Conflict(OFF_ALREADY)
    check(ctx, user.email, throttles, action="auth.totp_off")
    code = totp.normalise_code(code)
    if (totp.matching_step(user.totp_secret, code, ctx.now, user.totp_last_step) is None
            and (totp.looks_like_totp(code) or _hash(code) not in (user.recovery_hashes or set()))):
        failed(ctx, user.email, throttles, action="auth.totp_off", owner=user, what="totp")
        raise Invalid(fields={"code": [WRONG_CODE]})
    with ctx.uow() as uow:  # TOTP off, audit and mail: one commit
        uow.repo(Users).turn_off_totp(user.user_id, user.totp_secret)
        audit.stage(uow, ctx, "auth.totp_disabled", target_type="user", target_id=user.user_id)
        outbox.stage(uow, ctx, user.email, "【客户门户】已关闭两步验证 / Two-factor sign-in is off",
                     f"{user.name}：\n\n您的门户账号已关闭两步验证：登录时只需密码。"
                     f"如果这不是您本人操作，请立即修改密码并联系营销事业部。\n\n"
                     f"Two-factor sign-in is now off for your portal account. If this was not you, change your "
                     f"password at once and contact the Marketing Division.\n")
        try:
            uow.commit()
        except WriteConflict as exc:  # turned off (or reset) meanwhile
            raise Conflict(OFF_ALREADY) from exc


def reset(ctx: Ctx, user_id: str) -> None:
    """MD turns a staff member's two-factor off (a lost device): audited, the owner told, every session ended;
    a required account sets it up again at its next sign-in."""
    authorize(ctx, Perm.RESET_TWO_FACTOR, None, target=f"user:{user_id}")
    user = ctx.uow().repo(Users).find(user_id)
    if user is None or user.kind != "staff":
        raise NotFound()
    with ctx.uow() as uow:  # TOTP off, sessions ended, audit and mail: one commit (the rest, if many, after)
        more_left = stage_ending(uow, user.user_id)
        uow.repo(Users).clear_totp(user.user_id)
        audit.stage(uow, ctx, "auth.totp_reset", target_type="user", target_id=user.user_id,
                    dept_id=user.dept_id)
        outbox.stage(uow, ctx, user.email, "【客户门户】两步验证已重置 / Two-factor sign-in was reset",
                     f"{user.name}：\n\n营销事业部已重置您的两步验证（例如手机丢失）。下次登录时请重新设置。"
                     f"如果您没有提出这一请求，请立即联系营销事业部。\n\n"
                     f"The Marketing Division reset your two-factor sign-in (for a lost device). Set it up again at "
                     f"your next sign-in. If you did not ask for this, contact the Marketing Division at once.\n")
        uow.commit()
    if more_left:  # more sessions than one transaction holds: the rest after it
        end_all_sessions(ctx, user.user_id)
