"""Settings come from the environment; production refuses unsafe gaps."""

import pytest

from portal.config import ConfigError, Settings


def test_local_defaults_get_a_throwaway_secret_and_no_endpoint():
    s = Settings.from_env({})
    assert s.env == "local" and s.is_local and len(s.secret_key) >= 32 and s.aws_endpoint is None


def test_production_needs_a_long_secret_key():
    with pytest.raises(ConfigError):
        Settings.from_env({"PORTAL_ENV": "production"})
    with pytest.raises(ConfigError):
        Settings.from_env({"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "short"})
    s = Settings.from_env({"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "k" * 40, "AWS_REGION": "cn-north-1"})
    assert not s.is_local and s.aws_endpoint is None and s.aws_region == "cn-north-1"


def test_numbers_and_unknown_environment():
    assert Settings.from_env({"PORTAL_THROTTLE_ACCOUNT_MAX": "7"}).throttle_account_max == 7
    with pytest.raises(ConfigError):
        Settings.from_env({"PORTAL_ENV": "staging"})
