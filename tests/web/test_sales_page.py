"""The staff page of orders and receivables (issue 18 item 2) through the Flask client on moto: a file checked whole
(a bad row: nothing imported, each row and column listed next to the form), a good file imported and said in
words, the same file twice doubling nothing, the templates, the ageing, and who sees the import form."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook

from portal.adapters.tables import Order
from portal.domain.timeutil import SHANGHAI, shanghai_day
from tests.conftest import csrf_token, sign_in
from tests.factories import register, stand

PAGE = "/staff/departments/ortho/sales"
YESTERDAY = (shanghai_day(datetime.now(SHANGHAI)) - timedelta(days=1)).isoformat()


@pytest.fixture(autouse=True)
def _yesterday():
    """The day before the Beijing day when each test runs (a whole run may cross midnight in Beijing)."""
    global YESTERDAY
    YESTERDAY = (shanghai_day(datetime.now(SHANGHAI)) - timedelta(days=1)).isoformat()


@pytest.fixture
def buyer(app):
    customer, _ctx = register()
    stand(customer, "ortho", products=("bone-plate",))
    return customer


def upload(client, data: bytes, name="orders.csv", kind="orders"):
    token = csrf_token(client, PAGE)
    return client.post(PAGE, data={"csrf_token": token, "now-kind": kind, "now-file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def csv_file(buyer, amount="100.00") -> bytes:
    lines = ["订单号 order_no,统一社会信用代码,产品,数量,金额（元）,下单日期,状态",
             f"SO-1,{buyer.credit_code},锁定加压接骨板,2,{amount},{YESTERDAY},未发货",
             f"SO-2,{buyer.credit_code},bone-plate,1,50,{YESTERDAY},已发货"]
    return ("\ufeff" + "\n".join(lines)).encode("utf-8")


def orders_stored() -> int:
    return sum(1 for _ in Order.scan())  # test-side count only: no request path scans


def test_a_file_with_a_bad_row_imports_nothing_and_lists_the_row_and_column(client, buyer):
    sign_in(client, "ortho.rep@demo.local")
    page = upload(client, csv_file(buyer, amount="-100"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "第 2 行，金额（元）：不允许为负数。" in text and "未导入任何内容" in text
    assert orders_stored() == 0


def test_a_good_file_imports_and_the_same_file_twice_doubles_nothing(client, buyer):
    sign_in(client, "ortho.leader@demo.local")
    first = upload(client, csv_file(buyer)).get_data(as_text=True)
    assert "共 2 行，新增 2，更新 0，未变 0" in first
    second = upload(client, csv_file(buyer)).get_data(as_text=True)
    assert "共 2 行，新增 0，更新 0，未变 2" in second
    assert orders_stored() == 2


def test_an_excel_file_with_formulas_and_merged_cells(client, buyer):
    sign_in(client, "ortho.rep@demo.local")
    book = Workbook()
    sheet = book.active
    sheet.append(["order_no", "credit_code", "product", "quantity", "amount_yuan", "ordered_on", "status"])
    sheet.append(["SO-1", buyer.credit_code, "bone-plate", 2, "=D2*50", YESTERDAY, "open"])
    sheet.append(["SO-2", buyer.credit_code, "bone-plate", 2, 100, YESTERDAY, "open"])
    sheet.append(["SO-3", buyer.credit_code, None, 2, 100, YESTERDAY, "open"])
    sheet.merge_cells("C3:C4")
    out = io.BytesIO()
    book.save(out)
    text = upload(client, out.getvalue(), name="orders.xlsx").get_data(as_text=True)
    assert "第 2 行，金额（元）：单元格含公式" in text
    assert "第 3 行，产品：含合并单元格" in text and "第 4 行，产品：含合并单元格" in text
    assert orders_stored() == 0


def test_the_templates_download_in_both_formats(client):
    sign_in(client, "ortho.rep@demo.local")
    xlsx = client.get(f"{PAGE}/template", query_string={"kind": "receivables", "format": "xlsx"})
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.data)).active["A1"].value == "发票号 invoice_no"
    csv = client.get(f"{PAGE}/template", query_string={"kind": "orders", "format": "csv"})
    assert csv.data.decode("utf-8-sig").startswith("订单号 order_no,统一社会信用代码 credit_code")


def test_the_clerk_sees_the_ageing_but_not_the_import(client):
    sign_in(client, "ortho.clerk@demo.local")
    page = client.get(PAGE).get_data(as_text=True)
    assert "未付发票账龄" in page and "检查并导入" not in page
    assert client.get(f"{PAGE}/template").status_code == 403
