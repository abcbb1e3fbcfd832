"""Sign-in password policy: 8-128 characters, no composition rules, common passwords refused."""

from portal.domain.passwords import password_problem


def test_length_bounds():
    assert password_problem("short1!") == "too_short"
    assert password_problem("x" * 129) == "too_long"
    assert password_problem("correct horse battery staple" + "x" * 100) is None  # 128 exactly
    assert len("correct horse battery staple" + "x" * 100) == 128


def test_no_composition_rules_a_long_lowercase_phrase_is_fine():
    assert password_problem("longlowercasephrase") is None
    assert password_problem("长城长城长城长城") is None


def test_common_passwords_are_refused_whatever_the_case():
    for common in ("password", "Password1", "12345678", "qwertyuiop", "iloveyou"):
        assert password_problem(common) == "too_common", common


def test_the_demo_password_is_acceptable():
    assert password_problem("Demo-pass-2026!") is None


def test_password_equal_to_email_is_refused():
    assert password_problem("li.qiang@ortho.cn", email="Li.Qiang@ortho.cn") == "same_as_email"


def test_SEC_1_a_common_password_padded_with_spaces_is_still_common():
    assert password_problem("  password  ") == "too_common"


def test_SEC_1_an_e_mail_only_refuses_the_password_that_equals_it():
    assert password_problem("a-long-unusual-phrase", email="buyer@kangjian.cn") is None
    assert password_problem("Buyer@Kangjian.cn", email="buyer@kangjian.cn") == "same_as_email"
