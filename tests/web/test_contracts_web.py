"""REL-3 through the Flask client and the API: a contract from draft to in force with a scan uploaded through the
document path and confirmed by staff; refusals (a rep approving, a leader above MD's threshold, another
department, an amendment after termination) said clearly, with nothing changed; the customer's own view."""

from datetime import timedelta

from portal.adapters.clock import utc_now
from portal.domain.timeutil import shanghai_day
from portal.services import document_review
from tests.conftest import api_token, bearer, staff_ctx
from tests.factories import register, stand, upload

TERMS = {"contract_no": "GK-2027-001", "title": "骨板年度购销合同", "amount": 200000}


def _terms(**kw):
    today = shanghai_day(utc_now())
    return {**TERMS, "start_date": today.isoformat(), "end_date": (today + timedelta(days=365)).isoformat(), **kw}


def _headers(app, email):
    return bearer(api_token(app.test_client(), email))


def test_REL_3_a_contract_goes_from_draft_to_in_force_through_the_api_and_serves_the_customer_view(app):
    customer, customer_ctx = register(email="c1@kangjian.cn")
    stand(customer, "ortho")
    client = app.test_client()
    rep, leader, md = (_headers(app, f"{w}@demo.local") for w in ("ortho.rep", "ortho.leader", "md.admin"))
    # bad input: every field named, nothing created
    bad = client.post("/api/v1/departments/ortho/contracts", headers=rep,
                      json={**_terms(amount=-5, end_date="2020-01-01"), "customer_id": customer.customer_id,
                            "title": ""})
    assert bad.status_code == 422 and {"amount", "title"} <= set(bad.get_json()["error"]["fields"])
    assert client.get("/api/v1/departments/ortho/contracts", headers=rep).get_json()["items"] == []
    made = client.post("/api/v1/departments/ortho/contracts", headers=rep,
                       json={**_terms(), "customer_id": customer.customer_id})
    assert made.status_code == 201, made.get_json()
    contract = made.get_json()
    cid = contract["id"]
    assert (contract["state"], contract["latest_version"], len(contract["versions"])) == ("draft", 1, 1)
    assert client.post(f"/api/v1/contracts/{cid}/submit", headers=rep, json={}).status_code == 200
    # a rep may not approve (403), and nothing changes
    assert client.post(f"/api/v1/contracts/{cid}/approve", headers=rep, json={}).status_code == 403
    assert client.get(f"/api/v1/contracts/{cid}", headers=rep).get_json()["state"] == "submitted"
    # another department sees nothing of it
    rehab = _headers(app, "rehab.leader@demo.local")
    assert client.get(f"/api/v1/contracts/{cid}", headers=rehab).status_code == 403
    assert client.post(f"/api/v1/contracts/{cid}/approve", headers=rehab, json={}).status_code == 403
    assert client.post(f"/api/v1/contracts/{cid}/approve", headers=leader, json={}).status_code == 200
    # the scan: uploaded through the document path (a real PDF, its size), then confirmed by staff
    doc = upload(customer_ctx, "signed-contract", filename="合同扫描件.pdf")
    unconfirmed = client.post(f"/api/v1/contracts/{cid}/sign", headers=rep, json={"doc_id": doc.doc_id})
    assert unconfirmed.status_code == 422 and "doc_id" in unconfirmed.get_json()["error"]["fields"]
    document_review.review(staff_ctx("ortho.leader@demo.local"), doc.doc_id, accept=True)
    signed = client.post(f"/api/v1/contracts/{cid}/sign", headers=rep, json={"doc_id": doc.doc_id})
    assert signed.status_code == 200 and signed.get_json()["state"] == "in_force"  # from its start day, today
    # the customer sees its own signed contract, read only
    own = client.get("/api/v1/contracts", headers=_headers(app, "c1@kangjian.cn")).get_json()["items"]
    assert [c["id"] for c in own] == [cid]
    assert client.get(f"/api/v1/contracts/{cid}", headers=_headers(app, "c1@kangjian.cn")).status_code == 403
    # terminated with a reason; an amendment after that is refused in words, and nothing is added
    assert client.post(f"/api/v1/contracts/{cid}/terminate", headers=leader, json={}).status_code == 422
    assert client.post(f"/api/v1/contracts/{cid}/terminate", headers=leader,
                       json={"reason": "客户停业"}).status_code == 200
    late = client.post(f"/api/v1/contracts/{cid}/amendments", headers=rep, json={**_terms(), "note": "续签"})
    assert late.status_code == 409 and "已终止或已到期" in late.get_json()["error"]["message"]
    after = client.get(f"/api/v1/contracts/{cid}", headers=md).get_json()
    assert (after["state"], len(after["versions"]), after["ended_reason"]) == ("terminated", 1, "客户停业")
    assert [s["action"] for s in after["history"]] == ["created", "submitted", "approved", "signed", "terminated"]


