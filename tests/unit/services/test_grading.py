"""GRD-*, QTA-*, SCP-1, RGT-2 on the in-memory store: evaluations, grade changes under quotas, concurrency,
history."""

import json
import threading

import pytest

from portal.adapters import records
from portal.adapters.repos.dynamics import BlacklistEntries
from portal.adapters.repos.grading import Counters, Evaluations, GradeChanges, Standings
from portal.adapters.tables import AuditEvent
from portal.domain.grading import DEFAULT_SCORECARD
from portal.services import evaluations, grading, scorecards
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.factories import admitted, stand_counted

GOOD = {"scale": "三级甲等", "annual_volume": 800, "payment": "按时回款，无逾期", "reputation": "信誉良好，无违规",
        "loyalty_years": 5, "qualification": "齐全有效"}
# issue 18 item 3: years of cooperation are computed (here from today's admission: 0), so typing 5 is an override
WHY = {"loyalty_years": "合作始于本系统上线之前"}




LEADER = "ortho.leader@demo.local"


@pytest.fixture
def world(fake):
    """The fake world, with the helpers these tests read it through."""
    return fake


def counter(world, dept="ortho", key="all"):
    c = world.repo(Counters).get(dept, key)
    return int(c.total), int(c.vip), int(c.preferred)


def standing(world, dept, customer):
    return world.repo(Standings).get(dept, customer)


def test_GRD_5_evaluation_keeps_the_scorecard_version_it_was_scored_with(world):
    [customer] = admitted("ortho", 1, store=world.store)
    first = evaluations.evaluate(world.ctx("ortho.rep@demo.local"), "ortho", customer, GOOD, {}, reasons=WHY)
    assert (first.total, first.proposed, first.card_scope) == (100, "VIP", "company")
    changed = json.loads(json.dumps(DEFAULT_SCORECARD))
    changed["thresholds"]["VIP"] = 101 - 1  # VIP now needs a perfect 100
    changed["indicators"][1]["weight"], changed["indicators"][0]["weight"] = 40, 10
    scorecards.save(world.ctx(LEADER), "ortho", "default", json.dumps(changed), None)
    second = evaluations.evaluate(world.ctx("ortho.rep@demo.local"), "ortho", customer, {**GOOD, "scale": "一级"}, {},
                                    reasons=WHY)
    assert second.card_scope == "ortho" and second.proposed == "PREFERRED"
    old = world.repo(Evaluations).get(first.eval_id)
    assert json.loads(old.card_definition)["thresholds"]["VIP"] == 85 and old.total == 100


def test_GRD_5_department_may_define_its_own_per_product(world):
    [customer] = admitted("ortho", 1, products=("knee-joint",), store=world.store)
    per_product = json.loads(json.dumps(DEFAULT_SCORECARD))
    per_product["thresholds"] = {"VIP": 95, "PREFERRED": 60}
    scorecards.save(world.ctx(LEADER), "ortho", "knee-joint", json.dumps(per_product), None)
    evaluation = evaluations.evaluate(world.ctx(LEADER), "ortho", customer, GOOD, {}, product_id="knee-joint",
                                            reasons=WHY)
    assert (evaluation.card_scope, evaluation.card_id) == ("ortho", "knee-joint")


def test_GRD_5_only_md_changes_the_company_default_and_stale_edits_are_409(world):
    with pytest.raises(Forbidden):
        scorecards.save(world.ctx(LEADER), "company", "default", json.dumps(DEFAULT_SCORECARD), 0)
    with pytest.raises(Forbidden):
        scorecards.save(world.ctx(LEADER), "rehab", "default", json.dumps(DEFAULT_SCORECARD), None)
    md = world.ctx("md.admin@demo.local")
    saved = scorecards.save(md, "company", "default", json.dumps(DEFAULT_SCORECARD), 0)
    assert saved.version == 1
    scorecards.save(md, "company", "default", json.dumps(DEFAULT_SCORECARD), 1)
    with pytest.raises(Conflict):
        scorecards.save(md, "company", "default", json.dumps(DEFAULT_SCORECARD), 1)


def test_GRD_5_bad_scorecards_name_the_problem(world):
    md = world.ctx("md.admin@demo.local")
    bad = json.loads(json.dumps(DEFAULT_SCORECARD))
    bad["indicators"][0]["weight"] = 5
    with pytest.raises(Invalid) as exc:
        scorecards.save(md, "company", "default", json.dumps(bad), 0)
    assert "85" in str(exc.value.fields["definition"][0])
    with pytest.raises(Invalid) as exc:
        scorecards.save(md, "company", "default", "{not json", 0)
    assert "JSON" in str(exc.value.fields["definition"][0])


