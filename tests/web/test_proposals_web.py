"""GRD-6 through the web and the API: the leader accepts a clerk's or rep's proposal with one click (its grade
through the quota check), or declines it with a reason; the grade form starts on the current grade."""

import re

from portal.adapters.tables import GradeChange, Standing
from tests.conftest import api_token, bearer, csrf_token, sign_in
from tests.factories import admitted

NO_EVAL = {"no_evaluation_reason": "测试准备：不经评价直接调整"}  # GRD-6: promoted without an evaluation


def propose(app, customer: str, grade: str = "PREFERRED") -> str:
    rep = app.test_client()
    sign_in(rep, "ortho.rep@demo.local")
    token = csrf_token(rep, f"/staff/departments/ortho/customers/{customer}")
    assert rep.post(f"/staff/departments/ortho/customers/{customer}/grade",
                    data={"csrf_token": token, "grade": grade, "reason": "回款及时，业务量增长"}).status_code == 302
    [proposal] = [c for c in GradeChange.query(customer) if c.kind == "proposal"]
    return proposal.change_id


def test_the_leader_accepts_a_proposal_with_one_click(app):
    customers = admitted("ortho", 20)  # 6 优选 places
    proposal_id = propose(app, customers[0])
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    path = f"/staff/departments/ortho/customers/{customers[0]}"
    page = leader.get(path).get_data(as_text=True)
    assert "采纳：调整为优选" in page
    assert re.search(r'<option selected value="QUALIFIED">|<option value="QUALIFIED" selected>', page)  # not VIP
    answer = leader.post(f"{path}/accept", data={"csrf_token": csrf_token(leader, path), "proposal_id": proposal_id,
                                                 **NO_EVAL})
    assert answer.status_code == 302
    assert Standing.get("ortho", customers[0]).grade == "PREFERRED"
    assert GradeChange.get(customers[0], proposal_id).status == "accepted"
    history = leader.get(f"/staff/customers/{customers[0]}/grades").get_data(as_text=True)
    assert "采纳 ortho.rep@demo.local 的提议" in history and "提议（已采纳）" in history
    assert "采纳：调整为" not in leader.get(path).get_data(as_text=True)  # nothing left to decide


def test_accepting_when_the_quota_is_full_says_so_and_leaves_the_proposal_open(app):
    customers = admitted("ortho", 6)  # 6 customers: one 优选 place
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    first = propose(app, customers[0])
    second = propose(app, customers[1])
    path = "/staff/departments/ortho/customers/{}"
    for customer, proposal_id in ((customers[0], first), (customers[1], second)):
        leader.post(path.format(customer) + "/accept",
                    data={"csrf_token": csrf_token(leader, path.format(customer)), "proposal_id": proposal_id,
                          **NO_EVAL})
    page = leader.get(path.format(customers[1])).get_data(as_text=True)
    assert "本部门优选名额已满" in page
    assert GradeChange.get(customers[1], second).status == "open"
    assert Standing.get("ortho", customers[1]).grade == "QUALIFIED"


def test_a_clerk_cannot_accept_and_a_forged_proposal_is_404_in_the_api(app):
    customers = admitted("ortho", 20)
    proposal_id = propose(app, customers[0])
    clerk = app.test_client()
    sign_in(clerk, "ortho.clerk@demo.local")
    path = f"/staff/departments/ortho/customers/{customers[0]}"
    assert clerk.post(f"{path}/accept", data={"csrf_token": csrf_token(clerk, path),
                                              "proposal_id": proposal_id}).status_code == 403
    token = api_token(app.test_client(), "ortho.leader@demo.local")
    api = f"/api/v1/departments/ortho/customers/{customers[0]}/grade-proposals"
    assert app.test_client().post(f"{api}/01JUNKJUNKJUNKJUNKJUNKJUNK/accept", headers=bearer(token),
                                  json={}).status_code == 404
    rehab = api_token(app.test_client(), "rehab.leader@demo.local")
    assert app.test_client().post(f"{api}/{proposal_id}/accept", headers=bearer(rehab), json={}).status_code == 403
    assert GradeChange.get(customers[0], proposal_id).status == "open"
    answer = app.test_client().post(f"{api}/{proposal_id}/accept", headers=bearer(token), json={**NO_EVAL})
    assert answer.status_code == 200
    assert {k: answer.get_json()[k] for k in ("kind", "from", "to", "proposed_by")} == {
        "kind": "change", "from": "QUALIFIED", "to": "PREFERRED", "proposed_by": "ortho.rep@demo.local"}
    again = app.test_client().post(f"{api}/{proposal_id}/decline", headers=bearer(token), json={"reason": "晚了"})
    assert again.status_code == 409


def test_the_api_declines_a_proposal_with_a_reason(app):
    customers = admitted("ortho", 20)
    proposal_id = propose(app, customers[0])
    token = api_token(app.test_client(), "ortho.leader@demo.local")
    api = f"/api/v1/departments/ortho/customers/{customers[0]}/grade-proposals/{proposal_id}/decline"
    assert app.test_client().post(api, headers=bearer(token), json={}).status_code == 422  # no reason
    answer = app.test_client().post(api, headers=bearer(token), json={"reason": "业务量尚不稳定"})
    assert answer.status_code == 200 and answer.get_json()["status"] == "declined"
    assert GradeChange.get(customers[0], proposal_id).status == "declined"
    assert Standing.get("ortho", customers[0]).grade == "QUALIFIED"
