"""GRD-* and QTA-*: grades, quotas and scorecards as pure policy."""

import copy

import pytest

from portal.domain.grading import (
    DEFAULT_SCORECARD,
    Band,
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
    scorecard_to_dict,
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


def test_GRD_2_b_late_payment_or_overdue_pickup_caps_at_qualified():
    card = scorecard_from_dict(DEFAULT_SCORECARD)
    result = score(card, GOOD, {"late_payment": True})
    assert result.total == 100 and result.proposed == Grade.QUALIFIED and result.capped_by == ("late_payment",)
    assert score(card, GOOD, {"overdue_pickup": True}).proposed == Grade.QUALIFIED
    preferred = score(card, {**GOOD, "annual_volume": 120, "scale": "二级甲等"}, {"late_payment": True})
    assert (preferred.total, preferred.proposed, preferred.capped_by) == (79, Grade.QUALIFIED, ("late_payment",))


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


def test_QTA_5_counts_move_one_customer_between_grades_and_qualified_is_the_rest():
    counts = Counts(20, 3, 6)
    assert [counts.of(g) for g in Grade] == [3, 6, 11]
    assert counts.moved(Grade.VIP, Grade.PREFERRED) == Counts(20, 2, 7)
    assert counts.moved(Grade.PREFERRED, Grade.VIP) == Counts(20, 4, 5)
    assert counts.moved(Grade.QUALIFIED, Grade.PREFERRED) == Counts(20, 3, 7)
    assert counts.moved(Grade.VIP, Grade.QUALIFIED) == Counts(20, 2, 6)
    assert all(counts.moved(g, g) == counts for g in Grade)  # staying put moves nobody


def test_QTA_1_no_place_left_is_zero_and_qualified_is_unlimited():
    assert places_left(Grade.VIP, Counts(20, 3, 0)) == 0
    assert places_left(Grade.VIP, Counts(10, 3, 0)) == 0  # over quota after customers left: still 0, never less
    assert places_left(Grade.PREFERRED, Counts(20, 0, 4)) == 2
    assert places_left(Grade.QUALIFIED, Counts(20, 3, 6)) is None


def test_QTA_5_keeping_a_grade_is_never_blocked_even_over_quota():
    assert change_allowed(Counts(10, 3, 6), Grade.VIP, Grade.VIP)
    assert change_allowed(Counts(10, 3, 6), Grade.PREFERRED, Grade.PREFERRED)
    assert not change_allowed(Counts(10, 3, 6), Grade.QUALIFIED, Grade.VIP)


def small_card(**overrides) -> dict:
    """Two indicators whose weighted points have a half point: 15 x 50% = 7.5."""
    card = {"indicators": [
        {"key": "volume", "name_zh": "业务量", "name_en": "Volume", "weight": 15, "unit": "万元",
         "bands": [{"low": 0, "high": 50, "points": 0}, {"low": 50, "high": None, "points": 50}]},
        {"key": "payment", "name_zh": "回款", "name_en": "Payment", "weight": 85, "options": {"按时": 100, "逾期": 0}}],
        "thresholds": {"VIP": 92.5, "PREFERRED": 7.5}, "caps": {"quality_dispute": "PREFERRED"}}
    card.update(overrides)
    return card


def test_GRD_5_points_and_totals_keep_their_decimals_and_a_threshold_is_reached_when_met():
    card = scorecard_from_dict(small_card())
    top = score(card, {"volume": 50, "payment": "按时"}, {})
    assert (top.points, top.total, top.proposed) == ({"volume": 7.5, "payment": 85.0}, 92.5, Grade.VIP)
    low = score(card, {"volume": 50, "payment": "逾期"}, {})
    assert (low.total, low.proposed) == (7.5, Grade.PREFERRED)  # exactly the 优选 threshold
    assert score(card, {"volume": 49.99, "payment": "逾期"}, {}).proposed == Grade.QUALIFIED


def test_GRD_2_b_a_cap_no_lower_than_the_grade_caps_nothing():
    card = scorecard_from_dict(small_card())
    result = score(card, {"volume": 0, "payment": "逾期"}, {"quality_dispute": True})  # 合格 already
    assert (result.proposed, result.capped_by) == (Grade.QUALIFIED, ())
    preferred = score(card, {"volume": 50, "payment": "逾期"}, {"quality_dispute": True})  # 优选, capped at 优选
    assert (preferred.proposed, preferred.capped_by) == (Grade.PREFERRED, ())


def test_GRD_5_values_on_a_band_edge_fall_in_the_band_that_starts_there():
    card = scorecard_from_dict(DEFAULT_SCORECARD)
    points = [score(card, {**GOOD, "annual_volume": v}, {}).points["annual_volume"] for v in (0, 49.9, 50, 200, 500)]
    assert points == [6, 6, 15, 24, 30]  # weight 30 x 20%, 20%, 50%, 80%, 100%: 50 and 200 open their bands


@pytest.mark.parametrize(("values", "path", "code", "details"), [
    ({**GOOD, "payment": "从不付款"}, "payment", "not_an_option", {}),
    ({**GOOD, "annual_volume": "很多"}, "annual_volume", "not_a_number", {}),
    ({**GOOD, "annual_volume": None}, "annual_volume", "not_a_number", {}),
    ({**GOOD, "loyalty_years": -1}, "loyalty_years", "out_of_range", {"value": -1.0}),
])
def test_GRD_5_a_value_the_scorecard_cannot_score_names_its_indicator(values, path, code, details):
    with pytest.raises(ScorecardError) as exc:
        score(scorecard_from_dict(DEFAULT_SCORECARD), values, {})
    assert (exc.value.path, exc.value.code, exc.value.details, str(exc.value)) == (path, code, details,
                                                                                  f"{path}: {code}")


def indicator(n: int, **changes) -> dict:
    card = copy.deepcopy(DEFAULT_SCORECARD)
    card["indicators"][n].update(changes)
    return card


def volume_bands(*bands) -> dict:
    return indicator(1, bands=[{"low": lo, "high": hi, "points": p} for lo, hi, p in bands])


BROKEN = [
    ([], "scorecard", "not_an_object", {}),
    ({**DEFAULT_SCORECARD, "indicators": []}, "indicators", "empty", {}),
    (indicator(2, key="scale"), "indicators", "duplicate_key", {}),
    ({**DEFAULT_SCORECARD, "indicators": [{**DEFAULT_SCORECARD["indicators"][0], "weight": 0},
                                          {**DEFAULT_SCORECARD["indicators"][1], "weight": 50},
                                          *DEFAULT_SCORECARD["indicators"][2:]]},
     "indicators.weight", "weights_not_100", {"total": 100}),  # adds up, but a weight of 0 is no indicator
    ({**DEFAULT_SCORECARD, "thresholds": {"VIP": 85}}, "thresholds", "thresholds_order", {}),
    ({**DEFAULT_SCORECARD, "thresholds": {"PREFERRED": 70}}, "thresholds", "thresholds_order", {}),
    ({**DEFAULT_SCORECARD, "thresholds": {"VIP": 80, "PREFERRED": 80}}, "thresholds", "thresholds_order", {}),
    ({**DEFAULT_SCORECARD, "thresholds": {"VIP": 100.5, "PREFERRED": 70}}, "thresholds", "thresholds_order", {}),
    ({**DEFAULT_SCORECARD, "thresholds": {"VIP": 85, "PREFERRED": -1}}, "thresholds", "thresholds_order", {}),
    ({**DEFAULT_SCORECARD, "thresholds": {"GOLD": 90}}, "thresholds", "malformed", {}),
    ({**DEFAULT_SCORECARD, "caps": {"late_payment": "GOLD"}}, "thresholds", "malformed", {}),
    ({**DEFAULT_SCORECARD, "caps": {"late_payment": "VIP"}}, "caps.late_payment", "cap_grade", {}),
    ({**DEFAULT_SCORECARD, "caps": {"": "QUALIFIED"}}, "caps.", "cap_grade", {}),
    ({**DEFAULT_SCORECARD, "caps": {"late_payment": "PREFERRED"}}, "caps.late_payment", "policy_cap", {}),
    ({**DEFAULT_SCORECARD, "caps": {"overdue_pickup": "PREFERRED"}}, "caps.overdue_pickup", "policy_cap", {}),
    (indicator(2, options={"按时": 101, "逾期": 0}), "indicators[2].options", "points_range", {}),
    (indicator(2, options={"按时": 100, "逾期": -1}), "indicators[2].options", "points_range", {}),
    (indicator(1, bands=[]), "indicators[1].bands", "empty", {}),
    (volume_bands((0, 50, 20), (50, None, 101)), "indicators[1].bands", "band_range", {"low": 50.0}),
    (volume_bands((0, 50, -1), (50, None, 100)), "indicators[1].bands", "band_range", {"low": 0.0}),
    (volume_bands((0, 50, 20), (50, 50, 60), (50, None, 100)), "indicators[1].bands", "band_range", {"low": 50.0}),
    (volume_bands((0, 50, 20), (60, 40, 60)), "indicators[1].bands", "band_range", {"low": 60.0}),
    (volume_bands((0, 60, 20), (50, None, 100)), "indicators[1].bands", "band_overlap", {"at": 50.0}),
    (volume_bands((0, None, 20), (50, None, 100)), "indicators[1].bands", "band_overlap", {"at": 50.0}),
    (volume_bands((0, 40, 20), (50, None, 100)), "indicators[1].bands", "band_gap", {"start": 40.0, "end": 50.0}),
    (indicator(3, weight="ten"), "indicators[3]", "malformed", {}),
    ({**DEFAULT_SCORECARD, "indicators": [*DEFAULT_SCORECARD["indicators"][:2], {"weight": 20, "options": {}}]},
     "indicators[2]", "malformed", {}),
    (volume_bands((0, None, "full")), "indicators[1]", "malformed", {}),
]


@pytest.mark.parametrize(("data", "path", "code", "details"), BROKEN)
def test_GRD_5_a_broken_scorecard_is_refused_with_the_place_and_the_reason(data, path, code, details):
    with pytest.raises(ScorecardError) as exc:
        scorecard_from_dict(data)
    assert (exc.value.path, exc.value.code, exc.value.details, str(exc.value)) == (path, code, details,
                                                                                  f"{path}: {code}")


@pytest.mark.parametrize("change", [
    {"thresholds": {"VIP": 100, "PREFERRED": 0}},  # both ends of the scale are allowed
    {"caps": {"late_payment": "QUALIFIED", "overdue_pickup": "QUALIFIED", "quality_dispute": "PREFERRED"}},
])
def test_GRD_5_thresholds_at_the_ends_of_the_scale_and_caps_to_qualified_are_valid(change):
    card = scorecard_from_dict({**DEFAULT_SCORECARD, **change})
    assert scorecard_to_dict(card)["thresholds"] == {g: float(v) for g, v in {
        **DEFAULT_SCORECARD, **change}["thresholds"].items()}


def test_GRD_5_weights_of_one_point_and_bands_worth_nothing_are_valid():
    data = small_card()
    data["indicators"][0]["weight"], data["indicators"][1]["weight"] = 1, 99
    card = scorecard_from_dict(data)
    assert [i.weight for i in card.indicators] == [1, 99]
    assert card.indicators[0].bands[0].points == 0 and card.indicators[0].kind == "number"
    assert card.indicators[1].kind == "choice"


def test_GRD_5_a_scorecard_reads_back_as_it_was_written_names_default_to_the_key():
    card = scorecard_from_dict(DEFAULT_SCORECARD)
    written = scorecard_to_dict(card)
    assert written == {**DEFAULT_SCORECARD, "indicators": [{"unit": "", **i} for i in DEFAULT_SCORECARD["indicators"]]}
    assert scorecard_from_dict(written) == card
    bare = scorecard_from_dict({"indicators": [{"key": "volume", "weight": 100,
                                                "bands": [{"low": 0, "points": 100}]}],
                                "thresholds": {"VIP": 90, "PREFERRED": 50}})
    [only] = bare.indicators
    assert (only.key, only.name_zh, only.name_en, only.unit, only.bands, only.options) == (
        "volume", "volume", "volume", "", (Band(0.0, None, 100),), {})
    assert bare.caps == {}
    assert scorecard_to_dict(bare)["indicators"] == [{"key": "volume", "name_zh": "volume", "name_en": "volume",
                                                      "weight": 100, "unit": "",
                                                      "bands": [{"low": 0.0, "high": None, "points": 100}]}]


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", 1e400, float("nan")])
def test_GRD_5_an_infinite_or_undefined_number_is_not_a_number(value):
    with pytest.raises(ScorecardError) as exc:
        score(scorecard_from_dict(DEFAULT_SCORECARD), {**GOOD, "annual_volume": value}, {})
    assert (exc.value.path, exc.value.code) == ("annual_volume", "not_a_number")


@pytest.mark.parametrize(("data", "path", "code"), [
    (volume_bands((0, 50, 20), (50, "inf", 100)), "indicators[1]", "malformed"),
    (volume_bands(("-inf", 50, 20), (50, None, 100)), "indicators[1]", "malformed"),
    (volume_bands((0, "nan", 20), (50, None, 100)), "indicators[1]", "malformed"),
    (volume_bands((0, 50, 20), (50, None, 1e400)), "indicators[1]", "malformed"),  # int(inf): OverflowError
    ({**DEFAULT_SCORECARD, "thresholds": {"VIP": "inf", "PREFERRED": 70}}, "thresholds", "malformed"),
    ({**DEFAULT_SCORECARD, "thresholds": {"VIP": 85, "PREFERRED": "nan"}}, "thresholds", "malformed"),
    ({**DEFAULT_SCORECARD, "thresholds": ["VIP", 85]}, "thresholds", "malformed"),
    (indicator(0, key="scale\u202e"), "indicators[0]", "bad_text"),
    (indicator(1, name_zh="年度\x00业务量"), "indicators[1]", "bad_text"),
    (indicator(1, name_en="Volume\u2066"), "indicators[1]", "bad_text"),
    (indicator(1, unit="万元\n"), "indicators[1]", "bad_text"),
    (indicator(2, options={"按时\u202e": 100, "逾期": 0}), "indicators[2]", "bad_text"),
    ({**DEFAULT_SCORECARD, "caps": {"late\x00payment": "PREFERRED"}}, "caps", "bad_text"),
])
def test_GRD_5_non_finite_numbers_and_hidden_characters_are_refused_with_their_place(data, path, code):
    with pytest.raises(ScorecardError) as exc:
        scorecard_from_dict(data)
    assert (exc.value.path, exc.value.code) == (path, code)


def test_GRD_5_an_open_ended_last_band_is_finite_enough():
    card = scorecard_from_dict(volume_bands((-5, 0, 0), (0, None, 100)))
    assert score(card, {**GOOD, "annual_volume": -5}, {}).points["annual_volume"] == 0
    assert score(card, {**GOOD, "annual_volume": 1e300}, {}).points["annual_volume"] == 30


def test_GRD_5_choices_have_optional_english_wording_kept_with_the_scorecard():
    data = {**DEFAULT_SCORECARD, "indicators": [
        {**DEFAULT_SCORECARD["indicators"][2], "options": {"按时": 100, "逾期": 0},
         "options_en": {"按时": "On time", "逾期": " ", "早已删除": "Gone"}},
        *DEFAULT_SCORECARD["indicators"][:2], *DEFAULT_SCORECARD["indicators"][3:]]}
    card = scorecard_from_dict(data)
    payment = card.indicators[0]
    assert payment.options_en == {"按时": "On time"}  # blank wording and wording of no choice dropped
    assert [payment.option_label(c, "en") for c in payment.options] == ["On time", "逾期"]
    assert [payment.option_label(c, "zh") for c in payment.options] == ["按时", "逾期"]
    assert scorecard_to_dict(card)["indicators"][0]["options_en"] == {"按时": "On time"}
    assert "options_en" not in scorecard_to_dict(card)["indicators"][2]  # a number indicator has none
    assert scorecard_from_dict(scorecard_to_dict(card)) == card
