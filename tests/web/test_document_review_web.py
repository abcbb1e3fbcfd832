"""Issue 17 through the Flask test client: 文件已检查 versus 已审核 on the pages, the staff queue, the review form
and its API operation (ADM-2 a/e, SEC-1), and the queue's cost (DESIGN rule 12)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from portal.adapters.tables import Document
from tests.conftest import api_token, bearer, count_aws_calls, csrf_token, sign_in
from tests.factories import applied

EMAIL = "buyer@customer.cn"


def _world():
    customer, ctx, app = applied(email=EMAIL)
    docs = sorted(Document.by_customer.query(customer.customer_id), key=lambda d: d.doc_id)
    return customer, docs


def test_ADM_2_a_the_customer_sees_file_checked_until_a_person_reviews_it_then_reviewed_with_who_and_when(app):
    customer, docs = _world()
    client = app.test_client()
    sign_in(client, EMAIL)
    page = client.get("/customer/documents").get_data(as_text=True)
    table = page.split('id="current-documents"')[1].split("</table>")[0]
    assert re.search(r'class="badge [a-z]+">文件已检查<', table) and ">已审核<" not in table
    staff = app.test_client()
    sign_in(staff, "ortho.rep@demo.local")
    queue = staff.get("/staff/documents/review").get_data(as_text=True)
    assert f"/staff/documents/{docs[0].doc_id}/review" in queue and customer.name in queue
    path = f"/staff/documents/{docs[0].doc_id}/review"
    review = staff.get(path).get_data(as_text=True)
    assert customer.credit_code in review and "文件已检查" in review  # the record beside the document
    answer = staff.post(path, data={"csrf_token": csrf_token(staff, path), "version": docs[0].version,
                                    "decision": "confirm", "reason": ""})
    assert answer.status_code == 302
    stored = Document.get(docs[0].doc_id)
    assert stored.reviewed_at is not None and stored.review_bucket is None
    current = client.get("/customer/documents").get_data(as_text=True).split('id="current-documents"')[1]
    assert re.search(r'class="badge ok">已审核<', current)
    beijing = stored.reviewed_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert re.search(rf"[^<]*，{re.escape(beijing)}", current)  # the reviewer's name, then Beijing time
    queue = staff.get("/staff/documents/review").get_data(as_text=True)
    assert path not in queue and f"/staff/documents/{docs[1].doc_id}/review" in queue


def test_ADM_2_a_a_refusal_without_a_reason_is_refused_next_to_the_field_and_nothing_changes(app):
    _customer, docs = _world()
    staff = app.test_client()
    sign_in(staff, "md.admin@demo.local")
    path = f"/staff/documents/{docs[0].doc_id}/review"
    answer = staff.post(path, data={"csrf_token": csrf_token(staff, path), "version": docs[0].version,
                                    "decision": "refuse", "reason": " "})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'id="reason-error"' in body and "请说明退回理由" in body
    assert Document.get(docs[0].doc_id).reviewed_at is None
    answer = staff.post(path, data={"csrf_token": csrf_token(staff, path), "version": docs[0].version,
                                    "decision": "refuse", "reason": "执照上的名称与注册名称不符"})
    assert answer.status_code == 302
    stored = Document.get(docs[0].doc_id)
    assert (stored.status, stored.refusal_note) == ("refused", "执照上的名称与注册名称不符")


def test_SEC_1_only_md_and_a_department_the_customer_deals_with_review_and_forged_ids_are_404(app):
    _customer, docs = _world()
    path = f"/staff/documents/{docs[0].doc_id}/review"
    rehab = app.test_client()
    sign_in(rehab, "rehab.leader@demo.local")
    assert rehab.get(path).status_code == 403
    assert path not in rehab.get("/staff/documents/review").get_data(as_text=True)
    md = app.test_client()
    sign_in(md, "md.admin@demo.local")
    assert md.get("/staff/documents/01JFORGED0000000000000000/review").status_code == 404
    customer = app.test_client()
    sign_in(customer, EMAIL)
    assert customer.get(path).status_code in (302, 403)
    token = api_token(app.test_client(), EMAIL)
    assert app.test_client().post(f"/api/v1/documents/{docs[0].doc_id}/review", headers=bearer(token),
                                  json={"decision": "confirm", "version": 1}).status_code == 403
    assert Document.get(docs[0].doc_id).reviewed_at is None


def test_ADM_2_a_the_api_reviews_with_the_shared_form_and_its_document_says_so(app):
    _customer, docs = _world()
    client = app.test_client()
    headers = bearer(api_token(client, "ortho.leader@demo.local"))
    url = f"/api/v1/documents/{docs[0].doc_id}/review"
    assert client.post(url, headers=headers, json={"decision": "refuse", "version": docs[0].version}).status_code == 422
    answer = client.post(url, headers=headers, json={"decision": "confirm", "version": docs[0].version})
    assert answer.status_code == 200 and answer.get_json()["reviewed"] is True
    assert answer.get_json()["reviewed_by"] and answer.get_json()["status"] == "verified"
    again = client.post(url, headers=headers, json={"decision": "confirm", "version": docs[0].version})
    assert again.status_code == 409
    assert client.post("/api/v1/documents/01JFORGED0000000000000000/review", headers=headers,
                       json={"decision": "confirm", "version": 1}).status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/documents/{doc_id}/review"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["decision"]["enum"] == ["confirm", "refuse"] and "version" in body["required"]


def test_the_review_queue_costs_the_same_with_a_few_and_with_many_documents_waiting(app):
    customer, docs = _world()
    staff = app.test_client()
    sign_in(staff, "ortho.rep@demo.local")

    def cost():
        with count_aws_calls() as calls:
            assert staff.get("/staff/documents/review").status_code == 200
        return {k: v for k, v in calls.items() if k.startswith("dynamodb.")}

    few = cost()
    with Document.batch_write() as batch:
        for i in range(120):  # more than a page of other customers' documents waiting
            batch.save(Document(doc_id=f"01JBULK{i:019d}", customer_id=f"other-{i}", type_id="business-licence",
                                status="verified", original_name=f"{i}.pdf", content_type="application/pdf",
                                s3_key=f"documents/x/{i}.pdf", issue_date="2024-01-01", uploaded_by="x",
                                created_at=docs[0].created_at, review_bucket="rev"))
    many = cost()
    assert few == many and sum(many.values()) <= 6 and not any(k.endswith("Scan") for k in many)


def test_the_review_queue_through_the_api_is_the_page_s_and_leaves_when_reviewed(app):
    customer, docs = _world()
    client = app.test_client()
    leader = bearer(api_token(client, "ortho.leader@demo.local"))
    queue = client.get("/api/v1/documents/review-queue", headers=leader)
    assert queue.status_code == 200
    waiting = {d["id"] for d in queue.get_json()["items"]}
    assert {d.doc_id for d in docs} <= waiting
    assert {d["customer_name"] for d in queue.get_json()["items"]} == {customer.name}
    client.post(f"/api/v1/documents/{docs[0].doc_id}/review", headers=leader,
                json={"decision": "confirm", "version": docs[0].version})
    after = {d["id"] for d in client.get("/api/v1/documents/review-queue", headers=leader).get_json()["items"]}
    assert docs[0].doc_id not in after and docs[1].doc_id in after
    rehab = bearer(api_token(client, "rehab.leader@demo.local"))  # a department the customer does not deal with
    assert client.get("/api/v1/documents/review-queue", headers=rehab).get_json()["items"] == []
    buyer = bearer(api_token(client, EMAIL))
    assert client.get("/api/v1/documents/review-queue", headers=buyer).status_code == 403
