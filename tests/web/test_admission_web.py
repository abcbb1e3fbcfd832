"""Issue 3 through the Flask client: registration page and API, documents, applications, MD's document types."""

import re

from portal.adapters import aws, files
from portal.adapters.tables import Document, DocumentType
from tests.conftest import api_token, bearer, csrf_token, sent_mail, sign_in
from tests.factories import EXE, PDF, applied, credit_code, register, signed_contract

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


def test_register_page_sends_the_new_customer_to_sign_in(client):
    token = csrf_token(client, "/register")
    response = client.post("/register", data={**REGISTRATION, "csrf_token": token, "credit_code": credit_code(4242),
                                              "email": "wang@jg.cn"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "wang@jg.cn" in client.get("/login").get_data(as_text=True)  # the flash names the address
    assert [m.destinations["ToAddresses"] for m in sent_mail("注册成功")] == [["wang@jg.cn"]]
    sign_in(client, "wang@jg.cn", REGISTRATION["password"])
    page = client.get("/customer/").get_data(as_text=True)
    assert "苏州精工医疗器械有限公司" in page and "未申请" in page


def test_SEC_1_registration_never_reveals_that_an_address_has_an_account(client):
    from portal.adapters.tables import Unique
    from portal.services.auth import find_user_by_email

    owner = find_user_by_email("md.admin@demo.local")
    token = csrf_token(client, "/register")
    fresh = client.post("/register", data={**REGISTRATION, "csrf_token": token, "credit_code": credit_code(4250),
                                           "email": "new@jg.cn"})
    fresh_flash = client.get("/login").get_data(as_text=True)
    token = csrf_token(client, "/register")
    taken = client.post("/register", data={**REGISTRATION, "csrf_token": token, "credit_code": credit_code(4251),
                                           "email": "md.admin@demo.local"})
    taken_flash = client.get("/login").get_data(as_text=True)
    assert (fresh.status_code, fresh.headers["Location"]) == (taken.status_code, taken.headers["Location"])
    def same(page, email):  # the CSRF token carries its second: two pages a second apart differ there only
        return re.sub(r'(name="csrf_token"[^>]*?value=")[^"]+"', r"\1", page.replace(email, "X"))

    assert same(fresh_flash, "new@jg.cn") == same(taken_flash, "md.admin@demo.local")
    assert find_user_by_email("md.admin@demo.local").password_hash == owner.password_hash
    assert Unique.count(f"uscc#{credit_code(4251)}") == 0  # nothing was created for the taken address
    assert [m.destinations["ToAddresses"] for m in sent_mail("有人用您的邮箱注册")] == [["md.admin@demo.local"]]
    # the API: a bad mobile is reported on its own, never with a word about the address
    bad = client.post("/api/v1/customers", json={**REGISTRATION, "credit_code": credit_code(4252),
                                                 "email": "md.admin@demo.local", "mobile": "123"})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"mobile"}
    api_fresh = client.post("/api/v1/customers", json={**REGISTRATION, "credit_code": credit_code(4253),
                                                       "email": "api@jg.cn"})
    api_taken = client.post("/api/v1/customers", json={**REGISTRATION, "credit_code": credit_code(4254),
                                                       "email": "md.admin@demo.local"})
    assert api_fresh.status_code == api_taken.status_code == 202
    assert api_fresh.get_json()["message"] == api_taken.get_json()["message"]


def test_SEC_1_registration_is_throttled_per_client_address(app):
    from portal.services import customers

    client = app.test_client()
    body = {**REGISTRATION, "mobile": "123"}  # refused tries count too
    answers = [client.post("/api/v1/customers", json={**body, "credit_code": credit_code(4300 + i),
                                                      "email": f"t{i}@jg.cn"}).status_code
               for i in range(customers.REGISTRATION_THROTTLE.max_failures + 1)]
    assert answers[:-1] == [422] * customers.REGISTRATION_THROTTLE.max_failures and answers[-1] == 429
    other = app.test_client()
    elsewhere = other.post("/api/v1/customers", environ_base={"REMOTE_ADDR": "10.9.8.7"},
                           json={**REGISTRATION, "credit_code": credit_code(4399), "email": "ok@jg.cn"})
    assert elsewhere.status_code == 202


def _registered_customer_id(client, email: str) -> str:
    token = api_token(client, email, REGISTRATION["password"])
    return client.get("/api/v1/me", headers=bearer(token)).get_json()["customer"]


def test_api_registration_duplicate_code_is_409(client):
    body = {**REGISTRATION, "credit_code": credit_code(4343), "email": "a@jg.cn"}
    assert client.post("/api/v1/customers", json=body).status_code == 202
    again = client.post("/api/v1/customers", json={**body, "email": "b@jg.cn"})
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["code"] == "conflict" and "credit_code" in error["fields"]
    assert "已注册" in error["message"]


def test_api_document_flow_presigned_post_then_confirm(client):
    body = {**REGISTRATION, "credit_code": credit_code(4444), "email": "c@jg.cn"}
    assert client.post("/api/v1/customers", json=body).status_code == 202
    customer_id = _registered_customer_id(client, "c@jg.cn")
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
    assert client.post("/api/v1/customers", json=body).status_code == 202
    customer_id = _registered_customer_id(client, "d@jg.cn")
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


def _api_upload(client, token: str, customer_id: str, type_id: str) -> dict:
    t = client.post(f"/api/v1/customers/{customer_id}/documents", headers=bearer(token), json={
        "type_id": type_id, "filename": f"{type_id}.pdf", "content_type": "application/pdf",
        "issue_date": "2024-05-01", "long_term": True}).get_json()
    aws.client("s3").put_object(Bucket=files._bucket["name"], Key=t["fields"]["key"], Body=PDF)
    return client.post(f"/api/v1/documents/{t['document_id']}/confirm", headers=bearer(token), json={}).get_json()


def _verify_by_api(client, email: str) -> None:
    """Open the verification link mailed to `email`, through the API."""
    import re

    from tests.conftest import sent_mail

    body = [m.body for m in sent_mail("Verify your e-mail") if m.destinations["ToAddresses"] == [email]][-1]
    token = re.search(r"/account/verify/(\S+)", body).group(1)
    assert client.post(f"/api/v1/email-verifications/{token}").status_code == 200


def test_ADM_1_api_retail_customer_learns_its_documents_and_is_confirmed_by_the_department(client):
    body = {**REGISTRATION, "kind": "retail", "credit_code": credit_code(4646), "email": "r@jg.cn"}
    assert client.post("/api/v1/customers", json=body).status_code == 202
    token = api_token(client, "r@jg.cn", "jinggong phrase 88")
    customer_id = _registered_customer_id(client, "r@jg.cn")
    _verify_by_api(client, "r@jg.cn")  # issue 15: applying needs a verified address
    types = client.get("/api/v1/document-types").get_json()["items"]
    needed = [t["id"] for t in types if "retail" in t["required_for"]]
    assert needed == ["business-licence"]
    apply = {"dept_id": "rehab", "products": ["walker", "wheelchair"]}
    early = client.post("/api/v1/applications", headers=bearer(token), json=apply)
    assert early.status_code == 422 and "营业执照" in early.get_json()["error"]["fields"]["documents"][0]
    for type_id in needed:
        assert _api_upload(client, token, customer_id, type_id)["status"] == "verified"
    created = client.post("/api/v1/applications", headers=bearer(token), json=apply)
    assert created.status_code == 201
    app_ = created.get_json()
    assert app_["status"] == "submitted" and app_["confirm_only"] is True
    rep = bearer(api_token(client, "rehab.rep@demo.local"))
    assert client.get("/api/v1/departments/rehab/customers", headers=rep).get_json()["items"] == []
    ortho = bearer(api_token(client, "ortho.rep@demo.local"))
    assert client.post(f"/api/v1/applications/{app_['id']}/confirm", headers=ortho,
                       json={"version": app_["version"]}).status_code == 403
    confirmed = client.post(f"/api/v1/applications/{app_['id']}/confirm", headers=rep,
                            json={"version": app_["version"]})
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "admitted"
    listing = client.get("/api/v1/departments/rehab/customers", headers=rep).get_json()
    assert [(s["name"], s["grade"]) for s in listing["items"]] == [("苏州精工医疗器械有限公司", "QUALIFIED")]


def test_ONB_3_an_admission_can_be_finished_through_the_api_alone(client):
    customer, _ctx, app_ = applied(email="api-only@kangjian.cn")
    leader = bearer(api_token(client, "ortho.leader@demo.local"))
    rep = bearer(api_token(client, "ortho.rep@demo.local"))
    me = client.get("/api/v1/me", headers=rep).get_json()
    url = f"/api/v1/applications/{app_.app_id}"
    assert client.post(f"{url}/assignee", headers=rep, json={"assignee_id": me["id"], "version": 1}).status_code == 403
    outsider = client.get("/api/v1/me", headers=bearer(api_token(client, "rehab.rep@demo.local"))).get_json()["id"]
    wrong = client.post(f"{url}/assignee", headers=leader, json={"assignee_id": outsider, "version": app_.version})
    assert wrong.status_code == 422 and "assignee_id" in wrong.get_json()["error"]["fields"]
    assigned = client.post(f"{url}/assignee", headers=leader, json={"assignee_id": me["id"], "version": app_.version})
    assert assigned.status_code == 200 and assigned.get_json()["assignee"] == me["id"]
    version = assigned.get_json()["version"]
    stale = client.post(f"{url}/background-check", headers=rep, json={"note": "x", "version": app_.version})
    assert stale.status_code == 409
    note = "工商信息、涉诉记录已核查，无异常。\n来源：国家企业信用信息公示系统"
    checked = client.post(f"{url}/background-check", headers=rep, json={"note": note, "version": version})
    assert checked.status_code == 200
    body = checked.get_json()
    assert body["background_check"]["by"] == "ortho.rep@demo.local" and "\n" in body["background_check"]["note"]
    version = body["version"]
    doc = next(Document.by_customer.query(customer.customer_id))
    contract_id = signed_contract(customer.customer_id, "ortho")
    for code in "abcdef":
        condition = {"code": code, "met": True, "version": version}
        condition |= {"a": {"evidence_doc": doc.doc_id}, "e": {"evidence_doc": doc.doc_id},
                      "c": {"contract_id": contract_id}}.get(code, {"note": "已核实"})
        recorded = client.post(f"{url}/conditions", headers=rep, json=condition)
        assert recorded.status_code == 200, recorded.get_json()
        version = recorded.get_json()["version"]
    admitted = client.post(f"{url}/decision", headers=leader,
                           json={"decision": "admit", "reason": "六项条件均满足", "version": version})
    assert admitted.status_code == 200 and admitted.get_json()["status"] == "admitted"


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
