"""GRD-*, QTA-*, SCP-1, RGT-2 on moto: evaluations, grade changes under quotas, concurrency, history."""

import json
import threading

import pytest

from portal.adapters.clock import utc_now
from portal.adapters.tables import BlacklistEntry, Counter, Evaluation, Standing
from portal.domain.grading import DEFAULT_SCORECARD
from portal.services import grading, scorecards
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import staff_ctx as staff
from tests.factories import admitted

GOOD = {"scale": "三级甲等", "annual_volume": 800, "payment": "按时回款，无逾期", "reputation": "信誉良好，无违规",
        "loyalty_years": 5, "qualification": "齐全有效"}




LEADER = "ortho.leader@demo.local"


def counter(dept="ortho", key="all"):
    c = Counter.get(dept, key)
    return int(c.total), int(c.vip), int(c.preferred)


def test_GRD_5_evaluation_keeps_the_scorecard_version_it_was_scored_with(app):
    [customer] = admitted("ortho", 1)
    first = grading.evaluate(staff("ortho.rep@demo.local"), "ortho", customer, GOOD, {})
    assert (first.total, first.proposed, first.card_scope) == (100, "VIP", "company")
    changed = json.loads(json.dumps(DEFAULT_SCORECARD))
    changed["thresholds"]["VIP"] = 101 - 1  # VIP now needs a perfect 100
    changed["indicators"][1]["weight"], changed["indicators"][0]["weight"] = 40, 10
    scorecards.save(staff(LEADER), "ortho", "default", json.dumps(changed), None)
    second = grading.evaluate(staff("ortho.rep@demo.local"), "ortho", customer, {**GOOD, "scale": "一级"}, {})
    assert second.card_scope == "ortho" and second.proposed == "PREFERRED"
    old = Evaluation.get(first.eval_id)
    assert json.loads(old.card_definition)["thresholds"]["VIP"] == 85 and old.total == 100


def test_GRD_5_department_may_define_its_own_per_product(app):
    [customer] = admitted("ortho", 1, products=("knee-joint",))
    per_product = json.loads(json.dumps(DEFAULT_SCORECARD))
    per_product["thresholds"] = {"VIP": 95, "PREFERRED": 60}
    scorecards.save(staff(LEADER), "ortho", "knee-joint", json.dumps(per_product), None)
    evaluation = grading.evaluate(staff(LEADER), "ortho", customer, GOOD, {}, product_id="knee-joint")
    assert (evaluation.card_scope, evaluation.card_id) == ("ortho", "knee-joint")


def test_GRD_5_only_md_changes_the_company_default_and_stale_edits_are_409(app):
    with pytest.raises(Forbidden):
        scorecards.save(staff(LEADER), "company", "default", json.dumps(DEFAULT_SCORECARD), 0)
    with pytest.raises(Forbidden):
        scorecards.save(staff(LEADER), "rehab", "default", json.dumps(DEFAULT_SCORECARD), None)
    md = staff("md.admin@demo.local")
    saved = scorecards.save(md, "company", "default", json.dumps(DEFAULT_SCORECARD), 0)
    assert saved.version == 1
    scorecards.save(md, "company", "default", json.dumps(DEFAULT_SCORECARD), 1)
    with pytest.raises(Conflict):
        scorecards.save(md, "company", "default", json.dumps(DEFAULT_SCORECARD), 1)


def test_GRD_5_bad_scorecards_name_the_problem(app):
    md = staff("md.admin@demo.local")
    bad = json.loads(json.dumps(DEFAULT_SCORECARD))
    bad["indicators"][0]["weight"] = 5
    with pytest.raises(Invalid) as exc:
        scorecards.save(md, "company", "default", json.dumps(bad), 0)
    assert "85" in str(exc.value.fields["definition"][0])
    with pytest.raises(Invalid) as exc:
        scorecards.save(md, "company", "default", "{not json", 0)
    assert "JSON" in str(exc.value.fields["definition"][0])


def test_evaluation_refuses_negative_volume_next_to_its_field(app):
    [customer] = admitted("ortho", 1)
    with pytest.raises(Invalid) as exc:
        grading.evaluate(staff("ortho.rep@demo.local"), "ortho", customer, {**GOOD, "annual_volume": -1}, {})
    assert "v_annual_volume" in exc.value.fields


