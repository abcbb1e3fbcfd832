"""The OpenAPI document and the API agree (issue 10 item 10): what the fuzz found, one test each."""

from __future__ import annotations

import base64
import re

import jsonschema
import pytest
from jsonschema import Draft202012Validator

from portal.api.spec import OPERATIONS, document
from portal.api.validation import check
from tests.conftest import api_token, bearer
from tests.factories import register, stand

PROBES = [None, True, False, 0, 1, -1, 7.0, 2.5, 101, 10**20, "", " ", "\n", "a", "ab\n", "x" * 300, "2027-01-31",
          "2027-1-31", "2027-02-30", "a@b.cn", "a@b.test", "@", "VIP", "complaint", "hotline", "13800138000",
          "+8613800138000", "138 0013 8000", "ortho", "Ortho", "91310115MA0000001X", [], ["a"], ["a", "a"], [""],
          {}, {"a": 1}]


def test_the_schema_check_agrees_with_jsonschema_on_every_documented_field(app):
    """The API's own check of bodies and query parameters says what a JSON Schema validator says."""
    with app.test_request_context():
        doc = document()
        fields = [(name, sub) for op in OPERATIONS if (schema := op.body_schema()) is not None
                  for name, sub in schema.get("properties", {}).items()]
    fields += [(p["name"], p["schema"]) for item in doc["paths"].values() for op in item.values()
               for p in op.get("parameters", []) if p["in"] == "query"]
    assert len(fields) > 100
    checker = Draft202012Validator.FORMAT_CHECKER
    for name, schema in fields:
        for value in PROBES:
            expected = Draft202012Validator(schema, format_checker=checker).is_valid(value)
            assert (check(schema, value) is None) == expected, (name, schema, value)


