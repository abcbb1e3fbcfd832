"""Files of orders and receivables (issue 18 item 2): CSV in UTF-8 or GB18030 and .xlsx, headers in Chinese or
English, formulas and merged cells named by row and column, the templates read back as they are written."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from portal.services import sales_files, sales_import
from portal.services.sales_import import BadRows
from tests.factories import register, stand
from tests.unit.services.test_sales_import import REP

HEADER_ZH = ["订单号", "统一社会信用代码", "产品", "数量", "金额（元）", "下单日期", "状态"]
HEADER_EN = ["order_no", "credit_code", "product", "quantity", "amount_yuan", "ordered_on", "status"]


@pytest.fixture
def buyer(fake):
    customer, _ctx = register(fake)
    stand(customer, "ortho", store=fake.store)
    return customer


def opener(data: bytes):
    return lambda: io.BytesIO(data)


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    return "\n".join(",".join(str(c) for c in r) for r in rows).encode(encoding)


def xlsx(rows, merge: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_file(fake, data: bytes, kind="orders"):
    header, source = sales_files.read(kind, opener(data))
    return sales_import.import_now(fake.ctx(REP), "ortho", kind, source, header)


def problems_of(fake, data: bytes, kind="orders"):
    with pytest.raises(BadRows) as caught:
        import_file(fake, data, kind)
    return [(p.row, p.column, p.code) for p in caught.value.report.problems]


def row(buyer, no="SO-1", amount="100.00"):
    return [no, buyer.credit_code, "bone-plate", 2, amount, "2026-01-05", "已发货"]


def test_csv_with_chinese_headers_in_gb18030_as_excel_saves_it(fake, buyer):
    report = import_file(fake, csv_bytes([HEADER_ZH, row(buyer), row(buyer, "SO-2")], "gb18030"))
    assert report.created == 2


def test_csv_with_english_headers_and_the_same_file_twice_doubles_nothing(fake, buyer):
    data = csv_bytes([HEADER_EN, row(buyer), [], row(buyer, "SO-2")])
    assert import_file(fake, data).created == 2
    again = import_file(fake, data)
    assert (again.created, again.unchanged) == (0, 2)


def test_rows_are_numbered_as_the_spreadsheet_shows_them(fake, buyer):
    data = csv_bytes([HEADER_EN, row(buyer), row(buyer, "SO-2", "-3")])
    assert problems_of(fake, data) == [(3, "amount_yuan", "negative")]


def test_a_missing_and_an_unknown_column(fake, buyer):
    data = csv_bytes([HEADER_EN[:-1] + ["colour"], row(buyer)])
    assert problems_of(fake, data)[:2] == [(1, "colour", "unknown_column"), (1, "status", "missing_column")]


def test_xlsx_is_read_with_dates_and_numbers_as_excel_keeps_them(fake, buyer):
    from datetime import datetime
    data = xlsx([HEADER_ZH, ["SO-1", buyer.credit_code, "锁定加压接骨板", 3, 1999.5, datetime(2026, 2, 1), "open"]])
    assert import_file(fake, data).created == 1


def test_an_excel_file_with_a_formula_imports_nothing(fake, buyer):
    data = xlsx([HEADER_EN, row(buyer), ["SO-2", buyer.credit_code, "bone-plate", 2, "=D3*50", "2026-01-05", "open"]])
    assert problems_of(fake, data) == [(3, "amount_yuan", "formula")]


def test_an_excel_file_with_merged_cells_imports_nothing(fake, buyer):
    data = xlsx([HEADER_EN, row(buyer), row(buyer, "SO-2")], merge="C2:C3")
    assert problems_of(fake, data) == [(2, "product", "merged"), (3, "product", "merged")]


def test_an_excel_file_with_formulas_and_merged_cells(fake, buyer):
    data = xlsx([HEADER_EN, row(buyer), ["SO-2", buyer.credit_code, "bone-plate", "=1+1", "5", "2026-01-05", "open"],
                 row(buyer, "SO-3")], merge="E3:E4")
    assert problems_of(fake, data) == [(3, "quantity", "formula"), (3, "amount_yuan", "merged"),
                                       (4, "amount_yuan", "merged")]


def test_a_file_that_is_no_table(fake, buyer):
    assert problems_of(fake, bytes(range(128, 256)) * 3) == [(0, "", "not_a_table")]
    assert problems_of(fake, b"PK\x03\x04 not really a workbook") == [(0, "", "not_a_table")]


def test_an_empty_file(fake, buyer):
    assert problems_of(fake, b"") == [(0, "", "empty")]


@pytest.mark.parametrize("kind", ["orders", "receivables"])
def test_the_templates_headers_read_back(kind):
    csv_header, _source = sales_files.read(kind, opener(sales_files.template(kind, "csv")))
    xlsx_header, _source = sales_files.read(kind, opener(sales_files.template(kind, "xlsx")))
    assert csv_header == [] and xlsx_header == []
    sheet = load_workbook(io.BytesIO(sales_files.template(kind, "xlsx"))).active
    assert sheet["A1"].value.startswith(("订单号", "发票号"))