def test_GRD_6_leader_promotes_and_the_change_records_who_when_from_to_why(app):
    customers = admitted("ortho", 20)
    evaluation = grading.evaluate(staff("ortho.clerk@demo.local"), "ortho", customers[0], GOOD, {})
    change = grading.change(staff(LEADER), "ortho", customers[0], "VIP", "年度评审优秀",
                            evaluation_id=evaluation.eval_id)
    assert (change.from_grade, change.to_grade, change.by, change.evaluation_id) == (
        "QUALIFIED", "VIP", LEADER, evaluation.eval_id)
    assert Standing.get("ortho", customers[0]).grade == "VIP"
    assert counter() == (20, 1, 0) and counter(key="product#bone-plate") == (20, 1, 0)
    history = grading.history(staff("ortho.clerk@demo.local"), customers[0])
    assert [(h.kind, h.to_grade, h.reason) for h in history] == [("change", "VIP", "年度评审优秀")]
    from portal.adapters.tables import AuditEvent
    from portal.domain.timeutil import shanghai_day

    events = [e for e in AuditEvent.by_dept.query("ortho") if e.action == "grade.changed"]
    assert events and events[-1].target_id == customers[0] and events[-1].actor_email == LEADER
    assert shanghai_day(events[-1].at).isoformat() == events[-1].day


def test_grade_change_by_a_rep_is_refused_the_leader_decides(app):
    [customer] = admitted("ortho", 1)
    with pytest.raises(Forbidden):
        grading.change(staff("ortho.rep@demo.local"), "ortho", customer, "PREFERRED", "x")
    proposal = grading.propose(staff("ortho.rep@demo.local"), "ortho", customer, "PREFERRED", "回款及时", None)
    assert proposal.status == "open"


def test_SEC_1_a_leader_cannot_accept_another_departments_proposal(app):
    from portal.adapters.tables import Customer, GradeChange, transaction
    from portal.services.grading import admission_updates
    from tests.factories import stand

    [customer_id] = admitted("ortho", 1)
    admitted("rehab", 9, products=("walker",))
    stand(Customer.get(customer_id), "rehab", products=("walker",))  # the same customer also stands in rehab
    with transaction() as tx:
        admission_updates(tx, "rehab", {"walker"})
    theirs = grading.propose(staff("ortho.rep@demo.local"), "ortho", customer_id, "PREFERRED", "回款及时", None)
    rehab = staff("rehab.leader@demo.local")
    for forged in (theirs.change_id, "01JUNKJUNKJUNKJUNKJUNKJUNK", "x" * 2000):
        with pytest.raises(NotFound):
            grading.change(rehab, "rehab", customer_id, "PREFERRED", "借用提议", proposal_id=forged)
    assert GradeChange.get(customer_id, theirs.change_id).status == "open"
    assert Standing.get("rehab", customer_id).grade == "QUALIFIED" and counter("rehab")[2] == 0
    ortho = staff(LEADER)
    grading.decline(ortho, "ortho", customer_id, theirs.change_id, "暂不调整")
    with pytest.raises(Conflict):  # a decided proposal cannot be accepted afterwards
        grading.change(ortho, "ortho", customer_id, "PREFERRED", "改主意", proposal_id=theirs.change_id)
    assert GradeChange.get(customer_id, theirs.change_id).status == "declined"
    assert Standing.get("ortho", customer_id).grade == "QUALIFIED"


def test_grading_where_the_customer_is_not_admitted_is_refused(app):
    [customer] = admitted("ortho", 1)
    with pytest.raises(NotFound):
        grading.change(staff("rehab.leader@demo.local"), "rehab", customer, "VIP", "x")
    with pytest.raises(Forbidden):
        grading.change(staff(LEADER), "rehab", customer, "VIP", "x")  # SEC-1: not the ortho leader's department


