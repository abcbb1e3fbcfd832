"""Settings from environment variables, in one place."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta

LOCAL_ENVS = ("local", "test")


class ConfigError(RuntimeError):
    """A setting is missing or wrong for the environment."""


@dataclass(frozen=True)
class Settings:
    """Every setting the portal reads, with its environment variable in the comment."""

    env: str = "local"  # PORTAL_ENV: local | test | dev | production
    aws_endpoint: str | None = None  # PORTAL_AWS_ENDPOINT: moto's URL locally; unset on AWS
    aws_region: str = "us-east-1"  # AWS_REGION / AWS_DEFAULT_REGION
    table_prefix: str = "portal-local-"  # PORTAL_TABLE_PREFIX
    bucket: str = "portal-local-documents"  # PORTAL_BUCKET
    mail_from: str = "no-reply@portal.local"  # PORTAL_MAIL_FROM (an SES-verified address)
    mail_region: str | None = None  # PORTAL_MAIL_REGION: SES's region when the stage's has none (e.g. ap-east-1)
    secret_key: str = field(default="", repr=False)  # PORTAL_SECRET_KEY: signs cookies (required outside local)
    secret_key_previous: str = field(default="", repr=False)  # PORTAL_SECRET_KEY_PREVIOUS: still verifies cookies
    token_key: str = field(default="", repr=False)  # PORTAL_TOKEN_KEY: signs API tokens (required outside local)
    token_key_previous: str = field(default="", repr=False)  # PORTAL_TOKEN_KEY_PREVIOUS: still verifies tokens
    secrets_parameter: str | None = None  # PORTAL_SECRETS_PARAMETER: SSM SecureString holding the four keys
    trusted_proxies: int = 0  # PORTAL_TRUSTED_PROXIES: X-Forwarded-For entries our own fronts append (0: none)
    static_url: str | None = None  # PORTAL_STATIC_URL: CDN or bucket URL of static files in production
    static_bucket: str | None = None  # PORTAL_STATIC_BUCKET: the public site's bucket (pages re-published there)
    public_url: str = "http://127.0.0.1:5000"  # PORTAL_PUBLIC_URL: the portal's origin (CORS, links)
    session_hours: int = 12  # PORTAL_SESSION_HOURS
    token_minutes: int = 15  # PORTAL_TOKEN_MINUTES: lifetime of API bearer tokens
    throttle_pair_max: int = 5  # PORTAL_THROTTLE_PAIR_MAX failures of one account from one address per 15 minutes
    throttle_client_max: int = 50  # PORTAL_THROTTLE_CLIENT_MAX failures from one address across accounts per 15 min
    throttle_account_max: int = 20  # PORTAL_THROTTLE_ACCOUNT_MAX failures from anywhere before a second step
    idle_staff_minutes: int = 30  # PORTAL_IDLE_STAFF_MINUTES: a staff session unused this long ends
    idle_customer_minutes: int = 120  # PORTAL_IDLE_CUSTOMER_MINUTES: a customer session unused this long ends
    mfa_required_roles: str = "md,lead,dm"  # PORTAL_MFA_REQUIRED_ROLES: staff roles that must use TOTP ("none")
    default_locale: str = "zh"  # PORTAL_DEFAULT_LOCALE

    @property
    def is_local(self) -> bool:
        """True for the local run and the tests: plain-HTTP cookies, no HSTS."""
        return self.env in LOCAL_ENVS

    @property
    def ses_region(self) -> str:
        """Where mail is sent from: PORTAL_MAIL_REGION, else the stage's region."""
        return self.mail_region or self.aws_region

    @property
    def cookie_keys(self) -> list[str]:
        """Keys that verify session cookies, the one that signs first (Flask's SECRET_KEY, then its fallbacks)."""
        return [k for k in (self.secret_key, self.secret_key_previous) if k]

    @property
    def token_keys(self) -> list[str]:
        """Keys that verify API tokens, oldest first as itsdangerous wants them (the last one signs)."""
        return [k for k in (self.token_key_previous, self.token_key) if k]

    @property
    def session_lifetime(self) -> timedelta:
        """How long a sign-in lasts."""
        return timedelta(hours=self.session_hours)

    @property
    def mfa_roles(self) -> frozenset[str]:
        """Staff roles that must sign in with a TOTP code besides the password (issue 15 item 5)."""
        names = {r.strip() for r in self.mfa_required_roles.split(",")} - {"", "none"}
        return frozenset(names)

    def idle_limit(self, kind: str) -> timedelta:
        """How long a session of a staff or customer account may go unused before it ends (issue 15 item 7)."""
        return timedelta(minutes=self.idle_staff_minutes if kind == "staff" else self.idle_customer_minutes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Read settings from the environment; `overrides` win."""
        env = os.environ if environ is None else environ
        names = {
            "env": "PORTAL_ENV",
            "aws_endpoint": "PORTAL_AWS_ENDPOINT",
            "table_prefix": "PORTAL_TABLE_PREFIX",
            "bucket": "PORTAL_BUCKET",
            "mail_from": "PORTAL_MAIL_FROM",
            "mail_region": "PORTAL_MAIL_REGION",
            "secret_key": "PORTAL_SECRET_KEY",
            "secret_key_previous": "PORTAL_SECRET_KEY_PREVIOUS",
            "token_key": "PORTAL_TOKEN_KEY",
            "token_key_previous": "PORTAL_TOKEN_KEY_PREVIOUS",
            "secrets_parameter": "PORTAL_SECRETS_PARAMETER",
            "trusted_proxies": "PORTAL_TRUSTED_PROXIES",
            "static_url": "PORTAL_STATIC_URL",
            "static_bucket": "PORTAL_STATIC_BUCKET",
            "public_url": "PORTAL_PUBLIC_URL",
            "session_hours": "PORTAL_SESSION_HOURS",
            "token_minutes": "PORTAL_TOKEN_MINUTES",
            "throttle_pair_max": "PORTAL_THROTTLE_PAIR_MAX",
            "throttle_account_max": "PORTAL_THROTTLE_ACCOUNT_MAX",
            "throttle_client_max": "PORTAL_THROTTLE_CLIENT_MAX",
            "idle_staff_minutes": "PORTAL_IDLE_STAFF_MINUTES",
            "idle_customer_minutes": "PORTAL_IDLE_CUSTOMER_MINUTES",
            "mfa_required_roles": "PORTAL_MFA_REQUIRED_ROLES",
            "default_locale": "PORTAL_DEFAULT_LOCALE",
        }
        types = {f.name: f.type for f in fields(cls)}
        values: dict = {}
        for attr, var in names.items():
            raw = env.get(var)
            if raw not in (None, ""):
                values[attr] = int(raw) if types[attr] == "int" else raw
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
        if region:
            values["aws_region"] = region
        values.update(overrides)
        return cls(**values).checked()

    def with_keys(self, keys: Mapping[str, str]) -> Settings:
        """These settings with the keys read from the secrets parameter (SEC-1, issue 14 item 3)."""
        known = ("secret_key", "secret_key_previous", "token_key", "token_key_previous")
        return replace(self, **{name: keys.get(name) or "" for name in known}).checked()

    def checked(self) -> Settings:
        """Refuse unsafe combinations; give local runs throw-away keys."""
        if self.env not in ("local", "test", "dev", "production"):
            raise ConfigError(f"PORTAL_ENV must be local, test, dev or production, not {self.env!r}")
        if self.trusted_proxies < 0:
            raise ConfigError("PORTAL_TRUSTED_PROXIES must be 0 or more")
        unknown = self.mfa_roles - {"md", "lead", "dm", "clerk", "rep"}
        if unknown:
            raise ConfigError(f"PORTAL_MFA_REQUIRED_ROLES names unknown roles: {', '.join(sorted(unknown))}")
        if self.secrets_parameter and not self.secret_key:
            return self  # the keys are read from SSM when the app is made (portal.adapters.secrets)
        if self.is_local:
            return replace(self, secret_key=self.secret_key or secrets.token_urlsafe(32),
                           token_key=self.token_key or secrets.token_urlsafe(32))
        for name, var in (("secret_key", "PORTAL_SECRET_KEY"), ("token_key", "PORTAL_TOKEN_KEY")):
            if not getattr(self, name):
                raise ConfigError(f"{var} (or PORTAL_SECRETS_PARAMETER) must be set outside local runs")
            if len(getattr(self, name)) < 32:
                raise ConfigError(f"{var} must be at least 32 characters")
        if self.token_key in (self.secret_key, self.secret_key_previous):
            raise ConfigError("PORTAL_TOKEN_KEY must differ from the cookie keys (PORTAL_SECRET_KEY)")
        return self