def test_evaluation_refuses_negative_volume_next_to_its_field(world):
    [customer] = admitted("ortho", 1, store=world.store)
    with pytest.raises(Invalid) as exc:
        evaluations.evaluate(world.ctx("ortho.rep@demo.local"), "ortho", customer, {**GOOD, "annual_volume": -1}, {},
                             reasons=WHY)
    assert "v_annual_volume" in exc.value.fields


def test_GRD_6_leader_promotes_and_the_change_records_who_when_from_to_why(world):
    customers = admitted("ortho", 20, store=world.store)
    evaluation = evaluations.evaluate(world.ctx("ortho.clerk@demo.local"), "ortho", customers[0], GOOD, {},
                                          reasons=WHY)
    change = grading.change(world.ctx(LEADER), "ortho", customers[0], "VIP", "年度评审优秀",
                            evaluation_id=evaluation.eval_id)
    assert (change.from_grade, change.to_grade, change.by, change.evaluation_id) == (
        "QUALIFIED", "VIP", LEADER, evaluation.eval_id)
    assert standing(world, "ortho", customers[0]).grade == "VIP"
    assert counter(world) == (20, 1, 0) and counter(world, key="product#bone-plate") == (20, 1, 0)
    history = grading.history(world.ctx("ortho.clerk@demo.local"), customers[0])
    assert [(h.kind, h.to_grade, h.reason) for h in history] == [("change", "VIP", "年度评审优秀")]
    from portal.domain.timeutil import shanghai_day

    trail = world.store.query(AuditEvent, "ortho", index="by_dept").items
    events = [e for e in trail if e["action"] == "grade.changed"]
    assert events and events[-1]["target_id"] == customers[0] and events[-1]["actor_email"] == LEADER
    assert shanghai_day(events[-1]["at"]).isoformat() == events[-1]["day"]


def test_grade_change_by_a_rep_is_refused_the_leader_decides(world):
    [customer] = admitted("ortho", 1, store=world.store)
    with pytest.raises(Forbidden):
        grading.change(world.ctx("ortho.rep@demo.local"), "ortho", customer, "PREFERRED", "x",
                       no_evaluation_reason="测试准备：不经评价直接调整")
    proposal = grading.propose(world.ctx("ortho.rep@demo.local"), "ortho", customer, "PREFERRED", "回款及时", None)
    assert proposal.status == "open"


def test_SEC_1_a_leader_cannot_accept_another_departments_proposal(world):
    [customer_id] = admitted("ortho", 1, store=world.store)
    admitted("rehab", 9, products=("walker",), store=world.store)
    stand_counted(customer_id, "客户000", "rehab", ("walker",), store=world.store)  # it also stands in rehab
    theirs = grading.propose(world.ctx("ortho.rep@demo.local"), "ortho", customer_id, "PREFERRED", "回款及时", None)
    rehab = world.ctx("rehab.leader@demo.local")
    for forged in (theirs.change_id, "01JUNKJUNKJUNKJUNKJUNKJUNK", "x" * 2000):
        with pytest.raises(NotFound):
            grading.change(rehab, "rehab", customer_id, "PREFERRED", "借用提议", proposal_id=forged,
                           no_evaluation_reason="测试准备：不经评价直接调整")
    assert world.repo(GradeChanges).get(customer_id, theirs.change_id).status == "open"
    assert standing(world, "rehab", customer_id).grade == "QUALIFIED" and counter(world, "rehab")[2] == 0
    ortho = world.ctx(LEADER)
    grading.decline(ortho, "ortho", customer_id, theirs.change_id, "暂不调整")
    with pytest.raises(Conflict):  # a decided proposal cannot be accepted afterwards
        grading.change(ortho, "ortho", customer_id, "PREFERRED", "改主意", proposal_id=theirs.change_id,
                       no_evaluation_reason="测试准备：不经评价直接调整")
    assert world.repo(GradeChanges).get(customer_id, theirs.change_id).status == "declined"
    assert standing(world, "ortho", customer_id).grade == "QUALIFIED"


def test_grading_where_the_customer_is_not_admitted_is_refused(world):
    [customer] = admitted("ortho", 1, store=world.store)
    with pytest.raises(NotFound):
        grading.change(world.ctx("rehab.leader@demo.local"), "rehab", customer, "VIP", "x",
                       no_evaluation_reason="测试准备：不经评价直接调整")
    with pytest.raises(Forbidden):
        grading.change(world.ctx(LEADER), "rehab", customer, "VIP", "x",
                       no_evaluation_reason="测试准备：不经评价直接调整")  # SEC-1: not the ortho leader's department


