"""Issue 17 / CMP-1 through the Flask client and the API: files attached while creating a ticket go straight to
S3, are checked before anything is written, and a bad one leaves no ticket, its message next to the field."""

import re

from portal.adapters.tables import Ticket, TicketEvent
from tests.conftest import api_token, bearer, csrf_token, sign_in
from tests.factories import EXE, PDF, _store_object, register, stand

EMAIL = "att@kangjian.cn"


def _customer_client(app):
    customer, _ctx = register(email=EMAIL)
    stand(customer, "ortho")
    client = app.test_client()
    sign_in(client, EMAIL)
    return customer, client


def _draft(client, token, name, content, content_type="application/pdf"):
    """What the new-ticket script does for one file: ask for the presigned POST, send the file to S3."""
    answer = client.post("/customer/tickets/files", json={"filename": name, "content_type": content_type},
                         headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    _store_object(body["fields"]["key"], content)
    return body["upload_id"]


def _tickets_of(customer_id):
    return list(Ticket.by_customer.query(customer_id))


def test_CMP_1_the_new_ticket_form_files_the_ticket_with_its_files(app):
    customer, client = _customer_client(app)
    page = client.get("/customer/tickets").get_data(as_text=True)
    assert 'id="files-input"' in page and "ticket_new.js" in page and 'for="files-input"' in page
    token = csrf_token(client, "/customer/tickets")
    ids = [_draft(client, token, "送货单.pdf", PDF), _draft(client, token, "照片.pdf", PDF)]
    filed = client.post("/customer/tickets", data={
        "csrf_token": token, "dept_id": "ortho", "kind": "complaint", "subject": "货损", "description": "两箱破损",
        "files": ids, "file_names": ["送货单.pdf", "照片.pdf"]})
    assert filed.status_code == 302
    ticket_id = filed.headers["Location"].rsplit("/", 1)[1]
    files = [e for e in TicketEvent.query(ticket_id) if e.kind == "attachment"]
    assert sorted((e.file_name, e.file_state) for e in files) == [("照片.pdf", "verified"), ("送货单.pdf", "verified")]
    shown = client.get(filed.headers["Location"]).get_data(as_text=True)
    assert "送货单.pdf" in shown and "照片.pdf" in shown


def test_CMP_1_a_bad_file_is_named_next_to_the_field_and_no_ticket_is_created(app):
    customer, client = _customer_client(app)
    token = csrf_token(client, "/customer/tickets")
    ids = [_draft(client, token, "送货单.pdf", PDF), _draft(client, token, "发票.pdf", EXE)]
    answer = client.post("/customer/tickets", data={
        "csrf_token": token, "dept_id": "ortho", "kind": "complaint", "subject": "货损", "description": "两箱破损",
        "files": ids, "file_names": ["送货单.pdf", "发票.pdf"]})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200
    error = re.search(r'id="files-error">([^<]*)<', body)
    assert error and "发票.pdf" in error.group(1) and "PDF" in error.group(1)
    assert _tickets_of(customer.customer_id) == []
    wrong = client.post("/customer/tickets/files", json={"filename": "a.exe", "content_type": "application/x-dos"},
                        headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert wrong.status_code == 422 and "file" in wrong.get_json()["error"]["fields"]


def test_CMP_1_the_api_files_a_ticket_with_files_as_its_document_says(app):
    customer, _client = _customer_client(app)
    api = app.test_client()
    headers = bearer(api_token(api, EMAIL))
    draft = api.post("/api/v1/ticket-uploads", headers=headers,
                     json={"filename": "送货单.pdf", "content_type": "application/pdf"})
    assert draft.status_code == 201
    _store_object(draft.get_json()["fields"]["key"], PDF)
    upload_id = draft.get_json()["upload_id"]
    body = {"dept_id": "ortho", "kind": "service", "subject": "维修", "description": "需要上门",
            "files": [upload_id], "file_names": ["送货单.pdf"]}
    bad = api.post("/api/v1/tickets", headers=headers, json={**body, "files": ["../" + upload_id]})
    assert bad.status_code == 422 and "files" in bad.get_json()["error"]["fields"]
    assert _tickets_of(customer.customer_id) == []
    filed = api.post("/api/v1/tickets", headers=headers, json=body)
    assert filed.status_code == 201
    again = api.post("/api/v1/tickets", headers=headers, json=body)  # the same filing: its ticket, not a second
    assert again.get_json()["id"] == filed.get_json()["id"] and len(_tickets_of(customer.customer_id)) == 1
    staff = bearer(api_token(api, "ortho.rep@demo.local"))
    assert api.post("/api/v1/ticket-uploads", headers=staff,
                    json={"filename": "a.pdf", "content_type": "application/pdf"}).status_code == 403
    spec = api.get("/api/v1/openapi.json").get_json()
    schema = spec["paths"]["/tickets"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["files"]["items"]["pattern"].startswith("^[0-9A-HJKMNP-TV-Z]{26}")
    assert schema["properties"]["files"]["maxItems"] == 10
    assert "/ticket-uploads" in spec["paths"]
