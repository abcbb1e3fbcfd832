"""Issue 17 items 5 and 6 through the Flask client: the header search finds customers by two characters of the
name, the credit code and the mobile, each user only its own; MD's register lists a company that never applied;
its CSV and Excel exports never carry a live formula."""

from __future__ import annotations

import csv
import io

import openpyxl

from tests.conftest import api_token, bearer, sign_in
from tests.factories import register, stand

MD = "md.admin@demo.local"


def test_search_page_and_api_find_by_name_code_and_mobile(client):
    customer, _ = register(name="温州鹿城瑞祥器械有限公司", mobile="13655550123")
    stand(customer, "rehab")
    sign_in(client, MD)
    assert "搜索客户" in client.get("/staff/").get_data(as_text=True) or "Search customers" in \
        client.get("/staff/").get_data(as_text=True)  # the header box
    for query in ("瑞祥", customer.credit_code, "13655550123"):
        page = client.get("/staff/search", query_string={"q": query}).get_data(as_text=True)
        assert "温州鹿城瑞祥器械有限公司" in page, query
    token = bearer(api_token(client, MD))
    found = client.get("/api/v1/search", query_string={"q": "鹿城"}, headers=token).get_json()
    assert [h["id"] for h in found["items"]] == [customer.customer_id]
    short = client.get("/api/v1/search", query_string={"q": "鹿 "}, headers=token)
    assert short.status_code == 422 and "q" in short.get_json()["error"]["fields"]


def test_another_department_does_not_find_the_customer(client):
    customer, _ = register(name="只在康复部的苍南公司")
    stand(customer, "rehab")
    sign_in(client, "ortho.rep@demo.local")
    assert "苍南公司" not in client.get("/staff/search", query_string={"q": "苍南"}).get_data(as_text=True)
    token = bearer(api_token(client, "ortho.rep@demo.local"))
    assert client.get("/api/v1/search", query_string={"q": customer.credit_code}, headers=token).get_json()[
        "items"] == []
    sign_in(client, "rehab.rep@demo.local")
    assert "只在康复部的苍南公司" in client.get("/staff/search", query_string={"q": "苍南"}).get_data(as_text=True)


def test_the_register_lists_a_company_that_never_applied_and_exports_safely(client):
    idle, _ = register(name="=HYPERLINK(\"http://evil\",\"x\")", contact_name="-2+3")
    sign_in(client, MD)
    page = client.get("/staff/register", query_string={"status": "registered"}).get_data(as_text=True)
    assert "HYPERLINK" in page and idle.customer_id in page
    token = bearer(api_token(client, MD))
    rows = client.get("/api/v1/register", headers=token).get_json()["items"]
    mine = next(r for r in rows if r["id"] == idle.customer_id)
    assert {d["status"] for d in mine["departments"]} == {"registered"}
    exported = client.get("/staff/register.csv", query_string={"status": "registered"})
    table = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert any(row[0] == "'=HYPERLINK(\"http://evil\",\"x\")" for row in table[1:])
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)
    workbook = client.get("/staff/register.xlsx", query_string={"status": "registered"})
    assert workbook.status_code == 200 and workbook.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in {c.value for c in cells}
    sign_in(client, "ortho.leader@demo.local")
    assert client.get("/staff/register").status_code == 403
    assert client.get("/staff/register.csv").status_code == 403