def test_QTA_1_the_16th_vip_in_a_department_of_100_is_refused_with_places_left(world):
    customers = admitted("rehab", 100, products=("walker",), store=world.store)
    leader = world.ctx("rehab.leader@demo.local")
    for customer_id in customers[:15]:
        grading.change(leader, "rehab", customer_id, "VIP", "优秀", no_evaluation_reason="测试准备：不经评价直接调整")
    with pytest.raises(Conflict) as exc:
        grading.change(leader, "rehab", customers[15], "VIP", "优秀", no_evaluation_reason="测试准备：不经评价直接调整")
    assert str(exc.value.message) == "The VIP quota of this department is full: 15 of 15 places taken, 0 left."
    assert counter(world, "rehab") == (100, 15, 0)
    assert standing(world, "rehab", customers[15]).grade == "QUALIFIED"


def test_QTA_4_twenty_concurrent_promotions_in_a_department_of_20_exactly_3_succeed(world):
    customers = admitted("ortho", 20, store=world.store)
    leader = world.ctx(LEADER)
    results, barrier = [], threading.Barrier(20)

    def promote(customer_id):
        barrier.wait()
        try:
            grading.change(leader, "ortho", customer_id, "VIP", "并发晋升",
                           no_evaluation_reason="测试准备：不经评价直接调整")
            results.append("ok")
        except Conflict:
            results.append("refused")

    threads = [threading.Thread(target=promote, args=(c,)) for c in customers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 3 and len(results) == 20
    assert counter(world) == (20, 3, 0)
    assert sum(1 for s in world.repo(Standings).everyone("ortho") if s.grade == "VIP") == 3


def test_QTA_3_product_limit_warns_and_the_leader_may_override_in_writing(world):
    admitted("ortho", 14, products=("bone-plate",), store=world.store)
    knee = admitted("ortho", 7, products=("knee-joint",), store=world.store)  # 21: 3 VIP places; knee: 1
    leader = world.ctx(LEADER)
    grading.change(leader, "ortho", knee[0], "VIP", "优秀", no_evaluation_reason="测试准备：不经评价直接调整")
    with pytest.raises(Conflict) as exc:
        grading.change(leader, "ortho", knee[1], "VIP", "优秀", no_evaluation_reason="测试准备：不经评价直接调整")
    assert "override_reason" in exc.value.fields and "人工膝关节假体" in str(exc.value.message)  # by name, not id
    change = grading.change(leader, "ortho", knee[1], "VIP", "优秀", override_reason="战略客户，经部门会议同意",
                            no_evaluation_reason="测试准备：不经评价直接调整")
    assert change.override_reason == "战略客户，经部门会议同意"
    assert counter(world, key="product#knee-joint") == (7, 2, 0)


def test_QTA_5_leaving_is_never_blocked_and_the_department_is_flagged(world):
    customers = admitted("ortho", 20, store=world.store)
    leader = world.ctx(LEADER)
    for c in customers[:3]:
        grading.change(leader, "ortho", c, "VIP", "优秀", no_evaluation_reason="测试准备：不经评价直接调整")
    grading.end_standing(leader, "ortho", customers[10], "客户注销")
    quota = grading.quota(leader, "ortho")
    assert (quota.counts.total, quota.counts.vip, quota.max_vip) == (19, 3, 2)
    assert [g.value for g in quota.over] == ["VIP"]
    grading.end_standing(leader, "ortho", customers[0], "客户注销")  # a VIP leaves: fixed
    assert grading.quota(leader, "ortho").over == []


def test_SCP_1_a_grade_holds_only_in_its_department(world):
    [customer] = admitted("ortho", 1, store=world.store)
    admitted("ortho", 19, store=world.store)
    stand_counted(customer, "同一客户", "rehab", ("walker",), store=world.store)
    grading.change(world.ctx(LEADER), "ortho", customer, "VIP", "优秀",
                   no_evaluation_reason="测试准备：不经评价直接调整")
    assert standing(world, "ortho", customer).grade == "VIP" and standing(world, "rehab", customer).grade == "QUALIFIED"
    assert grading.priorities([standing(world, "ortho", customer), standing(world, "rehab", customer)]) == {
        "ortho": 1, "rehab": 3}


def test_BLK_2_a_listed_customer_cannot_be_graded(world):
    [customer] = admitted("ortho", 1, store=world.store)
    uow = world.uow()
    uow.repo(BlacklistEntries).add(records.BlacklistEntry(entry_id="e1", customer_id=customer, scope="ortho",
                                                          active=True, listed_at=world.now))
    uow.commit()
    with pytest.raises(Forbidden):
        grading.change(world.ctx(LEADER), "ortho", customer, "QUALIFIED", "x",
                       no_evaluation_reason="测试准备：不经评价直接调整")


def test_filter_by_grade_uses_the_index(world):
    customers = admitted("ortho", 20, store=world.store)
    grading.change(world.ctx(LEADER), "ortho", customers[4], "PREFERRED", "良好",
                   no_evaluation_reason="测试准备：不经评价直接调整")
    page = grading.by_grade(world.ctx("ortho.rep@demo.local"), "ortho", "PREFERRED")
    assert [s.customer_id for s in page.items] == [customers[4]]
    with pytest.raises(Invalid):
        grading.by_grade(world.ctx("ortho.rep@demo.local"), "ortho", "GOLD")


def test_GRD_2_b_a_late_payment_caps_the_evaluation_below_vip_and_it_is_kept(world):
    [customer] = admitted("ortho", 1, store=world.store)
    capped = evaluations.evaluate(world.ctx("ortho.rep@demo.local"), "ortho", customer, GOOD, {"late_payment": True},
                                   reasons=WHY)
    assert (capped.total, capped.proposed, capped.capped_by) == (100, "QUALIFIED", "late_payment")
    kept = world.repo(Evaluations).get(capped.eval_id)
    assert json.loads(kept.inputs)["hard"] == {"late_payment": True} and kept.proposed == "QUALIFIED"


def test_GRD_1_a_grade_is_one_of_three_and_nothing_else_is_recorded(world):
    [customer] = admitted("ortho", 1, store=world.store)
    for bad in ("GOLD", "vip", ""):
        with pytest.raises(Invalid) as exc:
            grading.change(world.ctx(LEADER), "ortho", customer, bad, "试一试",
                           no_evaluation_reason="测试准备：不经评价直接调整")
        assert "grade" in exc.value.fields
    assert standing(world, "ortho", customer).grade == "QUALIFIED" and counter(world) == (1, 0, 0)
    assert grading.history(world.ctx(LEADER), customer) == []


def test_GRD_6_the_leader_accepts_a_proposal_in_one_step_and_the_history_names_who_proposed(world):
    customer = admitted("ortho", 20, store=world.store)[0]  # 20 customers: 6 优选 places
    rep = world.ctx("ortho.rep@demo.local")
    proposal = grading.propose(rep, "ortho", customer, "PREFERRED", "回款及时，业务量增长", None)
    change = grading.accept(world.ctx(LEADER), "ortho", customer, proposal.change_id,
                            no_evaluation_reason="测试准备：不经评价直接调整")
    assert (change.kind, change.from_grade, change.to_grade, change.reason, change.proposed_by, change.by) == (
        "change", "QUALIFIED", "PREFERRED", "回款及时，业务量增长", "ortho.rep@demo.local", LEADER)
    assert world.repo(GradeChanges).get(customer, proposal.change_id).status == "accepted"
    assert standing(world, "ortho", customer).grade == "PREFERRED" and counter(world, "ortho")[2] == 1
    with pytest.raises(Conflict):  # accepted once: a second click changes nothing
        grading.accept(world.ctx(LEADER), "ortho", customer, proposal.change_id,
                       no_evaluation_reason="测试准备：不经评价直接调整")
    with pytest.raises(Forbidden):  # a rep proposes, never accepts (GRD-6)
        grading.accept(rep, "ortho", customer, proposal.change_id, no_evaluation_reason="测试准备：不经评价直接调整")
    assert counter(world, "ortho")[2] == 1


def test_QTA_1_an_accepted_proposal_goes_through_the_quota_and_stays_open_when_it_is_full(world):
    customers = admitted("rehab", 20, products=("walker",), store=world.store)
    leader = world.ctx("rehab.leader@demo.local")
    for customer_id in customers[:3]:
        grading.change(leader, "rehab", customer_id, "VIP", "优秀", no_evaluation_reason="测试准备：不经评价直接调整")
    proposal = grading.propose(world.ctx("rehab.rep@demo.local"), "rehab", customers[3], "VIP", "大客户", None)
    with pytest.raises(Conflict) as exc:
        grading.accept(leader, "rehab", customers[3], proposal.change_id,
                       no_evaluation_reason="测试准备：不经评价直接调整")
    assert "quota of this department is full: 3 of 3" in str(exc.value.message)
    assert world.repo(GradeChanges).get(customers[3], proposal.change_id).status == "open"
    assert standing(world, "rehab", customers[3]).grade == "QUALIFIED" and counter(world, "rehab")[1] == 3
    declined = grading.decline(leader, "rehab", customers[3], proposal.change_id, "名额已满")
    assert declined.status == "declined"
    assert world.repo(GradeChanges).get(customers[3], proposal.change_id).status == "declined"