def test_REL_3_above_MDs_threshold_the_leader_is_refused_and_MD_approves(app):
    customer, _ = register(email="c2@kangjian.cn")
    client = app.test_client()
    rep, leader, md = (_headers(app, f"{w}@demo.local") for w in ("ortho.rep", "ortho.leader", "md.admin"))
    assert client.put("/api/v1/contract-threshold", headers=leader, json={"amount": 100000}).status_code == 403
    assert client.put("/api/v1/contract-threshold", headers=md, json={"amount": 0}).status_code == 422
    assert client.put("/api/v1/contract-threshold", headers=md, json={"amount": 100000}).get_json() == {
        "amount": 100000}
    cid = client.post("/api/v1/departments/ortho/contracts", headers=rep,
                      json={**_terms(amount=100001), "customer_id": customer.customer_id}).get_json()["id"]
    client.post(f"/api/v1/contracts/{cid}/submit", headers=rep, json={})
    refused = client.post(f"/api/v1/contracts/{cid}/approve", headers=leader, json={})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert client.get(f"/api/v1/contracts/{cid}", headers=rep).get_json()["state"] == "submitted"
    from tests.conftest import sign_in

    for who, offered in (("ortho.leader", False), ("md.admin", True)):  # the page offers the step to MD only
        browser = app.test_client()
        sign_in(browser, f"{who}@demo.local")
        page = browser.get(f"/staff/contracts/{cid}").get_data(as_text=True)
        assert ('value="approve"' in page) is offered and 'id="md-approves"' in page
    assert client.post(f"/api/v1/contracts/{cid}/approve", headers=md, json={}).get_json()["state"] == "approved"


def test_REL_3_the_pages_walk_a_contract_to_in_force_and_say_bad_input_next_to_its_field(app):
    import re

    from tests.conftest import csrf_token, sign_in

    customer, customer_ctx = register(email="c3@kangjian.cn", name="宁波康泰医疗器械有限公司")
    stand(customer, "ortho")
    rep = app.test_client()
    sign_in(rep, "ortho.rep@demo.local")
    new = f"/staff/departments/ortho/customers/{customer.customer_id}/contracts/new"
    bad = rep.post(new, data={"csrf_token": csrf_token(rep, new), **_terms(amount="-1", title="")})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and 'id="amount-error"' in page and 'id="title-error"' in page
    assert "骨板" not in rep.get("/staff/departments/ortho/contracts").get_data(as_text=True)  # nothing drafted
    made = rep.post(new, data={"csrf_token": csrf_token(rep, new), **_terms()})
    assert made.status_code == 302
    path = made.headers["Location"]
    page = rep.get(path).get_data(as_text=True)
    assert 'id="contract-state">草稿' in page and 'value="submit"' in page and 'value="approve"' not in page
    rep.post(f"{path}/step", data={"csrf_token": csrf_token(rep, path), "action": "submit"})
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    page = leader.get(path).get_data(as_text=True)
    assert 'id="contract-state">待审批' in page and 'value="approve"' in page
    leader.post(f"{path}/step", data={"csrf_token": csrf_token(leader, path), "action": "approve"})
    doc = upload(customer_ctx, "signed-contract", filename="合同扫描件.pdf")
    document_review.review(staff_ctx("ortho.leader@demo.local"), doc.doc_id, accept=True)
    sign_path = f"{path}/sign"
    form = rep.get(sign_path).get_data(as_text=True)
    assert f'value="{doc.doc_id}"' in form and "合同扫描件.pdf" in form
    signed = rep.post(sign_path, data={"csrf_token": csrf_token(rep, sign_path), "doc_id": doc.doc_id})
    assert signed.status_code == 302
    page = rep.get(path).get_data(as_text=True)
    assert 'id="contract-state">生效中' in page
    assert re.findall(r"<li>", page.split('id="contract-history"')[1]).__len__() == 4
    listed = rep.get("/staff/departments/ortho/contracts").get_data(as_text=True)
    assert "骨板年度购销合同" in listed and "生效中" in listed
    # the customer sees it, read only
    buyer = app.test_client()
    sign_in(buyer, "c3@kangjian.cn")
    own = buyer.get("/customer/contracts").get_data(as_text=True)
    assert "骨板年度购销合同" in own and "生效中" in own
    cid = path.rsplit("/", 1)[1]
    assert buyer.get(f"/customer/contracts/{cid}").status_code == 200
    history = buyer.get("/customer/timeline").get_data(as_text=True)
    assert "合同 GK-2027-001 已签署(第 1 版)" in history  # in words, on its own timeline
    # another department's staff: 403
    other = app.test_client()
    sign_in(other, "rehab.leader@demo.local")
    assert other.get(path).status_code == 403
