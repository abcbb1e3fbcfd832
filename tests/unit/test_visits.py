"""RGT-2 / REL-2: the order of planned visits, what a plan needs and when a visit may be recorded as made (pure
domain)."""

from datetime import date, timedelta

from portal.domain.visits import (
    MAX_NOTES,
    MAX_PURPOSE,
    is_overdue,
    may_be_made,
    order_key,
    outcome_problems,
    plan_problems,
)


def test_issue_17_the_plan_goes_by_day_earliest_first_then_by_when_planned():
    visits = [("2027-01-02", "a"), ("2027-03-01", "b"), ("2027-01-01", "c"), ("2027-01-02", "0"),
              ("2027-02-01", "e")]
    ordered = sorted(visits, key=lambda v: order_key(*v))
    assert [v[1] for v in ordered] == ["c", "0", "a", "e", "b"]


def test_issue_17_a_visit_is_overdue_after_its_day_and_may_be_made_from_its_day():
    today = date(2027, 1, 10)
    assert (is_overdue("2027-01-09", today), is_overdue("2027-01-10", today)) == (True, False)
    assert [may_be_made(d, today) for d in ("2027-01-09", "2027-01-10", "2027-01-11")] == [True, True, False]


def test_issue_17_made_is_refused_before_the_day_cancelled_is_not():
    today = date(2027, 1, 10)
    assert outcome_problems("done", "去了", "2027-01-11", today) == {"outcome": "early"}
    assert outcome_problems("done", "去了", "2027-01-10", today) == {}
    assert outcome_problems("cancelled", "改期", "2027-01-11", today) == {}
    assert outcome_problems("lost", " ", "2027-01-10", today) == {"outcome": "outcome", "notes": "notes"}
    assert outcome_problems("done", "字" * (MAX_NOTES + 1), "2027-01-10", today) == {"notes": "notes"}


def test_plan_needs_a_day_from_today_within_a_year_a_mode_and_a_purpose():
    today = date(2026, 11, 27)
    assert plan_problems(today, today, "phone", "回访") == {}
    assert plan_problems(None, today, "phone", "回访") == {"planned_on": "required"}
    assert plan_problems(date(2026, 11, 26), today, "phone", "回访") == {"planned_on": "past"}
    assert plan_problems(date(2027, 11, 29), today, "phone", "回访") == {"planned_on": "too_far"}
    assert plan_problems(today, today, "carrier_pigeon", " ") == {"mode": "mode", "purpose": "required"}
    assert plan_problems(today, today, "on_site", "字" * (MAX_PURPOSE + 1)) == {"purpose": "too_long"}


def test_REL_2_a_plan_reaches_a_year_ahead_and_its_purpose_fills_the_field_exactly():
    today = date(2026, 11, 27)
    assert plan_problems(today + timedelta(days=366), today, "online", "年度回访") == {}  # the last day allowed
    assert plan_problems(today + timedelta(days=367), today, "online", "年度回访") == {"planned_on": "too_far"}
    assert plan_problems(today, today, "on_site", "字" * MAX_PURPOSE) == {}
    assert plan_problems(today, today, "on_site", None) == {"purpose": "required"}