def test_QTA_1_the_16th_vip_in_a_department_of_100_is_refused_with_places_left(app):
    customers = admitted("rehab", 100, products=("walker",))
    leader = staff("rehab.leader@demo.local")
    for customer_id in customers[:15]:
        grading.change(leader, "rehab", customer_id, "VIP", "优秀")
    with pytest.raises(Conflict) as exc:
        grading.change(leader, "rehab", customers[15], "VIP", "优秀")
    assert "15" in str(exc.value.message) and "0" in str(exc.value.message)
    assert counter("rehab") == (100, 15, 0)
    assert Standing.get("rehab", customers[15]).grade == "QUALIFIED"


def test_QTA_4_twenty_concurrent_promotions_in_a_department_of_20_exactly_3_succeed(app, atomic_moto):
    customers = admitted("ortho", 20)
    leader = staff(LEADER)
    results, barrier = [], threading.Barrier(20)

    def promote(customer_id):
        barrier.wait()
        try:
            grading.change(leader, "ortho", customer_id, "VIP", "并发晋升")
            results.append("ok")
        except Conflict:
            results.append("refused")

    threads = [threading.Thread(target=promote, args=(c,)) for c in customers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 3 and len(results) == 20
    assert counter() == (20, 3, 0)
    assert sum(1 for s in Standing.query("ortho") if s.grade == "VIP") == 3


def test_QTA_3_product_limit_warns_and_the_leader_may_override_in_writing(app):
    admitted("ortho", 14, products=("bone-plate",))
    knee = admitted("ortho", 7, products=("knee-joint",))  # 21 in all: 3 VIP places; knee-joint alone: 1
    leader = staff(LEADER)
    grading.change(leader, "ortho", knee[0], "VIP", "优秀")
    with pytest.raises(Conflict) as exc:
        grading.change(leader, "ortho", knee[1], "VIP", "优秀")
    assert "override_reason" in exc.value.fields and "knee-joint" in str(exc.value.message)
    change = grading.change(leader, "ortho", knee[1], "VIP", "优秀", override_reason="战略客户，经部门会议同意")
    assert change.override_reason == "战略客户，经部门会议同意"
    assert counter(key="product#knee-joint") == (7, 2, 0)


def test_QTA_5_leaving_is_never_blocked_and_the_department_is_flagged(app):
    customers = admitted("ortho", 20)
    leader = staff(LEADER)
    for c in customers[:3]:
        grading.change(leader, "ortho", c, "VIP", "优秀")
    grading.end_standing(leader, "ortho", customers[10], "客户注销")
    quota = grading.quota(leader, "ortho")
    assert (quota.counts.total, quota.counts.vip, quota.max_vip) == (19, 3, 2)
    assert [g.value for g in quota.over] == ["VIP"]
    grading.end_standing(leader, "ortho", customers[0], "客户注销")  # a VIP leaves: fixed
    assert grading.quota(leader, "ortho").over == []


def test_SCP_1_a_grade_holds_only_in_its_department(app):
    [customer] = admitted("ortho", 1)
    admitted("ortho", 19)
    Standing(dept_id="rehab", customer_id=customer, customer_name="同一客户", grade="QUALIFIED",
             dept_grade="rehab#QUALIFIED", products={"walker"}, admitted_at=utc_now()).save()
    grading.change(staff(LEADER), "ortho", customer, "VIP", "优秀")
    assert Standing.get("ortho", customer).grade == "VIP" and Standing.get("rehab", customer).grade == "QUALIFIED"
    assert grading.priorities([Standing.get("ortho", customer), Standing.get("rehab", customer)]) == {
        "ortho": 1, "rehab": 3}


def test_BLK_2_a_listed_customer_cannot_be_graded(app):
    [customer] = admitted("ortho", 1)
    BlacklistEntry(entry_id="e1", customer_id=customer, scope="ortho", listed_at=utc_now()).save()
    with pytest.raises(Forbidden):
        grading.change(staff(LEADER), "ortho", customer, "QUALIFIED", "x")


def test_filter_by_grade_uses_the_index(app):
    customers = admitted("ortho", 20)
    grading.change(staff(LEADER), "ortho", customers[4], "PREFERRED", "良好")
    page = grading.by_grade(staff("ortho.rep@demo.local"), "ortho", "PREFERRED")
    assert [s.customer_id for s in page.items] == [customers[4]]
    with pytest.raises(Invalid):
        grading.by_grade(staff("ortho.rep@demo.local"), "ortho", "GOLD")
