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
    secret_key: str = field(default="", repr=False)  # PORTAL_SECRET_KEY (required outside local runs)
    static_url: str | None = None  # PORTAL_STATIC_URL: CDN or bucket URL of static files in production
    static_bucket: str | None = None  # PORTAL_STATIC_BUCKET: the public site's bucket (pages re-published there)
    public_url: str = "http://127.0.0.1:5000"  # PORTAL_PUBLIC_URL: the portal's origin (CORS, links)
    session_hours: int = 12  # PORTAL_SESSION_HOURS
    token_minutes: int = 15  # PORTAL_TOKEN_MINUTES: lifetime of API bearer tokens
    throttle_account_max: int = 5  # PORTAL_THROTTLE_ACCOUNT_MAX failures per 15 minutes
    throttle_client_max: int = 5  # PORTAL_THROTTLE_CLIENT_MAX failures per 15 minutes
    default_locale: str = "zh"  # PORTAL_DEFAULT_LOCALE

    @property
    def is_local(self) -> bool:
        """True for the local run and the tests: plain-HTTP cookies, no HSTS."""
        return self.env in LOCAL_ENVS

    @property
    def session_lifetime(self) -> timedelta:
        """How long a sign-in lasts."""
        return timedelta(hours=self.session_hours)

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
            "secret_key": "PORTAL_SECRET_KEY",
            "static_url": "PORTAL_STATIC_URL",
            "static_bucket": "PORTAL_STATIC_BUCKET",
            "public_url": "PORTAL_PUBLIC_URL",
            "session_hours": "PORTAL_SESSION_HOURS",
            "token_minutes": "PORTAL_TOKEN_MINUTES",
            "throttle_account_max": "PORTAL_THROTTLE_ACCOUNT_MAX",
            "throttle_client_max": "PORTAL_THROTTLE_CLIENT_MAX",
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

    def checked(self) -> Settings:
        """Refuse unsafe combinations; give local runs a throw-away secret key."""
        if self.env not in ("local", "test", "dev", "production"):
            raise ConfigError(f"PORTAL_ENV must be local, test, dev or production, not {self.env!r}")
        if not self.secret_key:
            if not self.is_local:
                raise ConfigError("PORTAL_SECRET_KEY must be set outside local runs")
            return replace(self, secret_key=secrets.token_urlsafe(32))
        if not self.is_local and len(self.secret_key) < 32:
            raise ConfigError("PORTAL_SECRET_KEY must be at least 32 characters")
        return self
