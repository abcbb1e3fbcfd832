"""Orders and receivables from the ERP (issue 18 item 2) through the API on moto: each bad input of the issue its own
test (unknown customer or product, the same rows twice, a negative amount, a date in the future), access (a
customer token 403, another department 403), the batch's bound, and the receivables ageing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from portal.domain.timeutil import SHANGHAI, shanghai_day
from tests.conftest import api_token, bearer
from tests.factories import PASSWORD, credit_code, register, stand

ORTHO, REP, REHAB, MD = ("ortho.leader@demo.local", "ortho.rep@demo.local", "rehab.leader@demo.local",
                         "md.admin@demo.local")
TODAY = shanghai_day(datetime.now(SHANGHAI))


@pytest.fixture(autouse=True)
def _today():
    """The Beijing day when each test runs (a whole run may cross midnight in Beijing)."""
    global TODAY
    TODAY = shanghai_day(datetime.now(SHANGHAI))


@pytest.fixture
def buyer(app):
    customer, _ctx = register()
    stand(customer, "ortho", products=("bone-plate",))
    return customer


def order(buyer, **overrides):
    row = {"order_no": "SO-1", "credit_code": buyer.credit_code, "product": "bone-plate", "quantity": 10,
           "amount_yuan": "12000.50", "ordered_on": (TODAY - timedelta(days=3)).isoformat(), "status": "open"}
    return {**row, **overrides}


def post(client, rows, who=REP, kind="orders", dept="ortho", token=None):
    return client.post(f"/api/v1/departments/{dept}/{kind}:batch", json={"rows": rows},
                       headers=token or bearer(api_token(client, who)))


def refused(answer, field: str) -> str:
    assert answer.status_code == 422, answer.get_json()
    fields = answer.get_json()["error"]["fields"]
    assert list(fields) == [field], fields
    return fields[field][0]


def test_orders_batch_imports_and_the_same_rows_twice_double_nothing(client, buyer):
    first = post(client, [order(buyer), order(buyer, order_no="SO-2", product="锁定加压接骨板")])
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {"rows": 2, "created": 2, "changed": 0, "unchanged": 0}
    again = post(client, [order(buyer), order(buyer, order_no="SO-2", product="锁定加压接骨板")])
    assert again.get_json() == {"rows": 2, "created": 0, "changed": 0, "unchanged": 2}


def test_an_order_for_an_unknown_customer(client, buyer):
    message = refused(post(client, [order(buyer, credit_code=credit_code(9876543))]), "rows[1].credit_code")
    assert "Row 1" in message or "第 1 行" in message


def test_an_order_for_an_unknown_product(client, buyer):
    refused(post(client, [order(buyer, order_no="A"), order(buyer, product="no-such-product")]), "rows[2].product")


def test_a_negative_amount(client, buyer):
    refused(post(client, [order(buyer, amount_yuan="-1.00")]), "rows[1].amount_yuan")


def test_a_date_in_the_future(client, buyer):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    refused(post(client, [order(buyer, ordered_on=tomorrow)]), "rows[1].ordered_on")


def test_a_bad_row_imports_nothing_of_the_good_ones(client, buyer):
    refused(post(client, [order(buyer, order_no="good"), order(buyer, order_no="bad", quantity=-3)]),
            "rows[2].quantity")
    assert post(client, [order(buyer, order_no="good")]).get_json()["created"] == 1  # not there before


def test_a_customer_token_and_another_department_are_refused(client, buyer):
    customer_token = bearer(api_token(client, buyer.email, PASSWORD))
    assert post(client, [order(buyer)], token=customer_token).status_code == 403
    assert post(client, [order(buyer)], who=REHAB).status_code == 403
    assert post(client, [order(buyer)], who=MD).status_code == 200  # MD imports for any department


def test_more_rows_than_a_batch_takes_is_422(client, buyer):
    answer = post(client, [order(buyer, order_no=f"N{n}") for n in range(501)])
    assert answer.status_code == 422 and "rows" in answer.get_json()["error"]["fields"]


def test_receivables_and_their_ageing(client, buyer):
    rows = [{"invoice_no": "I-1", "credit_code": buyer.credit_code, "amount_yuan": "1000", "due_on": d.isoformat(),
             "invoiced_on": (TODAY - timedelta(days=200)).isoformat()} for d in [TODAY - timedelta(days=100)]]
    rows += [{"invoice_no": "I-2", "credit_code": buyer.credit_code, "amount_yuan": "250.50",
              "invoiced_on": TODAY.isoformat(), "due_on": (TODAY + timedelta(days=30)).isoformat()},
             {"invoice_no": "I-3", "credit_code": buyer.credit_code, "amount_yuan": "80",
              "invoiced_on": TODAY.isoformat(), "due_on": (TODAY - timedelta(days=10)).isoformat(),
              "paid_on": TODAY.isoformat(), "paid_amount_yuan": "80"}]
    answer = post(client, rows, kind="receivables", who=ORTHO)
    assert answer.status_code == 200, answer.get_json()
    ageing = client.get("/api/v1/departments/ortho/receivables/ageing", headers=bearer(api_token(client, REP)))
    assert ageing.status_code == 200
    body = ageing.get_json()
    assert body["total_yuan"] == "1250.50"
    assert {b["bucket"]: (b["yuan"], b["invoices"]) for b in body["buckets"]} == {
        "current": ("250.50", 1), "d1_30": ("0.00", 0), "d31_90": ("0.00", 0), "over_90": ("1000.00", 1)}
    other = client.get("/api/v1/departments/ortho/receivables/ageing", headers=bearer(api_token(client, REHAB)))
    assert other.status_code == 403


def test_a_large_file_through_the_api_upload_confirm_job_and_state(client, buyer):
    from portal.adapters import files  # the test stores what the browser's presigned POST would

    token = bearer(api_token(client, REP))
    started = client.post("/api/v1/departments/ortho/sales-imports", json={"kind": "orders", "filename": "订单.csv"},
                          headers=token)
    assert started.status_code == 201, started.get_json()
    body = started.get_json()
    assert "订单" not in body["fields"]["key"]
    early = client.post(f"/api/v1/sales-imports/{body['id']}/confirm", headers=token)
    assert early.status_code == 422  # nothing uploaded yet
    lines = ["order_no,credit_code,product,quantity,amount_yuan,ordered_on,status"] + [
        f"L-{i},{buyer.credit_code},bone-plate,1,10,{(TODAY - timedelta(days=2)).isoformat()},open" for i in range(5)]
    files.put(body["fields"]["key"], "\n".join(lines).encode(), "text/csv")
    confirmed = client.post(f"/api/v1/sales-imports/{body['id']}/confirm", headers=token)
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "pending"
    from functions import import_sales
    assert import_sales.run({})["done"] == [body["id"]]
    state = client.get(f"/api/v1/sales-imports/{body['id']}", headers=token).get_json()
    assert (state["status"], state["rows"], state["created"], state["problems"]) == ("done", 5, 5, [])
    other = client.get(f"/api/v1/sales-imports/{body['id']}", headers=bearer(api_token(client, ORTHO)))
    assert other.status_code == 404  # not the uploader, not MD


def test_RGT_2_the_backlog_through_the_api_and_its_csv_is_formula_safe(client, buyer):
    from tests.conftest import sign_in

    vip, _ctx = register()
    stand(vip, "ortho", "VIP", products=("bone-plate",))
    day = (TODAY - timedelta(days=5)).isoformat()
    assert post(client, [order(buyer, order_no="=1+1", ordered_on=day),
                         order(vip, order_no="V-1", ordered_on=(TODAY - timedelta(days=1)).isoformat())]
                ).status_code == 200
    token = bearer(api_token(client, REP))
    answer = client.get("/api/v1/departments/ortho/backlog", query_string={"product": "bone-plate"}, headers=token)
    assert answer.status_code == 200
    assert [(i["place"], i["order_no"], i["grade"]) for i in answer.get_json()["items"]] == [
        (1, "V-1", "VIP"), (2, "=1+1", "QUALIFIED")]
    assert client.get("/api/v1/departments/ortho/backlog", query_string={"product": "bone-plate"},
                      headers=bearer(api_token(client, REHAB))).status_code == 403
    sign_in(client, REP)
    csv = client.get("/staff/departments/ortho/backlog", query_string={"product": "bone-plate", "format": "csv"})
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("1,V-1,") and lines[2].startswith("2,'=1+1,")
    page = client.get("/staff/departments/ortho/backlog", query_string={"product": "bone-plate"})
    assert "优先供货" in page.get_data(as_text=True) and vip.name in page.get_data(as_text=True)
