"""Import files for the tests of bringing in existing customers (ONB-1, issue 18 item 6)."""

from __future__ import annotations

import csv
import io

from portal.services.onboarding_files import TEMPLATE_HEADER
from tests.factories import credit_code

MD = "md.admin@demo.local"
_serial = iter(range(5000, 10**6))


def row(**overrides) -> dict:
    """One valid row: a distributor standing in 骨科 as 合格 for the bone plate, its rep designated."""
    n = next(_serial)
    values = {"credit_code": credit_code(n), "name": f"老客户医疗器械有限公司{n}", "kind": "经销企业",
              "region": "上海市", "industry": "医疗器械经销", "scale": "中型", "hospital_level": "", "beds": "",
              "department": "骨科产品销售部", "products": "锁定加压接骨板", "grade": "合格",
              "designated": "ortho.rep@demo.local", "contact_name": "张经理", "mobile": "13800138000",
              "email": f"old{n}@kehu.cn"}
    values.update(overrides)
    return values


KEYS = ["credit_code", "name", "kind", "region", "industry", "scale", "hospital_level", "beds", "department",
        "products", "grade", "designated", "contact_name", "mobile", "email"]


def csv_file(rows: list[dict], header: list[str] | None = None) -> bytes:
    """The rows as the template's CSV (UTF-8 with a BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or TEMPLATE_HEADER)
    for r in rows:
        writer.writerow([r.get(k, "") for k in KEYS])
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_file(rows: list[dict], formula_at: tuple[int, int] | None = None, merge: str | None = None) -> bytes:
    """The rows as an Excel workbook (a formula in one cell, or merged cells, if asked)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(TEMPLATE_HEADER)
    for r in rows:
        sheet.append([r.get(k, "") for k in KEYS])
    if formula_at:
        sheet.cell(row=formula_at[0], column=formula_at[1], value="=1+1")
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
