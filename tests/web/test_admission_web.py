"""Issue 3 through the Flask client: registration page and API, documents, applications, MD's document types."""

import re

from portal.adapters import aws, files
from portal.adapters.tables import Document, DocumentType
from tests.conftest import api_token, bearer, csrf_token, sign_in
from tests.factories import EXE, PDF, applied, credit_code, register

REGISTRATION = {"name": "苏州精工医疗器械有限公司", "kind": "enterprise", "region": "江苏省苏州市",
                "industry": "医疗器械经销", "scale": "small", "contact_name": "王经理", "mobile": "13912345678",
                "password": "jinggong phrase 88"}


def test_register_page_puts_errors_next_to_fields_and_writes_nothing(client):
    token = csrf_token(client, "/register")
    data = {**REGISTRATION, "csrf_token": token, "credit_code": "91310115MA0000001X", "email": "wang@jg.cn",
            "mobile": "12345"}
    page = client.post("/register", data=data).get_data(as_text=True)
    assert re.search(r'id="credit_code-error">统一社会信用代码无效', page)
    assert re.search(r'id="mobile-error">不是有效的中国大陆手机号', page)
    from portal.services.auth import find_user_by_email

    assert find_user_by_email("wang@jg.cn") is None


def test_register_page_signs_the_new_customer_in(client):
    token = csrf_token(client, "/register")
    response = client.post("/register", data={**REGISTRATION, "csrf_token": token, "credit_code": credit_code(4242),
                                              "email": "wang@jg.cn"})
    assert response.status_code == 302 and response.headers["Location"] == "/customer/"
    page = client.get("/customer/").get_data(as_text=True)
    assert "苏州精工医疗器械有限公司" in page and "未申请" in page


def test_api_registration_duplicate_code_is_409(client):
    body = {**REGISTRATION, "credit_code": credit_code(4343), "email": "a@jg.cn"}
    assert client.post("/api/v1/customers", json=body).status_code == 201
    again = client.post("/api/v1/customers", json={**body, "email": "b@jg.cn"})
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["code"] == "conflict" and "credit_code" in error["fields"]
    assert "已注册" in error["message"]


def test_api_document_flow_presigned_post_then_confirm(client):
    body = {**REGISTRATION, "credit_code": credit_code(4444), "email": "c@jg.cn"}
    customer_id = client.post("/api/v1/customers", json=body).get_json()["id"]
    token = api_token(client, "c@jg.cn", "jinggong phrase 88")
    ticket = client.post(f"/api/v1/customers/{customer_id}/documents", headers=bearer(token), json={
        "type_id": "business-licence", "filename": "../../etc/执照.pdf", "content_type": "application/pdf",
        "issue_date": "2024-05-01", "long_term": True})
    assert ticket.status_code == 201
    t = ticket.get_json()
    assert t["fields"]["Content-Type"] == "application/pdf" and "policy" in {k.lower() for k in t["fields"]}
    key = t["fields"]["key"]
    assert "执照" not in key and ".." not in key
    aws.client("s3").put_object(Bucket=files._bucket["name"], Key=key, Body=PDF)
    confirmed = client.post(f"/api/v1/documents/{t['document_id']}/confirm", headers=bearer(token), json={})
    assert confirmed.status_code == 200
    doc = confirmed.get_json()
    assert doc["status"] == "verified" and doc["original_name"] == "执照.pdf" and "s3_key" not in doc
    twice = client.post(f"/api/v1/documents/{t['document_id']}/confirm", headers=bearer(token), json={})
    assert twice.status_code == 409


def test_api_executable_upload_is_rejected_with_a_reason(client):
    body = {**REGISTRATION, "credit_code": credit_code(4545), "email": "d@jg.cn"}
    customer_id = client.post("/api/v1/customers", json=body).get_json()["id"]
    token = api_token(client, "d@jg.cn", "jinggong phrase 88")
    t = client.post(f"/api/v1/customers/{customer_id}/documents", headers=bearer(token), json={
        "type_id": "business-licence", "filename": "licence.pdf", "content_type": "application/pdf",
        "issue_date": "2024-05-01", "long_term": True}).get_json()
    aws.client("s3").put_object(Bucket=files._bucket["name"], Key=t["fields"]["key"], Body=EXE)
    doc = client.post(f"/api/v1/documents/{t['document_id']}/confirm", headers=bearer(token), json={}).get_json()
    assert doc["status"] == "rejected" and "PDF" in doc["message"]
    listed = aws.client("s3").list_objects_v2(Bucket=files._bucket["name"]).get("Contents", [])
    assert t["fields"]["key"] not in [o["Key"] for o in listed]


