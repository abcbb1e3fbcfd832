"""Issue 18 item 3 (GRD-5, GRD-2 b): scorecard indicators computed from the facts, with their source; an override
needs a reason and is kept; facts tick the hard criteria. The sales facts are monkeypatched (data / no data)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.domain.grade_facts import Facts, compute, cooperation_years, period, recent_enough
from portal.domain.sales_facts import NO_DATA, SalesFacts
from portal.domain.timeutil import shanghai_day
from portal.services import evaluations, grade_facts, incidents
from portal.services.errors import Invalid
from tests.factories import admitted

REP, LEADER = "ortho.rep@demo.local", "ortho.leader@demo.local"
JUDGED = {"scale": "三级甲等", "reputation": "信誉良好，无违规", "qualification": "齐全有效"}  # staff's judgement


def sales(**changes) -> SalesFacts:
    base = SalesFacts(True, Decimal("3562000"), 12, 0, 0, Decimal(0), date(2019, 3, 1))
    return SalesFacts(**{**base.__dict__, **changes})


@pytest.fixture
def erp(monkeypatch):
    """Set what the ERP says: `erp.set(SalesFacts)`; the arguments the reader was asked with are kept."""
    class Erp:
        value, asked = NO_DATA, []

        def set(self, value):
            self.value = value

    box = Erp()

    def facts(uow, customer_id, dept_id, start, end, today):
        box.asked.append((customer_id, dept_id, start, end, today))
        return box.value

    monkeypatch.setattr("portal.services.sales_facts.facts", facts)
    return box


def test_period_is_the_last_twelve_calendar_months():
    assert period(date(2026, 11, 30)) == (date(2025, 12, 1), date(2026, 11, 30))
    assert period(date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))


def test_cooperation_years_round_down():
    assert cooperation_years(date(2025, 11, 29), date(2026, 11, 28)) == 0.9
    assert cooperation_years(date(2019, 3, 1), date(2026, 11, 28)) == 7.7


def test_GRD_6_six_months_of_evidence_clamp_to_the_month_end():
    assert recent_enough(date(2027, 2, 28), date(2027, 8, 31))
    assert not recent_enough(date(2027, 2, 27), date(2027, 8, 31))


def test_payment_record_picks_the_answer_by_its_points():
    options = {"按时回款，无逾期": 100, "偶有逾期，已结清": 60, "多次逾期或有长期应收": 10}
    span = (date(2025, 12, 1), date(2026, 11, 30))
    clean = Facts(*span, sales(), 0, date(2020, 1, 1))
    assert compute("payment_record", clean, options).value == "按时回款，无逾期"
    once = Facts(*span, sales(), 1, date(2020, 1, 1))  # one late payment recorded as an incident
    assert compute("payment_record", once, options).value == "偶有逾期，已结清"
    old_debt = Facts(*span, sales(overdue_90_yuan=Decimal(5)), 0, date(2020, 1, 1))
    assert compute("payment_record", old_debt, options).value == "多次逾期或有长期应收"
    unknown = Facts(*span, NO_DATA, 0, date(2020, 1, 1))
    assert compute("payment_record", unknown, options) is None and compute("volume_wan", unknown) is None


def test_GRD_5_indicators_take_their_value_from_the_erp_with_the_source(fake, erp):
    [customer] = admitted("ortho", 1, store=fake.store)
    erp.set(sales())
    done = evaluations.evaluate(fake.ctx(REP), "ortho", customer, dict(JUDGED), {})
    kept = evaluations.inputs_of(done)
    assert kept["values"]["annual_volume"] == 356.2 and kept["values"]["payment"] == "按时回款，无逾期"
    assert kept["values"]["loyalty_years"] == 7.7 and kept["overrides"] == {}
    assert kept["computed"]["annual_volume"]["source"] == "erp_volume"
    start, end = period(shanghai_day(fake.now))
    assert erp.asked[-1] == (customer, "ortho", start, end, end)
    text = grade_facts.describe("erp_volume", kept["computed"]["annual_volume"]["facts"])
    assert text == f"ERP orders {start} to {end}: 12 orders, 356.20 万元"
    assert (done.total, done.proposed) == (94, "VIP")  # 20 + 30·0.8 + 20 + 10 + 10 + 10
    assert "first_order" == kept["computed"]["loyalty_years"]["source"]


def test_GRD_5_without_data_staff_enter_the_values_and_years_count_from_the_admission(fake, erp):
    [customer] = admitted("ortho", 1, store=fake.store)
    values = {**JUDGED, "annual_volume": 120, "payment": "按时回款，无逾期"}
    done = evaluations.evaluate(fake.ctx(REP), "ortho", customer, values, {})
    kept = evaluations.inputs_of(done)
    assert set(kept["computed"]) == {"loyalty_years"} and kept["computed"]["loyalty_years"]["source"] == "admitted"
    assert kept["values"]["annual_volume"] == 120 and kept["values"]["loyalty_years"] == 0


def test_GRD_5_a_changed_computed_value_needs_a_reason_and_nothing_is_kept_without(fake, erp):
    [customer] = admitted("ortho", 1, store=fake.store)
    erp.set(sales())
    values = {**JUDGED, "annual_volume": 600}
    before = len(evaluations.evaluations(fake.ctx(REP), "ortho", customer))
    with pytest.raises(Invalid) as refused:
        evaluations.evaluate(fake.ctx(REP), "ortho", customer, dict(values), {})
    assert set(refused.value.fields) == {"why_annual_volume"}
    assert len(evaluations.evaluations(fake.ctx(REP), "ortho", customer)) == before
    done = evaluations.evaluate(fake.ctx(REP), "ortho", customer, dict(values), {},
                                reasons={"annual_volume": "ERP 漏记了 11 月的两笔大单"})
    override = evaluations.inputs_of(done)["overrides"]["annual_volume"]
    assert override == {"value": 600, "computed": 356.2, "reason": "ERP 漏记了 11 月的两笔大单", "by": REP}


def test_GRD_2_b_an_erp_late_payment_caps_the_proposal_at_qualified(fake, erp):
    [customer] = admitted("ortho", 1, store=fake.store)
    erp.set(sales(volume_yuan=Decimal("9000000"), late_payments=1))
    done = evaluations.evaluate(fake.ctx(REP), "ortho", customer, dict(JUDGED), {"late_payment": False})
    assert done.proposed == "QUALIFIED" and done.capped_by == "late_payment"
    assert evaluations.inputs_of(done)["proven"] == ["late_payment"]


def test_GRD_2_b_an_erp_overdue_pickup_caps_the_proposal_at_qualified(fake, erp):
    [customer] = admitted("ortho", 1, store=fake.store)
    erp.set(sales(volume_yuan=Decimal("9000000"), overdue_pickups=2))
    done = evaluations.evaluate(fake.ctx(REP), "ortho", customer, dict(JUDGED), {})
    assert done.proposed == "QUALIFIED" and done.capped_by == "overdue_pickup"


def test_GRD_2_b_a_recorded_late_payment_incident_caps_even_without_erp_data(fake, erp):
    [customer] = admitted("ortho", 1, store=fake.store)
    incidents.record(fake.ctx(LEADER), "ortho", customer, "late_payment", "货款逾期 40 天")
    values = {**JUDGED, "annual_volume": 900}
    done = evaluations.evaluate(fake.ctx(REP), "ortho", customer, values, {})
    kept = evaluations.inputs_of(done)
    assert done.proposed == "QUALIFIED" and kept["computed"]["payment"]["value"] == "偶有逾期，已结清"


def test_GRD_2_b_an_incident_before_the_period_does_not_count(fake, erp):
    [customer] = admitted("ortho", 1, store=fake.store)
    incidents.record(fake.ctx(LEADER, now=fake.now - timedelta(days=400)), "ortho", customer, "late_payment", "旧账")
    values = {**JUDGED, "annual_volume": 900, "payment": "按时回款，无逾期"}
    done = evaluations.evaluate(fake.ctx(REP), "ortho", customer, values, {})
    assert (done.total, done.proposed, done.capped_by) == (92, "VIP", None)
    assert "payment" not in evaluations.inputs_of(done)["computed"]


# --- GRD-6: a promotion needs an evaluation of the last 6 months, or the leader's written reason -------------------

def test_GRD_6_a_promotion_without_a_recent_evaluation_is_refused_at_the_reason_field(fake, erp):
    from portal.adapters.repos.grading import GradeChanges
    from portal.services import grading

    customers = admitted("ortho", 20, store=fake.store)
    with pytest.raises(Invalid) as refused:
        grading.change(fake.ctx(LEADER), "ortho", customers[0], "PREFERRED", "表现好")
    assert set(refused.value.fields) == {"no_evaluation_reason"}
    assert "6" in str(refused.value.fields["no_evaluation_reason"][0])
    assert fake.repo(GradeChanges).of_customer(customers[0]) == []  # nothing written
    done = grading.change(fake.ctx(LEADER), "ortho", customers[0], "PREFERRED", "表现好",
                          no_evaluation_reason="新开发的三甲医院，评价表下周补做")
    assert done.no_evaluation_reason == "新开发的三甲医院，评价表下周补做"
    [kept] = grading.history(fake.ctx(LEADER), customers[0], "ortho")
    assert kept.no_evaluation_reason == "新开发的三甲医院，评价表下周补做"


def test_GRD_6_an_evaluation_of_the_last_6_months_is_enough_and_an_older_one_is_not(fake, erp):
    from portal.services import grading

    customers = admitted("ortho", 20, store=fake.store)
    values = {**JUDGED, "annual_volume": 900, "payment": "按时回款，无逾期"}
    old = evaluations.evaluate(fake.ctx(REP, now=fake.now - timedelta(days=200)), "ortho", customers[0], values, {})
    with pytest.raises(Invalid) as refused:
        grading.change(fake.ctx(LEADER), "ortho", customers[0], "PREFERRED", "去年评价", evaluation_id=old.eval_id)
    assert "no_evaluation_reason" in refused.value.fields
    fresh = evaluations.evaluate(fake.ctx(REP), "ortho", customers[1], values, {})
    done = grading.change(fake.ctx(LEADER), "ortho", customers[1], "PREFERRED", "评价优秀", evaluation_id=fresh.eval_id)
    assert (done.to_grade, done.no_evaluation_reason) == ("PREFERRED", None)
    evaluations.evaluate(fake.ctx(REP, now=fake.now - timedelta(days=30)), "ortho", customers[2], values, {})
    latest = grading.change(fake.ctx(LEADER), "ortho", customers[2], "PREFERRED", "上月评价")  # the latest counts
    assert latest.to_grade == "PREFERRED"


def test_GRD_6_a_downgrade_needs_no_evaluation(fake, erp):
    from portal.services import grading

    customers = admitted("ortho", 20, store=fake.store)
    grading.change(fake.ctx(LEADER), "ortho", customers[0], "PREFERRED", "升级", no_evaluation_reason="老客户")
    down = grading.change(fake.ctx(LEADER), "ortho", customers[0], "QUALIFIED", "逾期回款")
    assert (down.to_grade, down.no_evaluation_reason) == ("QUALIFIED", None)


def test_GRD_5_a_scorecard_says_which_indicator_is_computed_and_a_wrong_fact_is_refused_at_its_place():
    import copy

    from portal.domain.grading import DEFAULT_SCORECARD, ScorecardError, scorecard_from_dict, scorecard_to_dict

    card = scorecard_from_dict(DEFAULT_SCORECARD)
    assert {i.key: i.source for i in card.indicators if i.source} == {
        "annual_volume": "volume_wan", "payment": "payment_record", "loyalty_years": "cooperation_years"}
    assert scorecard_from_dict(scorecard_to_dict(card)) == card  # the source survives the round trip
    wrong = copy.deepcopy(DEFAULT_SCORECARD)
    wrong["indicators"][3]["source"] = "volume_wan"  # a choice cannot take a number
    with pytest.raises(ScorecardError) as refused:
        scorecard_from_dict(wrong)
    assert (refused.value.path, refused.value.code) == ("indicators[3].source", "bad_source")
    wrong["indicators"][3]["source"] = "guesswork"
    with pytest.raises(ScorecardError):
        scorecard_from_dict(wrong)
