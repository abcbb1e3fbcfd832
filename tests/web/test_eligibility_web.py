"""May we sell? (issue 18 item 4) through the Flask client on moto: the API's one answer and batch, their access
(customer token 403, another department 403), the audit of every answer, the staff page and MD's device classes."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import portal.web
from portal.adapters.repos.identity import AuditTrail
from portal.adapters.uow import UnitOfWork
from portal.domain.timeutil import SHANGHAI, shanghai_day
from portal.services import blacklist
from tests.conftest import api_token, bearer, count_aws_calls, csrf_token, sign_in, staff_ctx
from tests.factories import PASSWORD, register, stand, upload

MD = "md.admin@demo.local"
ORTHO = "ortho.leader@demo.local"
REHAB = "rehab.leader@demo.local"


def licensed(expiry: date | None = None, **overrides):
    """A registered enterprise with its basic documents; its 医疗器械经营许可证 valid until `expiry` (长期: None)."""
    customer, ctx = register(**overrides)
    upload(ctx, "business-licence")
    upload(ctx, "tax-registration")
    if expiry is None:
        upload(ctx, "device-trading-licence")
    else:
        upload(ctx, "device-trading-licence", expiry_date=expiry, long_term=False)
    return customer, ctx


def ask(client, token, customer_id, dept="ortho", product="bone-plate"):
    return client.get(f"/api/v1/customers/{customer_id}/eligibility", query_string={"dept": dept, "product": product},
                      headers=token)


def codes(answer: dict, ok: bool = False) -> list[str]:
    return [r["code"] for r in answer["reasons"] if r["ok"] is ok]


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), SHANGHAI).astimezone(datetime.now().astimezone().tzinfo)


def test_ADM_2_e_no_the_day_after_the_licence_expires_and_yes_once_a_new_one_is_verified(client, monkeypatch):
    today = shanghai_day(datetime.now(SHANGHAI))
    customer, ctx = licensed(today + timedelta(days=1))
    stand(customer, "ortho", "VIP", products=("bone-plate",))
    token = bearer(api_token(client, ORTHO))
    first = ask(client, token, customer.customer_id)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["eligible"] is True and first.get_json()["discount_percent"] == 12  # RGT-1 a: VIP price
    assert "price_tier" in codes(first.get_json(), ok=True)

    monkeypatch.setattr(portal.web, "utc_now", lambda: at_noon(today + timedelta(days=2)))
    token = bearer(api_token(client, ORTHO))
    expired = ask(client, token, customer.customer_id).get_json()
    assert expired["eligible"] is False and codes(expired) == ["licence_expired", "class_not_covered"]
    assert any("医疗器械经营许可证" in r["text"] for r in expired["reasons"] if not r["ok"])

    upload(ctx, "device-trading-licence", issue_date=today, expiry_date=today + timedelta(days=800), long_term=False)
    renewed = ask(client, token, customer.customer_id).get_json()
    assert renewed["eligible"] is True and codes(renewed) == []


def test_BLK_2_blacklisted_is_a_no_with_the_scope(client):
    customer, _ = licensed()
    stand(customer, "ortho", products=("bone-plate",))
    blacklist.list_customer(staff_ctx(MD), customer.customer_id, "company", "伪造资质")
    answer = ask(client, bearer(api_token(client, ORTHO)), customer.customer_id).get_json()
    assert answer["eligible"] is False and "blacklisted_company" in codes(answer)
    assert any("公司黑名单" in r["text"] or "company blacklist" in r["text"] for r in answer["reasons"])


def test_ADM_4_not_admitted_for_that_product_is_a_no_and_class_II_needs_its_filing(client):
    customer, _ = licensed()
    stand(customer, "rehab", products=("wheelchair",))
    token = bearer(api_token(client, REHAB))
    assert ask(client, token, customer.customer_id, "rehab", "wheelchair").get_json()["eligible"] is True  # class I
    other = ask(client, token, customer.customer_id, "rehab", "walker").get_json()
    assert other["eligible"] is False and codes(other) == ["product_not_admitted"]
    stand(customer, "ortho", products=("bone-plate",))
    assert codes(ask(client, bearer(api_token(client, ORTHO)), customer.customer_id, "ortho", "knee-joint")
                 .get_json()) == ["product_not_admitted"]


def test_SEC_1_customer_token_and_another_department_get_403_md_asks_anywhere(client):
    customer, _ = licensed()
    stand(customer, "ortho")
    own = bearer(api_token(client, customer.email, PASSWORD))
    assert ask(client, own, customer.customer_id).status_code == 403
    rehab = bearer(api_token(client, REHAB))
    assert ask(client, rehab, customer.customer_id).status_code == 403
    batch = client.post("/api/v1/eligibility:batch", headers=rehab,
                        json={"pairs": [{"customer": customer.customer_id, "department": "ortho",
                                         "product": "bone-plate"}]})
    assert batch.status_code == 403
    assert ask(client, bearer(api_token(client, MD)), customer.customer_id).status_code == 200
    assert ask(client, rehab, "no-such-customer", "rehab", "walker").status_code == 404


def test_batch_answers_in_order_bounded_by_pairs_and_101_is_422(client):
    a, _ = licensed()
    b, _ = licensed()
    stand(a, "ortho")
    token = bearer(api_token(client, MD))
    pairs = [{"customer": a.customer_id, "department": "ortho", "product": "bone-plate"},
             {"customer": b.customer_id, "department": "ortho", "product": "bone-plate"},
             {"customer": a.customer_id, "department": "ortho", "product": "no-such-product"}]
    with count_aws_calls() as calls:
        answered = client.post("/api/v1/eligibility:batch", headers=token, json={"pairs": pairs})
    assert answered.status_code == 200, answered.get_json()
    items = answered.get_json()["items"]
    assert [i["eligible"] for i in items] == [True, False, False]
    assert codes(items[1]) == ["not_admitted"] and codes(items[2]) == ["unknown_product"]
    assert calls["dynamodb.BatchGetItem"] <= 2 and calls["dynamodb.Query"] <= 2 * 2 + 1  # two customers asked about
    too_many = client.post("/api/v1/eligibility:batch", headers=token, json={"pairs": pairs * 33 + pairs[:2]})
    assert too_many.status_code == 422 and "pairs" in too_many.get_json()["error"]["fields"]


def test_one_answer_within_six_calls_and_every_answer_audited(client):
    customer, _ = licensed()
    stand(customer, "ortho")
    token = bearer(api_token(client, ORTHO))
    with count_aws_calls() as calls:
        assert ask(client, token, customer.customer_id).status_code == 200
    assert sum(v for k, v in calls.items() if k.startswith("dynamodb.")) <= 6  # DESIGN rule 12, the token check too
    client.post("/api/v1/eligibility:batch", headers=token,
                json={"pairs": [{"customer": customer.customer_id, "department": "ortho", "product": "knee-joint"}]})
    events, _ = UnitOfWork().repo(AuditTrail).of_day(shanghai_day(datetime.now(SHANGHAI)), action="eligibility.",
                                                     limit=100)
    mine = [e for e in events if customer.customer_id in (e.detail or "")]
    actions = sorted(e.action for e in mine)
    assert actions == ["eligibility.asked", "eligibility.batch"]
    batch = next(e for e in mine if e.action == "eligibility.batch")
    assert json.loads(batch.detail)["answers"][0]["reasons"] == ["product_not_admitted"]
    assert batch.actor_email == ORTHO


def test_the_page_answers_one_question_and_a_batch_with_errors_next_to_fields(client):
    customer, _ = licensed(name="杭州仁和医疗器械有限公司")
    stand(customer, "ortho")
    sign_in(client, ORTHO)
    page = client.get("/staff/eligibility")
    assert page.status_code == 200 and "rehab" not in page.get_data(as_text=True).split("department")[-1][:0]
    token = csrf_token(client, "/staff/eligibility")
    one = client.post("/staff/eligibility", data={"csrf_token": token, "which": "one", "customer":
                                                  customer.credit_code, "department": "ortho",
                                                  "product": "bone-plate"}).get_data(as_text=True)
    assert "杭州仁和医疗器械有限公司" in one and "badge ok" in one
    unknown = client.post("/staff/eligibility", data={"csrf_token": token, "which": "one",
                                                      "customer": "91310115MA0000000X", "department": "ortho",
                                                      "product": "bone-plate"}).get_data(as_text=True)
    assert 'id="customer-error"' in unknown
    lines = f"{customer.credit_code},骨科产品销售部,锁定加压接骨板\n{customer.credit_code},ortho,knee-joint\n"
    batch = client.post("/staff/eligibility", data={"csrf_token": token, "which": "batch", "lines": lines})
    text = batch.get_data(as_text=True)
    assert text.count("badge ok") == 1 and text.count("badge off") == 1
    bad = client.post("/staff/eligibility", data={"csrf_token": token, "which": "batch",
                                                  "lines": "x,ortho,bone-plate\n"}).get_data(as_text=True)
    assert 'id="lines-error"' in bad
    no_csrf = client.post("/staff/eligibility", data={"which": "one", "customer": customer.credit_code,
                                                      "department": "ortho", "product": "bone-plate"})
    assert no_csrf.status_code == 400


def test_md_sets_product_classes_and_class_rules_audited_others_may_not(client):
    from portal.adapters.repos.catalogue import Catalogue

    sign_in(client, ORTHO)
    assert client.get("/staff/device-classes").status_code == 403
    sign_in(client, MD)
    page = client.get("/staff/device-classes")
    assert page.status_code == 200 and "第二类医疗器械经营备案凭证" in page.get_data(as_text=True)
    catalogue = UnitOfWork().repo(Catalogue).read()
    product = next(p for p in catalogue.products_of("rehab") if p.product_id == "walker")
    assert product.device_class == "I"
    token = bearer(api_token(client, MD))
    changed = client.put("/api/v1/departments/rehab/products/walker/device-class", headers=token,
                         json={"device_class": "II"})
    assert changed.status_code == 200, changed.get_json()
    bad = client.put("/api/v1/departments/rehab/products/walker/device-class", headers=token,
                     json={"device_class": "IV"})
    assert bad.status_code == 422 and "device_class" in bad.get_json()["error"]["fields"]
    rules = {"class_iii_trader": "device-trading-licence", "class_iii_medical": "medical-institution-licence",
             "class_ii_trader": "device-trading-licence", "class_ii_medical": "medical-institution-licence"}
    assert client.put("/api/v1/device-classes", headers=token, json={**rules}).status_code == 200
    unknown = client.put("/api/v1/device-classes", headers=token,
                         json={**rules, "class_ii_trader": "nonsense"})
    assert unknown.status_code == 404  # names a document type that does not exist
    assert client.put("/api/v1/device-classes", headers=bearer(api_token(client, ORTHO)),
                      json={**rules}).status_code == 403
    walker = next(p for p in UnitOfWork().repo(Catalogue).read().products_of("rehab") if p.product_id == "walker")
    assert walker.device_class == "II"
    events, _ = UnitOfWork().repo(AuditTrail).of_day(shanghai_day(datetime.now(SHANGHAI)), limit=100)
    assert {"product.device_class", "device_classes.updated"} <= {e.action for e in events}
    sign_in(client, MD)
    form = csrf_token(client, "/staff/device-classes")
    saved = client.post("/staff/device-classes", data={"csrf_token": form, "target": "rehab/walker",
                                                       "rehab-walker-device_class": "I"})
    assert saved.status_code == 302
    refused = client.post("/staff/device-classes", data={"csrf_token": form, "target": "rules",
                                                         **{f"rules-{k}": v for k, v in rules.items()},
                                                         "rules-class_iii_trader": "nonsense"})
    assert refused.status_code == 200 and 'id="rules-class_iii_trader-error"' in refused.get_data(as_text=True)


def test_issue_18_a_device_class_is_said_in_each_language_s_numerals(app):
    from types import SimpleNamespace

    from portal.web.selling_words import reason_text

    reason = SimpleNamespace(code="class_covered", params={"class": "III", "type": "device-trading-licence"})
    catalogue = SimpleNamespace(types=[])
    with app.test_request_context("/"):
        zh = reason_text(reason, catalogue, "zh")
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        en = reason_text(reason, catalogue, "en")
    assert zh.startswith("第三类产品") and "III" not in zh
    assert en.startswith("Class III product")
