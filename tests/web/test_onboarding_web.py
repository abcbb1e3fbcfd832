"""Bringing in existing customers (ONB-1, issue 18 item 6) through the Flask client on moto: MD's page with a CSV
and an Excel file (dry run, then import), bad input said with row and column and nothing created, the templates,
the API (dry run, import, 422) and who may use them (MD only)."""

from __future__ import annotations

import base64
import io
import re

from portal.adapters.repos.customers import CreditCodes
from portal.adapters.repos.grading import Counters
from portal.adapters.uow import UnitOfWork
from tests.conftest import api_token, bearer, csrf_token, sent_mail, sign_in
from tests.unit.services.onboarding_world import MD, csv_file, row, xlsx_file

PAGE = "/staff/customers/import"


def post_file(client, content: bytes, name: str, dry_run: bool = True):
    data = {"csrf_token": csrf_token(client, PAGE), "file": (io.BytesIO(content), name)}
    if dry_run:
        data["dry_run"] = "y"
    return client.post(PAGE, data=data, content_type="multipart/form-data")


def taken(code: str) -> bool:
    return UnitOfWork().repo(CreditCodes).taken(code)


def test_ONB_1_md_checks_a_csv_then_imports_it_with_one_click(client):
    sign_in(client, MD)
    a, b = row(grade="合格"), row(name="宁波老客户医院", kind="医疗机构", hospital_level="二级甲等", beds="300")
    total = UnitOfWork().repo(Counters).department("ortho").total
    checked = post_file(client, csv_file([a, b]), "老客户.csv")
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "宁波老客户医院" in page and 'name="carried_content"' in page
    assert not taken(a["credit_code"])  # a dry run creates nothing
    carried = {k: v for k, v in re.findall(r'name="(carried_\w+|csrf_token)" value="([^"]*)"', page)}
    done = client.post(PAGE, data=carried)
    assert done.status_code == 200 and taken(a["credit_code"]) and taken(b["credit_code"])
    assert UnitOfWork().repo(Counters).department("ortho").total == total + 2
    invited = {m.destinations["ToAddresses"][0] for m in sent_mail("Your company's account")}
    assert {a["email"], b["email"]} <= invited


def test_ONB_1_md_imports_an_excel_workbook(client):
    sign_in(client, MD)
    a = row()
    done = post_file(client, xlsx_file([a]), "customers.xlsx", dry_run=False)
    assert done.status_code == 200 and taken(a["credit_code"])
    owner = UnitOfWork().repo(CreditCodes).owner(a["credit_code"])
    sign_in(client, "ortho.rep@demo.local")  # the designated person's department sees how it came (ADM-1)
    timeline = client.get(f"/staff/customers/{owner}/timeline").get_data(as_text=True)
    assert "由营销事业部导入门户，未经准入审核即获准入" in timeline and "customers.xlsx" in timeline


def test_ONB_1_a_bad_row_is_said_with_row_and_column_and_nothing_is_created(client):
    sign_in(client, MD)
    good, bad = row(), row(mobile="12345")
    answer = post_file(client, csv_file([good, bad]), "a.csv", dry_run=False)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "第 3 行" in page and "联系人手机" in page
    assert not taken(good["credit_code"])


def test_ONB_1_a_file_that_is_not_csv_or_excel_is_said_at_the_field(client):
    sign_in(client, MD)
    page = post_file(client, b"%PDF-1.4", "a.pdf").get_data(as_text=True)
    assert 'id="file-error"' in page and ".xlsx" in page


def test_ONB_1_the_templates_download_in_both_forms(client):
    sign_in(client, MD)
    csv = client.get(f"{PAGE}/template.csv")
    assert csv.status_code == 200 and "统一社会信用代码 / Unified social credit code" in csv.get_data(as_text=True)
    xlsx = client.get(f"{PAGE}/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_ONB_1_only_md_sees_the_page_and_the_api(client):
    sign_in(client, "ortho.leader@demo.local")
    assert client.get(PAGE).status_code == 403
    token = bearer(api_token(client, "leader@demo.local"))
    body = {"filename": "a.csv", "content": base64.b64encode(csv_file([row()])).decode()}
    assert client.post("/api/v1/customers:import", json=body, headers=token).status_code == 403


def test_ONB_1_the_api_dry_run_then_import_then_the_same_file_again(client):
    token = bearer(api_token(client, MD))
    a = row(grade="")
    body = {"filename": "a.csv", "content": base64.b64encode(csv_file([a])).decode()}
    dry = client.post("/api/v1/customers:import", json=body, headers=token)
    assert dry.status_code == 200, dry.get_json()
    assert dry.get_json()["ok"] and dry.get_json()["companies"][0]["credit_code"] == a["credit_code"]
    assert not taken(a["credit_code"])
    done = client.post("/api/v1/customers:import", json={**body, "dry_run": False}, headers=token)
    assert done.status_code == 200 and done.get_json()["created"] == 1 and taken(a["credit_code"])
    again = client.post("/api/v1/customers:import", json={**body, "dry_run": False}, headers=token).get_json()
    assert again["created"] == 0 and again["skipped"] == [{"credit_code": a["credit_code"], "name": a["name"]}]


def test_ONB_1_the_api_reports_a_bad_file_with_row_and_column_and_creates_nothing(client):
    token = bearer(api_token(client, MD))
    bad = row(kind="个体户")
    body = {"filename": "a.csv", "content": base64.b64encode(csv_file([bad])).decode(), "dry_run": False}
    answer = client.post("/api/v1/customers:import", json=body, headers=token)
    assert answer.status_code == 200 and answer.get_json()["ok"] is False and answer.get_json()["created"] == 0
    assert [(p["row"], p["column"]) for p in answer.get_json()["problems"]] == [(2, "kind")]
    assert "第 2 行" in answer.get_json()["problems"][0]["message"] and not taken(bad["credit_code"])
    assert client.post("/api/v1/customers:import", json={**body, "content": "%%%%"},
                       headers=token).status_code == 422


def test_QTA_1_the_page_refuses_an_import_over_the_vip_quota_with_the_numbers(client):
    sign_in(client, MD)
    counts = UnitOfWork().repo(Counters).department("ortho")
    rows = [row(grade="VIP") for _ in range(3)]
    would_be, limit = counts.vip + 3, (15 * (counts.total + 3)) // 100
    page = post_file(client, csv_file(rows), "a.csv", dry_run=False).get_data(as_text=True)
    assert f"骨科产品销售部 VIP 将为 {would_be} 家，上限 {limit} 家" in page
    assert not any(taken(r["credit_code"]) for r in rows)
    assert UnitOfWork().repo(Counters).department("ortho") == counts


def test_ONB_1_the_report_reads_in_english_too(client):
    sign_in(client, MD)
    client.get("/lang/en")
    page = post_file(client, csv_file([row(), row(mobile="12345", grade="金牌")]), "a.csv").get_data(as_text=True)
    assert "Nothing was created: correct the file and check it again" in page
    assert "Row 3, Contact mobile: Not a mainland China mobile number." in page
    assert "Row 3, Grade: Not a grade" in page and "第" not in page
