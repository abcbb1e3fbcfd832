"""RGT-2 / REL-2: the order of planned visits and what a plan needs (pure domain)."""

from datetime import date, timedelta

from portal.domain.grading import Grade
from portal.domain.visits import MAX_PURPOSE, NOT_STANDING, order_key, plan_problems


def test_RGT_2_visits_go_to_vip_then_preferred_then_qualified_whatever_the_day():
    visits = [(Grade.QUALIFIED, "2027-01-02", "a"), (Grade.VIP, "2027-03-01", "b"), (None, "2027-01-01", "c"),
              (Grade.PREFERRED, "2027-01-05", "d"), (Grade.VIP, "2027-02-01", "e")]
    ordered = sorted(visits, key=lambda v: order_key(*v))
    assert [v[2] for v in ordered] == ["e", "b", "d", "a", "c"]
    assert order_key(None, "2027-01-01", "c")[0] == NOT_STANDING


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
