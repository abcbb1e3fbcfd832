"""GRD-* and QTA-*: grades, quotas and scorecards as pure policy."""

import copy

import pytest

from portal.domain.grading import (
    DEFAULT_SCORECARD,
    Counts,
    Grade,
    ScorecardError,
    change_allowed,
    maximum,
    over_quota,
    places_left,
    rank,
    score,
    scorecard_from_dict,
)

GOOD = {"scale": "三级甲等", "annual_volume": 800, "payment": "按时回款，无逾期", "reputation": "信誉良好，无违规",
        "loyalty_years": 5, "qualification": "齐全有效"}


def test_QTA_1_and_QTA_2_integer_limits_from_the_clarifications():
    assert (maximum(Grade.VIP, 20), maximum(Grade.PREFERRED, 20)) == (3, 6)
    assert (maximum(Grade.VIP, 6), maximum(Grade.PREFERRED, 6)) == (0, 1)
    assert maximum(Grade.VIP, 7) == 1
    assert maximum(Grade.QUALIFIED, 7) is None


def test_QTA_1_the_16th_vip_in_a_department_of_100_is_refused():
    assert change_allowed(Counts(100, 14, 0), Grade.QUALIFIED, Grade.VIP)
    assert not change_allowed(Counts(100, 15, 0), Grade.QUALIFIED, Grade.VIP)
    assert not change_allowed(Counts(100, 15, 30), Grade.PREFERRED, Grade.VIP)
    assert places_left(Grade.VIP, Counts(100, 13, 0)) == 2


def test_QTA_2_preferred_limit_and_a_vip_stepping_down_frees_its_place():
    assert not change_allowed(Counts(20, 0, 6), Grade.QUALIFIED, Grade.PREFERRED)
    assert change_allowed(Counts(20, 3, 6), Grade.VIP, Grade.QUALIFIED)  # demotion never needs a place
    assert not change_allowed(Counts(20, 3, 6), Grade.VIP, Grade.PREFERRED)  # preferred is full
    assert change_allowed(Counts(20, 3, 5), Grade.VIP, Grade.PREFERRED)


def test_QTA_5_over_quota_after_customers_left():
    assert over_quota(Counts(20, 3, 6)) == []
    assert over_quota(Counts(10, 3, 6)) == [Grade.VIP, Grade.PREFERRED]
    assert change_allowed(Counts(10, 3, 6), Grade.VIP, Grade.QUALIFIED)


def test_RGT_2_priority_rank():
    assert [rank(g) for g in (Grade.VIP, Grade.PREFERRED, Grade.QUALIFIED)] == [1, 2, 3]


def test_GRD_5_default_scorecard_scores_and_proposes():
    card = scorecard_from_dict(DEFAULT_SCORECARD)
    result = score(card, GOOD, {})
    assert result.total == 100 and result.proposed == Grade.VIP
    assert result.points["annual_volume"] == 30
    middling = score(card, {**GOOD, "annual_volume": 120, "scale": "二级甲等"}, {})
    assert middling.points["annual_volume"] == 15 and middling.points["scale"] == 14
    assert middling.total == 79 and middling.proposed == Grade.PREFERRED


def test_GRD_2_b_late_payment_caps_below_vip():
    card = scorecard_from_dict(DEFAULT_SCORECARD)
    result = score(card, GOOD, {"late_payment": True})
    assert result.total == 100 and result.proposed == Grade.PREFERRED and result.capped_by == ("late_payment",)
    assert score(card, GOOD, {"overdue_pickup": True}).proposed == Grade.PREFERRED


def test_GRD_5_weights_must_add_up_to_100():
    bad = copy.deepcopy(DEFAULT_SCORECARD)
    bad["indicators"][0]["weight"] = 25
    with pytest.raises(ScorecardError) as exc:
        scorecard_from_dict(bad)
    assert exc.value.code == "weights_not_100" and exc.value.details["total"] == 105


def test_GRD_5_band_gap_and_overlap_are_refused():
    gap = copy.deepcopy(DEFAULT_SCORECARD)
    gap["indicators"][1]["bands"][1]["low"] = 60
    with pytest.raises(ScorecardError) as exc:
        scorecard_from_dict(gap)
    assert exc.value.code == "band_gap" and exc.value.path == "indicators[1].bands"
    overlap = copy.deepcopy(DEFAULT_SCORECARD)
    overlap["indicators"][1]["bands"][1]["low"] = 40
    with pytest.raises(ScorecardError) as exc:
        scorecard_from_dict(overlap)
    assert exc.value.code == "band_overlap"


def test_GRD_5_negative_volume_and_unknown_option_are_refused():
    card = scorecard_from_dict(DEFAULT_SCORECARD)
    with pytest.raises(ScorecardError) as exc:
        score(card, {**GOOD, "annual_volume": -5}, {})
    assert exc.value.code == "out_of_range" and exc.value.path == "annual_volume"
    with pytest.raises(ScorecardError) as exc:
        score(card, {**GOOD, "payment": "从不付款"}, {})
    assert exc.value.code == "not_an_option"


def test_GRD_1_grade_values_are_exactly_three():
    assert {g.value for g in Grade} == {"VIP", "PREFERRED", "QUALIFIED"}
    with pytest.raises(ValueError):
        Grade("GOLD")


def test_GRD_3_preferred_between_the_thresholds_and_GRD_4_qualified_below():
    card = scorecard_from_dict(DEFAULT_SCORECARD)
    preferred = score(card, {**GOOD, "annual_volume": 100, "loyalty_years": 2}, {})
    assert 70 <= preferred.total < 85 and preferred.proposed == Grade.PREFERRED
    low = score(card, {**GOOD, "annual_volume": 10, "payment": "多次逾期或有长期应收", "scale": "一级"}, {})
    assert low.total < 70 and low.proposed == Grade.QUALIFIED
