"""REL-3 as pure rules: which step fits where a contract stands, who approves, when it is in force, and when its
reminders fall due."""

from datetime import date

from portal.domain.contracts import (
    DEFAULT_MD_THRESHOLD,
    Action,
    needs_md,
    refusal,
    reminder_due,
    shown_state,
    terms_problems,
)

TODAY = date(2027, 3, 10)


def test_REL_3_each_step_fits_one_state_and_an_ended_contract_takes_none():
    assert refusal(Action.SUBMIT, "draft", "draft", False) is None
    assert refusal(Action.APPROVE, "draft", "draft", False) == "wrong_step"
    assert refusal(Action.APPROVE, "submitted", "submitted", False) is None
    assert refusal(Action.SIGN, "submitted", "submitted", False) == "wrong_step"
    assert refusal(Action.SIGN, "approved", "approved", False) is None
    assert refusal(Action.AMEND, "approved", "approved", False) == "not_signed"
    assert refusal(Action.AMEND, "signed", "signed", False) is None
    assert refusal(Action.AMEND, "signed", "draft", True) == "amendment_open"
    assert refusal(Action.SUBMIT, "signed", "draft", True) is None  # the amendment goes the same way
    assert refusal(Action.TERMINATE, "draft", "draft", False) == "not_signed"
    assert refusal(Action.TERMINATE, "signed", "draft", True) is None
    for ended in ("terminated", "expired"):
        for action in Action:
            assert refusal(action, ended, "signed", False) == "ended"


def test_REL_3_above_the_threshold_md_approves_at_it_the_leader():
    assert needs_md(500_001, 500_000) and not needs_md(500_000, 500_000)
    assert needs_md(DEFAULT_MD_THRESHOLD + 1, None) and not needs_md(DEFAULT_MD_THRESHOLD, None)


def test_REL_3_a_signed_contract_is_in_force_from_its_start_day_to_its_end_day():
    assert shown_state("signed", "2027-03-11", "2027-12-31", TODAY) == "signed"
    assert shown_state("signed", "2027-03-10", "2027-12-31", TODAY) == "in_force"
    assert shown_state("signed", "2026-01-01", "2027-03-10", TODAY) == "in_force"  # its last day
    assert shown_state("signed", "2026-01-01", "2027-03-09", TODAY) == "expired"
    assert shown_state("draft", "2026-01-01", "2027-03-09", TODAY) == "draft"


def test_REL_3_reminders_fall_due_60_and_30_days_before_the_end():
    assert reminder_due("2027-05-10", TODAY) is None  # 61 days
    assert reminder_due("2027-05-09", TODAY) == 60
    assert reminder_due("2027-04-10", TODAY) == 60  # 31 days
    assert reminder_due("2027-04-09", TODAY) == 30
    assert reminder_due("2027-03-10", TODAY) == 30  # the last day
    assert reminder_due("2027-03-09", TODAY) is None  # ended


def test_REL_3_terms_are_complete_and_consistent():
    assert terms_problems("GK-1", "合同", 1, date(2027, 1, 1), date(2027, 1, 1)) == {}
    assert terms_problems("", "x" * 201, 0, None, date(2027, 1, 1)) == {
        "contract_no": "required", "title": "too_long", "amount": "amount", "start_date": "required"}
    assert terms_problems("GK-1", "合同", 10_000_000_001, date(2027, 1, 2), date(2027, 1, 1)) == {
        "amount": "amount", "end_date": "end_before_start"}
