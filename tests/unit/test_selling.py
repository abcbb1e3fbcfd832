"""May we sell? (issue 18 item 4): the pure decision, by rule ID."""

from __future__ import annotations

from datetime import date

from portal.domain.customers import Validity
from portal.domain.selling import DEFAULT_CLASS_RULES, Facts, class_rules, decide, licence_for_class

TODAY = date(2026, 11, 28)
BASICS = ("business-licence", "device-trading-licence")


def facts(**overrides) -> Facts:
    values = dict(customer_kind="enterprise", admitted=True, products=frozenset({"bone-plate"}), grade="VIP",
                  blocked_scope=None, required=BASICS,
                  validity={t: Validity(date(2024, 1, 1), None) for t in BASICS}, device_class="III",
                  class_licence="device-trading-licence", discounts={"VIP": 12, "QUALIFIED": 0})
    values.update(overrides)
    return Facts(**values)


def codes(answer) -> list[str]:
    return [r.code for r in answer.reasons if not r.ok]


def test_ADM_4_admitted_for_the_product_with_valid_licences_may_buy_at_its_grades_price():
    answer = decide(facts(), "bone-plate", "ortho", TODAY)
    assert answer.eligible and codes(answer) == []
    assert answer.grade == "VIP" and answer.discount == 12  # RGT-1 a: VIP buys at its discount
    assert "price_tier" in [r.code for r in answer.reasons]


def test_ADM_4_not_admitted_for_this_product_is_a_no():
    answer = decide(facts(), "spinal-screw", "ortho", TODAY)
    assert not answer.eligible and codes(answer) == ["product_not_admitted"]


def test_ADM_4_not_admitted_in_the_department_is_a_no_without_a_price():
    answer = decide(facts(admitted=False, products=frozenset(), grade=None), "bone-plate", "ortho", TODAY)
    assert not answer.eligible and codes(answer) == ["not_admitted"] and answer.discount is None


def test_BLK_2_blacklisted_in_scope_is_a_no_naming_the_scope():
    assert codes(decide(facts(blocked_scope="company"), "bone-plate", "ortho", TODAY)) == ["blacklisted_company"]
    assert codes(decide(facts(blocked_scope="ortho"), "bone-plate", "ortho", TODAY)) == ["blacklisted_department"]


def test_ADM_2_e_a_licence_that_expired_yesterday_is_a_no_today_and_valid_on_its_last_day():
    expiring = {**facts().validity, "device-trading-licence": Validity(date(2024, 1, 1), date(2026, 11, 27))}
    answer = decide(facts(validity=expiring), "bone-plate", "ortho", TODAY)
    assert not answer.eligible and codes(answer) == ["licence_expired", "class_not_covered"]
    assert decide(facts(validity=expiring), "bone-plate", "ortho", date(2026, 11, 27)).eligible


def test_ADM_2_e_class_II_needs_its_filing_beyond_the_basics():
    answer = decide(facts(device_class="II", class_licence="class2-device-filing"), "bone-plate", "ortho", TODAY)
    assert not answer.eligible and codes(answer) == ["licence_missing"]
    held = {**facts().validity, "class2-device-filing": Validity(date(2025, 1, 1), date(2030, 1, 1))}
    assert decide(facts(device_class="II", class_licence="class2-device-filing", validity=held), "bone-plate",
                  "ortho", TODAY).eligible


def test_ADM_2_e_class_I_needs_nothing_beyond_the_basics_and_an_unset_class_is_a_no():
    assert decide(facts(device_class="I", class_licence=None), "bone-plate", "ortho", TODAY).eligible
    assert codes(decide(facts(device_class=None, class_licence=None), "bone-plate", "ortho", TODAY)) == [
        "class_unset"]


def test_ADM_2_e_medical_institutions_hold_their_practising_licence_instead():
    rules = class_rules(None)
    assert rules == DEFAULT_CLASS_RULES
    assert licence_for_class(rules, "III", "medical") == "medical-institution-licence"
    assert licence_for_class(rules, "III", "enterprise") == "device-trading-licence"
    assert licence_for_class(rules, "II", "retail") == "class2-device-filing"
    assert licence_for_class(rules, "I", "enterprise") is None


def test_ADM_2_e_rules_md_set_replace_the_defaults():
    stored = '{"II": {"trader": "device-trading-licence", "medical": "medical-institution-licence"}}'
    assert licence_for_class(class_rules(stored), "II", "enterprise") == "device-trading-licence"
    assert licence_for_class(class_rules(stored), "III", "enterprise") == "device-trading-licence"


def test_every_reason_is_given_not_only_the_first():
    answer = decide(facts(admitted=False, products=frozenset(), grade=None, blocked_scope="company", validity={}),
                    "bone-plate", "ortho", TODAY)
    assert codes(answer) == ["not_admitted", "blacklisted_company", "licence_missing", "licence_missing",
                             "class_not_covered"]
