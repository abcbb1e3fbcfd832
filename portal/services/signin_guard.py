"""Throttling that locks out no one (SEC-1 "sign-in throttling", issue 15 item 6).

Every failed secret check (a password at sign-in or on a password change, a TOTP or recovery code) counts under
three keys: the account from this client address (5 in 15 minutes make that pair wait, with growing delays), the
client address across accounts (a high limit that stops password spraying but not an office behind one NAT), and
the account from anywhere (never locked: after 20 failures signing in also needs an e-mailed one-time link or a
TOTP code, and the owner is told). One person's typos never stop a colleague; an attacker never stops the owner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.identity import Throttles as ThrottleRecords
from portal.adapters.uow import WriteConflict
from portal.domain.throttle import ThrottlePolicy, account_policy, client_policy, pair_policy
from portal.services import audit, outbox
from portal.services.context import Ctx
from portal.services.errors import Throttled
from portal.services.throttling import count_failure, forget, locks

WAIT = _l("Too many failed sign-in attempts. Please wait a little and try again: each new failure makes the wait "
         "longer.")


def _email(email: str) -> str:
    return (email or "").strip().lower()


@dataclass(frozen=True)
class Throttles:
    """The policies of the three keys a secret check is counted under."""

    pair: ThrottlePolicy = field(default_factory=pair_policy)
    client: ThrottlePolicy = field(default_factory=client_policy)
    account: ThrottlePolicy = field(default_factory=account_policy)

    def keys(self, email: str, ip: str | None) -> dict[str, tuple[str, ThrottlePolicy]]:
        """The throttle keys of one attempt, by kind."""
        email, ip = _email(email), ip or "unknown"
        return {"pair": (f"pair#{email}#{ip}", self.pair), "client": (f"client#{ip}", self.client),
                "account": (f"account#{email}", self.account)}


@dataclass(frozen=True)
class Standing:
    """What the throttles say before a secret is checked."""

    needs_second_step: bool  # the account had many failures from anywhere: a link or TOTP besides the password


def check(ctx: Ctx, email: str, throttles: Throttles, action: str = "auth.sign_in", channel: str = "web") -> Standing:
    """Raise Throttled while this account from this address, or this address, must wait (audited); else say
    whether the account needs a second step (one BatchGetItem)."""
    keys = throttles.keys(email, ctx.ip)
    found = locks([key for key, _ in keys.values()], ctx.now, ctx.store)
    waits = [found[keys[kind][0]] for kind in ("pair", "client") if keys[kind][0] in found]
    if waits:
        audit.record(ctx, action, outcome="refused", actor_email=_email(email) or None,
                     detail={"why": "throttled", "channel": channel})
        raise Throttled(max(waits), WAIT)
    return Standing(needs_second_step=keys["account"][0] in found)


def failed(ctx: Ctx, email: str, throttles: Throttles, action: str = "auth.sign_in", channel: str = "web",
           owner=None, what: str = "password") -> None:
    """Count a failed check under the three keys and audit it; when the account reaches its limit, its owner (if
    there is one) is told by mail, once."""
    keys = throttles.keys(email, ctx.ip)
    for kind in ("pair", "client"):
        count_failure(*keys[kind], ctx.now, ctx.store)
    account_failures = count_failure(*keys["account"], ctx.now, ctx.store)
    audit.record(ctx, action, outcome="failed", actor_email=_email(email) or None,
                 detail={"channel": channel, "what": what})
    if owner is not None and account_failures >= throttles.account.max_failures:
        _tell_owner(ctx, owner, keys["account"][0], account_failures)


def succeeded(ctx: Ctx, email: str, throttles: Throttles) -> None:
    """The right secret from this address: this pair's failures are forgotten (the account's stay counted)."""
    forget(throttles.keys(email, ctx.ip)["pair"][0], ctx.store)


def _tell_owner(ctx: Ctx, owner, key: str, failures: int) -> None:
    """Mail the owner once per window: the note on the throttle record, the audit and the mail in one commit."""
    with ctx.uow() as uow:
        uow.repo(ThrottleRecords).mark_told(key)
        audit.stage(uow, ctx, "auth.second_step_required", target_type="user", target_id=owner.user_id,
                    actor_email=owner.email, detail={"failures": failures})
        outbox.stage(uow, ctx, owner.email, "【客户门户】多次登录失败 / Many failed sign-ins",
                     f"{owner.name}：\n\n您的门户账号在过去一天内有 {failures} 次登录失败。账号没有被锁定；"
                     f"但在接下来的 24 小时内，登录时除密码外还需打开我们发送到本邮箱的一次性链接（或输入验证器"
                     f"应用中的动态码）。如果这些尝试不是您本人所为，建议修改密码。\n\n"
                     f"Your portal account had {failures} failed sign-ins in the past day. It is not locked; for "
                     f"the next 24 hours, signing in also needs a one-time link we mail to this address (or a code "
                     f"from your authenticator app). If these tries were not yours, consider changing your "
                     f"password.\n")
        try:
            uow.commit()
        except WriteConflict:  # told already in this window
            pass


def waiting_until(ctx: Ctx, email: str, throttles: Throttles) -> datetime | None:
    """Until when this account from this address must wait (None: it may try now)."""
    keys = throttles.keys(email, ctx.ip)
    found = locks([keys["pair"][0], keys["client"][0]], ctx.now, ctx.store)
    return max(found.values()) if found else None


# --- links (password reset, sign-in, and e-mail verification links): guessed ones are counted per address ----

LINK_POLICY = client_policy()  # 50 bad links from one address in 15 minutes: that address waits


def check_link(ctx: Ctx, kind: str) -> None:
    """Raise Throttled while this client address, having tried many bad `kind` links, must wait."""
    key = f"link#{kind}#{ctx.ip or 'unknown'}"
    found = locks([key], ctx.now, ctx.store)
    if found:
        audit.record(ctx, f"auth.{kind}_link", outcome="refused", detail={"why": "throttled"})
        raise Throttled(found[key], WAIT)


def count_bad_link(ctx: Ctx, kind: str) -> None:
    """Count a `kind` link that opened nothing (the caller audits it in its own words)."""
    count_failure(f"link#{kind}#{ctx.ip or 'unknown'}", LINK_POLICY, ctx.now, ctx.store)


def bad_link(ctx: Ctx, kind: str) -> None:
    """Count (and audit) a `kind` link that opened nothing: expired, used, replaced or forged."""
    count_bad_link(ctx, kind)
    audit.record(ctx, f"auth.{kind}_link", outcome="failed")
