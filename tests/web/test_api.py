"""The JSON API: tokens, errors, the same rules as the pages, and an OpenAPI document that matches."""

import re

import time_machine
from itsdangerous import URLSafeSerializer

from portal.api.spec import openapi_path
from tests.conftest import DEMO_PASSWORD, api_token, bearer, user_id_of


def test_token_and_me(client):
    token = api_token(client, "ortho.clerk@demo.local")
    me = client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.get_json() == {"id": user_id_of("ortho.clerk@demo.local"), "email": "ortho.clerk@demo.local",
                             "name": "赵丽 (骨科内勤)", "kind": "staff", "role": "clerk", "department": "ortho",
                             "customer": None}
    assert me.headers["Cache-Control"] == "no-store"


def test_wrong_credentials_get_a_json_error_and_no_token(client):
    response = client.post("/api/v1/tokens", json={"email": "ortho.clerk@demo.local", "password": "nope-nope"})
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "unauthenticated" and error["fields"] == {}
    assert error["message"] == "邮箱或密码错误。"


def test_token_requests_are_throttled_like_sign_in(client):
    for _ in range(5):
        client.post("/api/v1/tokens", json={"email": "rehab.rep@demo.local", "password": "wrong-wrong"})
    response = client.post("/api/v1/tokens", json={"email": "rehab.rep@demo.local", "password": DEMO_PASSWORD})
    assert response.status_code == 429 and response.get_json()["error"]["code"] == "throttled"


def test_expired_token_is_refused(client):
    with time_machine.travel("2027-05-01 08:00:00+00:00", tick=False):
        token = api_token(client, "ortho.clerk@demo.local")
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    with time_machine.travel("2027-05-01 08:15:01+00:00", tick=False):
        response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "令牌已过期，请重新获取。"


def test_token_signed_with_another_key_is_refused(client):
    forged = URLSafeSerializer("another-key-entirely-0123456789abcdef", salt="api-token").dumps(
        {"uid": user_id_of("md.admin@demo.local"), "exp": 4102444800})
    response = client.get("/api/v1/me", headers=bearer(forged))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthenticated"
    assert client.get("/api/v1/me", headers=bearer("garbage")).status_code == 401


def test_no_token_is_401_json(client):
    response = client.get("/api/v1/departments")
    assert response.status_code == 401 and response.is_json


def test_disabled_users_token_stops_working(client):
    token = api_token(client, "ortho.rep@demo.local")
    leader = api_token(client, "ortho.leader@demo.local")
    rep_id = user_id_of("ortho.rep@demo.local")
    response = client.post(f"/api/v1/staff/{rep_id}/disable", json={"version": 1}, headers=bearer(leader))
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_non_json_body_is_a_clear_400(client):
    token = api_token(client, "md.admin@demo.local")
    for kwargs in ({"data": "dept_id=x"}, {"data": "{not json", "content_type": "application/json"},
                   {"json": ["a", "list"]}):
        response = client.post("/api/v1/departments", headers=bearer(token), **kwargs)
        assert response.status_code == 400, kwargs
        assert response.get_json()["error"]["code"] == "invalid_json"


def test_invalid_fields_are_named(client):
    token = api_token(client, "md.admin@demo.local")
    response = client.post("/api/v1/departments", headers=bearer(token),
                           json={"dept_id": "x", "name_zh": "", "extra": 1})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"extra"}
    response = client.post("/api/v1/departments", headers=bearer(token), json={"dept_id": "x", "name_zh": ""})
    fields = response.get_json()["error"]["fields"]
    assert {"dept_id", "name_zh", "name_en"} <= set(fields)


def test_department_staff_is_paginated(client):
    token = api_token(client, "md.admin@demo.local")
    first = client.get("/api/v1/departments/ortho/staff?limit=2", headers=bearer(token)).get_json()
    assert len(first["items"]) == 2 and first["cursor"]
    second = client.get("/api/v1/departments/ortho/staff", query_string={"limit": 2, "cursor": first["cursor"]},
                        headers=bearer(token)).get_json()
    emails = [u["email"] for u in first["items"] + second["items"]]
    assert emails == sorted(["ortho.leader@demo.local", "ortho.clerk@demo.local", "ortho.rep@demo.local"])
    bad = client.get("/api/v1/departments/ortho/staff?cursor=%7Bnope", headers=bearer(token))
    assert bad.status_code == 422 and "cursor" in bad.get_json()["error"]["fields"]
    assert "password_hash" not in str(first)


def test_stale_version_is_409_and_changes_nothing(client):
    token = api_token(client, "md.admin@demo.local")
    rep_id = user_id_of("rehab.rep@demo.local")
    ok = client.patch(f"/api/v1/staff/{rep_id}", headers=bearer(token),
                      json={"name": "周婷", "role": "clerk", "version": 1})
    assert ok.status_code == 200 and ok.get_json()["version"] == 2
    stale = client.patch(f"/api/v1/staff/{rep_id}", headers=bearer(token),
                         json={"name": "别人", "role": "rep", "version": 1})
    assert stale.status_code == 409
    current = client.get(f"/api/v1/staff/{rep_id}", headers=bearer(token)).get_json()
    assert (current["name"], current["role"]) == ("周婷", "clerk")


