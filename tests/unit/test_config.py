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
    with pytest.raises(ConfigError):  # issue 14 item 3: API tokens have their own key
        Settings.from_env({"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "k" * 40})
    s = Settings.from_env({"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "k" * 40, "PORTAL_TOKEN_KEY": "t" * 40,
                           "AWS_REGION": "cn-north-1"})
    assert not s.is_local and s.aws_endpoint is None and s.aws_region == "cn-north-1"


def test_numbers_and_unknown_environment():
    assert Settings.from_env({"PORTAL_THROTTLE_ACCOUNT_MAX": "7"}).throttle_account_max == 7
    with pytest.raises(ConfigError):
        Settings.from_env({"PORTAL_ENV": "staging"})


def test_token_key_is_separate_and_keys_rotate():
    with pytest.raises(ConfigError):
        Settings.from_env({"PORTAL_ENV": "dev", "PORTAL_SECRET_KEY": "k" * 40, "PORTAL_TOKEN_KEY": "k" * 40})
    s = Settings.from_env({"PORTAL_ENV": "dev", "PORTAL_SECRET_KEY": "k" * 40, "PORTAL_SECRET_KEY_PREVIOUS": "o" * 40,
                           "PORTAL_TOKEN_KEY": "t" * 40, "PORTAL_TOKEN_KEY_PREVIOUS": "p" * 40})
    assert s.cookie_keys == ["k" * 40, "o" * 40]  # Flask: SECRET_KEY, then its fallbacks
    assert s.token_keys == ["p" * 40, "t" * 40]  # itsdangerous: oldest first, the last one signs
    assert "k" * 40 not in repr(s) and "t" * 40 not in repr(s)


def test_keys_can_wait_for_the_secrets_parameter():
    s = Settings.from_env({"PORTAL_ENV": "production", "PORTAL_SECRETS_PARAMETER": "/customer-portal/prod/keys"})
    assert s.secret_key == "" and s.secrets_parameter == "/customer-portal/prod/keys"
    with pytest.raises(ConfigError):
        s.with_keys({"secret_key": "k" * 40})
    filled = s.with_keys({"secret_key": "k" * 40, "token_key": "t" * 40})
    assert filled.cookie_keys == ["k" * 40] and filled.token_keys == ["t" * 40]


def test_mail_region_and_trusted_proxies():
    s = Settings.from_env({"AWS_REGION": "ap-east-1", "PORTAL_MAIL_REGION": "ap-southeast-1",
                           "PORTAL_TRUSTED_PROXIES": "2"})
    assert s.ses_region == "ap-southeast-1" and s.trusted_proxies == 2
    assert Settings.from_env({"AWS_REGION": "eu-west-1"}).ses_region == "eu-west-1"
    assert Settings.from_env({}).trusted_proxies == 0
    with pytest.raises(ConfigError):
        Settings.from_env({"PORTAL_TRUSTED_PROXIES": "-1"})


def test_two_factor_is_required_of_md_leadership_and_department_leaders_by_default():
    """Issue 15 item 5: production's default; `none` turns it off (the demo and the tests); a typo is refused."""
    assert Settings.from_env({}).mfa_roles == {"md", "lead", "dm"}
    assert Settings.from_env({"PORTAL_MFA_REQUIRED_ROLES": "none"}).mfa_roles == frozenset()
    assert Settings.from_env({"PORTAL_MFA_REQUIRED_ROLES": "md, dm"}).mfa_roles == {"md", "dm"}
    with pytest.raises(ConfigError, match="unknown roles: boss"):
        Settings.from_env({"PORTAL_MFA_REQUIRED_ROLES": "md,boss"})


def test_idle_limits_are_30_minutes_for_staff_and_2_hours_for_customers():
    conf = Settings.from_env({})
    assert conf.idle_limit("staff").total_seconds() == 30 * 60
    assert conf.idle_limit("customer").total_seconds() == 2 * 3600