def test_customer_b_gets_404_for_customer_a_records_through_the_api(app, client):
    a, ctx_a, app_a = applied(email="a@kangjian.cn")
    _b, _ctx_b = register(email="b@kangjian.cn")
    token_b = api_token(client, "b@kangjian.cn")
    doc_a = next(Document.by_customer.query(a.customer_id))
    for path in (f"/api/v1/applications/{app_a.app_id}", f"/api/v1/customers/{a.customer_id}",
                 f"/api/v1/documents/{doc_a.doc_id}/download", f"/api/v1/customers/{a.customer_id}/documents"):
        assert client.get(path, headers=bearer(token_b)).status_code == 404, path
    b_client = app.test_client()
    sign_in(b_client, "b@kangjian.cn")
    assert b_client.get(f"/customer/applications/{app_a.app_id}").status_code == 404
    assert b_client.get(f"/customer/documents/{doc_a.doc_id}/open").status_code == 404


def test_api_apply_review_and_decide(client):
    customer, _ctx, app_ = applied(email="e@kangjian.cn")
    leader = api_token(client, "ortho.leader@demo.local")
    rehab = api_token(client, "rehab.leader@demo.local")
    assert client.post(f"/api/v1/applications/{app_.app_id}/decision", headers=bearer(rehab),
                       json={"decision": "reject", "reason": "x", "version": 1}).status_code == 403
    early = client.post(f"/api/v1/applications/{app_.app_id}/decision", headers=bearer(leader),
                        json={"decision": "admit", "reason": "同意", "version": app_.version})
    assert early.status_code == 422 and "decision" in early.get_json()["error"]["fields"]
    rejected = client.post(f"/api/v1/applications/{app_.app_id}/decision", headers=bearer(leader),
                           json={"decision": "reject", "reason": "缺少购销合同", "version": app_.version})
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    mine = client.get(f"/api/v1/applications/{app_.app_id}", headers=bearer(api_token(client, "e@kangjian.cn")))
    assert mine.get_json()["decision_reason"] == "缺少购销合同"
    stale = client.post(f"/api/v1/applications/{app_.app_id}/decision", headers=bearer(leader),
                        json={"decision": "reject", "reason": "again", "version": app_.version})
    assert stale.status_code == 409


def test_api_retail_customer_is_admitted_at_once(client):
    body = {**REGISTRATION, "kind": "retail", "credit_code": credit_code(4646), "email": "r@jg.cn"}
    client.post("/api/v1/customers", json=body)
    token = api_token(client, "r@jg.cn", "jinggong phrase 88")
    created = client.post("/api/v1/applications", headers=bearer(token), json={"dept_id": "rehab",
                                                                                 "products": ["walker", "wheelchair"]})
    assert created.status_code == 201 and created.get_json()["status"] == "admitted"
    listing = client.get("/api/v1/departments/rehab/customers",
                         headers=bearer(api_token(client, "rehab.rep@demo.local"))).get_json()
    assert [(s["name"], s["grade"]) for s in listing["items"]] == [("苏州精工医疗器械有限公司", "QUALIFIED")]


def test_staff_cannot_apply_or_upload_for_a_customer(client):
    customer, _ctx, _app = applied()
    token = api_token(client, "ortho.leader@demo.local")
    assert client.post("/api/v1/applications", headers=bearer(token),
                       json={"dept_id": "ortho", "products": ["bone-plate"]}).status_code == 403
    assert client.post(f"/api/v1/customers/{customer.customer_id}/documents", headers=bearer(token),
                       json={}).status_code == 403


def test_md_configures_document_types_and_stale_forms_are_refused(app, client):
    sign_in(client, "md.admin@demo.local")
    token = csrf_token(client, "/staff/document-types")
    added = client.post("/staff/document-types", data={
        "csrf_token": token, "target": "new", "new-type_id": "gsp-certificate", "new-name_zh": "GSP 认证证书",
        "new-name_en": "GSP certificate", "new-required_for": ["enterprise"]})
    assert added.status_code == 302
    assert DocumentType.get("org", "gsp-certificate").required_for == {"enterprise"}
    changed = client.post("/staff/document-types", data={
        "csrf_token": token, "target": "tax-registration", "tax-registration-type_id": "tax-registration",
        "tax-registration-name_zh": "税务登记证", "tax-registration-name_en": "Tax registration",
        "tax-registration-version": "1"})
    assert changed.status_code == 302
    assert DocumentType.get("org", "tax-registration").required_for is None
    stale = client.post("/staff/document-types", data={
        "csrf_token": token, "target": "tax-registration", "tax-registration-type_id": "tax-registration",
        "tax-registration-name_zh": "税务登记", "tax-registration-name_en": "Tax",
        "tax-registration-version": "1", "tax-registration-required_for": ["enterprise"]})
    assert "此记录已被他人修改" in stale.get_data(as_text=True)
    assert DocumentType.get("org", "tax-registration").name_zh == "税务登记证"