def test_cross_department_requests_are_403(client):
    token = api_token(client, "rehab.leader@demo.local")
    ortho_rep = user_id_of("ortho.rep@demo.local")
    assert client.get("/api/v1/departments/ortho", headers=bearer(token)).status_code == 403
    assert client.patch(f"/api/v1/staff/{ortho_rep}", headers=bearer(token),
                        json={"name": "x", "role": "rep", "version": 1}).status_code == 403
    assert client.post("/api/v1/departments/ortho/products", headers=bearer(token),
                       json={"product_id": "x1", "name_zh": "x", "name_en": "x"}).status_code == 403


def test_products_api(client):
    token = api_token(client, "ortho.leader@demo.local")
    created = client.post("/api/v1/departments/ortho/products", headers=bearer(token),
                          json={"product_id": "hip-joint", "name_zh": "人工髋关节", "name_en": "Hip joint"})
    assert created.status_code == 201
    dup = client.post("/api/v1/departments/ortho/products", headers=bearer(token),
                      json={"product_id": "hip-joint", "name_zh": "重复", "name_en": "Dup"})
    assert dup.status_code == 409 and "product_id" in dup.get_json()["error"]["fields"]
    patched = client.patch("/api/v1/departments/ortho/products/hip-joint", headers=bearer(token),
                           json={"name_zh": "人工髋关节", "name_en": "Hip joint", "active": False, "version": 1})
    assert patched.status_code == 200 and patched.get_json()["active"] is False
    listed = client.get("/api/v1/departments/ortho/products", headers=bearer(token)).get_json()["items"]
    assert {"hip-joint", "bone-plate"} <= {p["id"] for p in listed}


def test_openapi_document_lists_every_api_route_and_nothing_else(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routed.add((openapi_path(rule.rule[len("/api/v1"):]), method.lower()))
    assert documented == routed


def test_openapi_request_bodies_are_the_forms_the_routes_validate_with(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    body = doc["paths"]["/departments/{dept_id}/staff"]["post"]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    assert set(schema["required"]) == {"email", "name", "role", "password"}
    assert schema["properties"]["role"]["enum"] == ["md", "lead", "dm", "clerk", "rep"]
    assert schema["properties"]["password"]["maxLength"] == 128
    assert schema["additionalProperties"] is False
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert re.fullmatch(r"[1-5]\d\d", next(iter(op["responses"]))), (path, method)


def test_SEC_2_hostile_input_is_a_clear_4xx_never_a_500(client):
    md = bearer(api_token(client, "md.admin@demo.local"))
    for day in ("0370-01-19", "0001-01-01", "9999-12-31", "2027-02-30"):
        answer = client.get(f"/api/v1/audit?day={day}", headers=md)
        assert answer.status_code == 422 and "day" in answer.get_json()["error"]["fields"], day
    nested = "[" * 50_000 + "]" * 50_000
    for path in ("/api/v1/tokens", "/api/v1/customers"):
        deep = client.post(path, data=nested, content_type="application/json")
        assert deep.status_code == 400 and deep.get_json()["error"]["code"] == "invalid_json", path
    for number in ("1e400", "-1e400", "NaN", "Infinity"):
        huge = client.post("/api/v1/tokens", data=f'{{"email": "a@b.cn", "password": {number}}}',
                           content_type="application/json")
        assert huge.status_code == 400, number


def test_SEC_2_scorecards_and_evaluations_refuse_numbers_beyond_a_double(client):
    import copy
    import json

    from portal.domain.grading import DEFAULT_SCORECARD
    from tests.factories import admitted

    md = bearer(api_token(client, "md.admin@demo.local"))
    version = client.get("/api/v1/scorecards/company/default", headers=md).get_json()["version"]
    text = json.dumps({"definition": DEFAULT_SCORECARD, "version": version})
    broken = text.replace('"points": 100', '"points": 1e400', 1)
    assert broken != text
    answer = client.put("/api/v1/scorecards/company/default", headers=md, data=broken,
                        content_type="application/json")
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_json"
    big = {"definition": copy.deepcopy(DEFAULT_SCORECARD), "version": version}
    banded = next(i for i in big["definition"]["indicators"] if i.get("bands"))
    banded["bands"][0]["points"] = 1e300
    answer = client.put("/api/v1/scorecards/company/default", headers=md, json=big)
    assert answer.status_code == 422
    [customer] = admitted("ortho", 1)
    rep = bearer(api_token(client, "ortho.rep@demo.local"))
    values = {i["key"]: "inf" if i.get("bands") else next(iter(i["options"])) for i in DEFAULT_SCORECARD["indicators"]}
    answer = client.post(f"/api/v1/departments/ortho/customers/{customer}/evaluations", headers=rep,
                         json={"values": values, "hard": {}})
    assert answer.status_code == 422 and answer.get_json()["error"]["fields"]


def test_SEC_2_control_characters_are_refused_with_the_field_named(client):
    from tests.factories import credit_code

    body = {"name": "苏州\x00精工", "credit_code": credit_code(4700), "kind": "enterprise", "region": "江苏\u202e省",
            "industry": "医疗器械经销", "scale": "small", "contact_name": "王\x07经理", "mobile": "13912345678",
            "email": "ctl@jg.cn", "password": "jinggong phrase 88"}
    answer = client.post("/api/v1/customers", json=body)
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"name", "region", "contact_name"}
    from portal.services.auth import find_user_by_email

    assert find_user_by_email("ctl@jg.cn") is None
