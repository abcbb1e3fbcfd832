"""ADM-1/2, ONB-1, SEC-1: customers, their licences and uploads as pure policy."""

from datetime import date

import pytest

from portal.domain.customers import (
    MAX_UPLOAD_BYTES,
    Condition,
    CustomerType,
    Validity,
    admission_blockers,
    mainland_mobile,
    missing_documents,
    needs_admission_review,
    normalise_credit_code,
    sniffed_type,
    upload_problem,
    valid_credit_code,
    validity_problem,
)
from tests.factories import PDF, PNG, credit_code

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
TODAY = date(2027, 3, 10)


def test_ADM_1_only_enterprises_and_medical_institutions_get_the_six_condition_review():
    assert needs_admission_review(CustomerType.ENTERPRISE) and needs_admission_review(CustomerType.MEDICAL)
    assert not needs_admission_review(CustomerType.RETAIL) and not needs_admission_review(CustomerType.INTERNAL)


def test_ADM_2_every_condition_not_recorded_as_met_blocks_admission():
    assert admission_blockers({}) == list(Condition)  # nothing recorded: all six, in order (a)…(f)
    five = {c.value: True for c in Condition if c != Condition.F_BRAND}
    assert admission_blockers(five) == [Condition.F_BRAND]  # never recorded
    assert admission_blockers({**five, "f": False}) == [Condition.F_BRAND]  # recorded as not met
    assert admission_blockers({**five, "f": True}) == []
    assert [c.value for c in Condition] == ["a", "b", "c", "d", "e", "f"]


def test_ONB_1_credit_codes_carry_the_gb_32100_check_digit_and_are_compacted():
    code = credit_code(5)
    assert valid_credit_code(code)
    assert not valid_credit_code(code[:-1] + ("0" if code[-1] != "0" else "1"))  # wrong check digit
    assert not valid_credit_code(code[:-1]) and not valid_credit_code("") and not valid_credit_code(None)
    assert normalise_credit_code(f" {code[:6].lower()}-{code[6:]} ") == code
    assert normalise_credit_code(None) == ""


def test_ONB_1_contact_mobiles_are_mainland_mobile_numbers_in_e164():
    assert mainland_mobile("13800138000") == "+8613800138000"
    assert mainland_mobile("+86 138 0013 8000") == "+8613800138000"
    assert mainland_mobile("021 6888 8888") is None  # a Shanghai landline
    assert mainland_mobile("+852 9123 4567") is None  # a Hong Kong mobile: not mainland
    assert mainland_mobile("+1 415 555 0100") is None
    assert mainland_mobile("1380013800") is None  # one digit short
    assert mainland_mobile("not a number") is None and mainland_mobile("") is None and mainland_mobile(None) is None


def test_SEC_1_uploads_are_judged_by_their_real_bytes_and_size():
    assert (sniffed_type(PDF), sniffed_type(PNG), sniffed_type(JPEG), sniffed_type(b"")) == (
        "application/pdf", "image/png", "image/jpeg", None)
    assert upload_problem("application/pdf", len(PDF), PDF) is None
    assert upload_problem("image/jpeg", MAX_UPLOAD_BYTES, JPEG) is None  # exactly 10 MB is allowed
    assert upload_problem("image/jpeg", MAX_UPLOAD_BYTES + 1, JPEG) == "too_large"
    assert MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    assert upload_problem("image/png", 1, PNG) is None
    assert upload_problem("image/png", 0, PNG) == "empty"
    assert upload_problem("image/png", -1, PNG) == "empty"
    assert upload_problem("image/png", len(PDF), PDF) == "wrong_type"  # declared PNG, really a PDF
    assert upload_problem("application/zip", 100, b"PK\x03\x04" + b"\x00" * 64) == "wrong_type"  # not accepted


def test_ADM_2_a_licence_is_valid_from_its_issue_day_through_its_expiry_day():
    licence = Validity(issued=date(2025, 1, 1), expires=date(2027, 3, 10))
    assert not licence.valid_on(date(2024, 12, 31))
    assert licence.valid_on(date(2025, 1, 1)) and licence.valid_on(date(2027, 3, 10))
    assert not licence.valid_on(date(2027, 3, 11))
    long_term = Validity(issued=date(2025, 1, 1), expires=None)  # 长期
    assert long_term.valid_on(date(2099, 1, 1)) and not long_term.valid_on(date(2024, 12, 31))


@pytest.mark.parametrize(("issued", "expires", "long_term", "problems"), [
    (date(2025, 1, 1), date(2028, 1, 1), False, {}),
    (date(2025, 1, 1), None, True, {}),
    (TODAY, TODAY, False, {}),  # issued today, expires today: still valid today
    (None, date(2028, 1, 1), False, {"issue_date": "required"}),
    (date(2027, 3, 11), date(2028, 1, 1), False, {"issue_date": "future"}),
    (date(2025, 1, 1), date(2028, 1, 1), True, {"expiry_date": "both"}),
    (date(2025, 1, 1), None, False, {"expiry_date": "required"}),
    (date(2025, 1, 1), date(2024, 12, 31), False, {"expiry_date": "before_issue"}),
    (date(2025, 1, 1), date(2027, 3, 9), False, {"expiry_date": "expired"}),
    (date(2027, 3, 12), date(2027, 3, 11), False, {"issue_date": "future", "expiry_date": "before_issue"}),
    (None, date(2027, 3, 9), False, {"issue_date": "required", "expiry_date": "expired"}),
    (None, None, True, {"issue_date": "required"}),
])
def test_ADM_2_licence_dates_are_checked_field_by_field(issued, expires, long_term, problems):
    assert validity_problem(issued, expires, long_term, TODAY) == problems


def test_ADM_4_missing_documents_are_required_types_without_a_verified_document_valid_today():
    validity = {"business-licence": Validity(date(2025, 1, 1), None),
                "tax-registration": Validity(date(2025, 1, 1), date(2027, 3, 9)),
                "device-trading-licence": Validity(date(2025, 1, 1), TODAY)}
    required = ["business-licence", "tax-registration", "device-trading-licence", "medical-licence"]
    assert missing_documents(required, set(validity), TODAY, validity) == ["tax-registration", "medical-licence"]
    assert missing_documents(required, {"business-licence"}, TODAY, validity) == required[1:]
    assert missing_documents([], set(validity), TODAY, validity) == []
