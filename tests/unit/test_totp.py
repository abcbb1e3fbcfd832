"""Two-factor codes (issue 15 item 5): a code matches its time-step or a neighbour, never one used before."""

from datetime import UTC, datetime, timedelta

import pyotp

from portal.domain import totp

NOW = datetime(2027, 3, 1, 9, 0, 10, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code(at: datetime) -> str:
    return pyotp.TOTP(SECRET).at(at)


def test_a_code_matches_its_step_and_one_step_either_side():
    step = totp.step_at(NOW)
    assert totp.matching_step(SECRET, code(NOW), NOW, None) == step
    assert totp.matching_step(SECRET, code(NOW - timedelta(seconds=30)), NOW, None) == step - 1
    assert totp.matching_step(SECRET, code(NOW + timedelta(seconds=30)), NOW, None) == step + 1
    assert totp.matching_step(SECRET, code(NOW - timedelta(seconds=90)), NOW, None) is None


def test_a_code_of_a_step_used_already_or_earlier_is_refused():
    step = totp.step_at(NOW)
    assert totp.matching_step(SECRET, code(NOW), NOW, step) is None  # replayed
    assert totp.matching_step(SECRET, code(NOW - timedelta(seconds=30)), NOW, step) is None  # older
    assert totp.matching_step(SECRET, code(NOW + timedelta(seconds=30)), NOW, step) == step + 1


def test_typed_codes_are_normalised_and_anything_else_matches_nothing():
    assert totp.matching_step(SECRET, " " + code(NOW)[:3] + " " + code(NOW)[3:], NOW, None) == totp.step_at(NOW)
    for junk in ("", "12345", "1234567", "abcdef", None):
        assert totp.matching_step(SECRET, junk, NOW, None) is None


def test_the_provisioning_uri_names_the_portal_and_the_account():
    uri = totp.provisioning_uri(SECRET, "a@demo.local")
    assert uri.startswith("otpauth://totp/") and "secret=" + SECRET in uri and "a%40demo.local" in uri