def test_the_document_is_valid_openapi_with_every_error_answer(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    jsonschema.validate(doc["components"]["schemas"]["Error"], Draft202012Validator.META_SCHEMA)
    audit = doc["paths"]["/audit"]["get"]
    assert {"401", "403", "404", "422"} <= set(audit["responses"])  # query parameters can be refused
    tokens = doc["paths"]["/tokens"]["post"]
    assert {"400", "401", "422", "429"} <= set(tokens["responses"])


def test_schemas_carry_the_forms_rules(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    body = {path: op["requestBody"]["content"]["application/json"]["schema"]["properties"]
            for path, item in doc["paths"].items() for method, op in item.items() if "requestBody" in op
            and method == "post"}
    assert body["/departments"]["dept_id"]["pattern"].startswith("^[a-z][a-z0-9-]{1,31}$")  # Slug
    assert body["/tickets/{ticket_id}/close"]["rating"] | {} == {"type": "integer", "minimum": 1, "maximum": 5}
    assert body["/blacklist"]["expires_on"]["format"] == "date"  # DateField
    assert body["/tickets"]["kind"]["enum"] == ["complaint", "service", "dispute", "consultation"]
    assert body["/tickets"]["channel"]["enum"] == ["hotline", "in_person", "email"]
    assert body["/applications"]["products"]["type"] == "array"
    assert body["/customers"]["password"]["minLength"] == 8 and body["/customers"]["credit_code"]["format"]
    grade = doc["paths"]["/departments/{dept_id}/customers"]["get"]["parameters"][1]
    assert grade["name"] == "grade" and grade["schema"]["enum"] == ["VIP", "PREFERRED", "QUALIFIED"]


def test_query_parameters_are_checked_against_the_document(client):
    md = bearer(api_token(client, "md.admin@demo.local"))
    for path in ("/api/v1/blacklist?all=null", "/api/v1/blacklist?all=1", "/api/v1/departments/ortho/customers?grade=x",
                 "/api/v1/departments/ortho/customers?grade=", "/api/v1/audit?limit=5&limit=6",
                 "/api/v1/audit?day=2027-1-1", "/api/v1/departments/ortho/staff?limit=0"):
        answer = client.get(path, headers=md)
        assert answer.status_code == 422, path
        assert set(answer.get_json()["error"]["fields"]) <= {"all", "grade", "limit", "day"}
    assert client.get("/api/v1/blacklist?all=true", headers=md).status_code == 200


def test_SEC_1_the_token_is_checked_before_the_body(client):
    for path in ("/api/v1/departments", "/api/v1/documents/x/confirm", "/api/v1/tickets"):
        assert client.post(path, data="not json").status_code == 401
        assert client.post(path, json=[1, 2]).status_code == 401


def test_operations_without_a_body_need_none(client):
    md = bearer(api_token(client, "md.admin@demo.local"))
    assert client.post("/api/v1/documents/nope/confirm", headers=md).status_code == 404


def test_a_method_not_allowed_says_which_are(client):
    answer = client.delete("/api/v1/blacklist")
    assert answer.status_code == 405 and set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert answer.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("cursor", ['{"a":{}}', '{"a":{"S":"x"}}', "{nope", "x" * 400, "a", "ab=="])
def test_a_forged_cursor_is_refused_not_a_500(client, cursor):
    md = bearer(api_token(client, "md.admin@demo.local"))
    for path in ("/api/v1/departments/ortho/staff", "/api/v1/audit", "/api/v1/departments/ortho/customers",
                 "/api/v1/departments/ortho/applications"):
        answer = client.get(path, query_string={"cursor": cursor}, headers=md)
        assert answer.status_code == 422 and "cursor" in answer.get_json()["error"]["fields"], (path, cursor)


def test_any_well_formed_cursor_is_a_place_in_the_list(client):
    md = bearer(api_token(client, "md.admin@demo.local"))
    after_l = base64.urlsafe_b64encode(b"ortho.l").rstrip(b"=").decode()
    page = client.get("/api/v1/departments/ortho/staff", query_string={"cursor": after_l}, headers=md).get_json()
    assert [u["email"] for u in page["items"]] == ["ortho.leader@demo.local", "ortho.rep@demo.local"]
    for cursor in ("_-_-", "AAAA", "zz"):
        assert client.get("/api/v1/audit", query_string={"cursor": cursor}, headers=md).status_code == 200


def test_the_audit_trail_pages_back_through_the_day(client):
    md = bearer(api_token(client, "md.admin@demo.local"))
    for _ in range(3):
        client.get("/api/v1/departments/rehab/staff", headers=bearer(api_token(client, "ortho.rep@demo.local")))
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/audit", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=md).get_json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= 6 and seen == sorted(seen, reverse=True)


def test_staff_file_offline_tickets_for_a_customer_only(client):
    customer, _ctx = register()
    stand(customer)
    md = bearer(api_token(client, "md.admin@demo.local"))
    body = {"dept_id": "company", "kind": "complaint", "subject": "电话投诉", "description": "销售流程不透明"}
    assert client.post("/api/v1/tickets", headers=md, json=body).status_code == 403
    half = client.post("/api/v1/tickets", headers=md, json={**body, "customer_id": customer.customer_id})
    assert half.status_code == 422 and "channel" in half.get_json()["error"]["fields"]
    filed = client.post("/api/v1/tickets", headers=md,
                        json={**body, "customer_id": customer.customer_id, "channel": "hotline"})
    assert filed.status_code == 201 and filed.get_json()["channel"] == "hotline"
    odd = client.post("/api/v1/tickets", headers=md, json={**body, "kind": "praise"})
    assert odd.status_code == 422 and "kind" in odd.get_json()["error"]["fields"]


def test_a_taken_address_or_a_role_the_department_lacks_is_a_conflict(client):
    md = bearer(api_token(client, "md.admin@demo.local"))
    new = {"email": "ortho.rep@demo.local", "name": "重复", "role": "rep", "password": "a long enough phrase 7"}
    taken = client.post("/api/v1/departments/ortho/staff", headers=md, json=new)
    assert taken.status_code == 409 and "email" in taken.get_json()["error"]["fields"]
    lead = client.post("/api/v1/departments/ortho/staff", headers=md, json={**new, "email": "x@kangjian.cn",
                                                                             "role": "lead"})
    assert lead.status_code == 409 and "role" in lead.get_json()["error"]["fields"]


def test_whole_numbers_may_come_as_json_numbers_with_a_zero_fraction(client):
    md = bearer(api_token(client, "md.admin@demo.local"))
    products = client.get("/api/v1/departments/ortho/products", headers=md).get_json()["items"]
    first = products[0]
    changed = client.patch(f"/api/v1/departments/ortho/products/{first['id']}", headers=md, json={
        "name_zh": first["name_zh"], "name_en": first["name_en"], "active": True, "version": float(first["version"])})
    assert changed.status_code == 200, changed.get_json()
    assert re.fullmatch(r"\d+", str(changed.get_json()["version"]))


def test_not_blank_means_what_str_strip_means_in_python_and_in_ecma_262():
    from portal.web.validators import NOT_BLANK

    pattern = re.compile(NOT_BLANK)
    assert all((pattern.search(chr(c)) is None) == chr(c).isspace() for c in range(0x110000))
    assert "\\s" not in NOT_BLANK and "\\S" not in NOT_BLANK


def test_the_documented_text_rule_is_portal_forms_rule():
    from portal.domain.text import text_problem
    from portal.web.validators import text_pattern

    for free_text in (False, True):
        pattern = re.compile(text_pattern(free_text, required=False))
        assert all((pattern.search(chr(c)) is None) == (text_problem(chr(c), free_text) is not None)
                   for c in range(0x110000)), free_text
        required = re.compile(text_pattern(free_text, required=True))
        assert required.search("a") and not required.search(" ") and not required.search("")
        assert not required.search("a\n" if not free_text else "a\x00")
