"""The signing keys from SSM Parameter Store (a SecureString), read once per process (issue 14 item 3).

The parameter holds JSON: {"secret_key": …, "secret_key_previous": …, "token_key": …, "token_key_previous": …}.
`secret_key` signs session cookies, `token_key` signs API tokens; each `_previous` key still verifies what it
signed while a rotation runs (`python -m portal.tools.deploy rotate-keys STAGE`), so nobody is signed out.
"""

from __future__ import annotations

import json

from portal.adapters import aws

KEY_NAMES = ("secret_key", "secret_key_previous", "token_key", "token_key_previous")
_cache: dict[str, dict[str, str]] = {}


def read(parameter: str) -> dict[str, str]:
    """The keys kept in `parameter` (one GetParameter per process and parameter; the client is made here)."""
    if parameter not in _cache:
        answer = aws.client("ssm").get_parameter(Name=parameter, WithDecryption=True)
        value = json.loads(answer["Parameter"]["Value"])
        _cache[parameter] = {name: str(value.get(name) or "") for name in KEY_NAMES}
    return dict(_cache[parameter])


def forget() -> None:
    """Read the parameter again next time (tests, and a rotation tool in the same process)."""
    _cache.clear()


def resolve(settings):
    """`settings` with its keys filled from the secrets parameter when it names one and holds no key yet."""
    if settings.secrets_parameter and not settings.secret_key:
        return settings.with_keys(read(settings.secrets_parameter))
    return settings
