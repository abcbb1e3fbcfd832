"""Bringing in existing customers (ONB-1, issue 18 item 6): the import file's columns, and the check of each row.

Pure: a row is a mapping of column keys to the text a spreadsheet cell held; every problem names the row (the
file's own row number, the header being row 1) and the column, with a code the service puts in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from portal.domain.customers import (
    HOSPITAL_LEVELS,
    CustomerType,
    mainland_mobile,
    normalise_credit_code,
    valid_credit_code,
)
from portal.domain.grading import Grade

# key, Chinese header, English header, required in every row
COLUMNS: list[tuple[str, str, str, bool]] = [
    ("credit_code", "统一社会信用代码", "Unified social credit code", True),
    ("name", "客户名称", "Company name", True),
    ("kind", "客户类型", "Customer type", True),
    ("region", "地区", "Region", True),
    ("industry", "行业", "Industry", True),
    ("scale", "规模", "Scale", True),
    ("hospital_level", "医院等级", "Hospital level", False),
    ("beds", "床位数", "Beds", False),
    ("department", "部门", "Department", True),
    ("products", "产品", "Products", True),
    ("grade", "等级", "Grade", False),
    ("designated", "指定人员邮箱", "Designated person's e-mail", True),
    ("contact_name", "联系人", "Contact name", True),
    ("mobile", "联系人手机", "Contact mobile", True),
    ("email", "联系人邮箱", "Contact e-mail", True),
]
COLUMN_KEYS = [c[0] for c in COLUMNS]
COMPANY_FIELDS = ("name", "kind", "region", "industry", "scale", "hospital_level", "beds", "contact_name",
                  "mobile", "email")
MAX_ROWS = 2000  # one file; more is refused with the number (split the file)
MAX_CELL = 200

KIND_WORDS = {
    CustomerType.ENTERPRISE: ("enterprise", "企业", "经销企业", "经销商"),
    CustomerType.MEDICAL: ("medical", "医疗机构", "医院"),
    CustomerType.RETAIL: ("retail", "零售", "零售客户"),
    CustomerType.INTERNAL: ("internal", "内部关联方", "内部关联交易", "内部"),
}
GRADE_WORDS = {Grade.VIP: ("vip",), Grade.PREFERRED: ("preferred", "优选"), Grade.QUALIFIED: ("qualified", "合格")}
SCALE_WORDS = {"large": ("large", "大型"), "medium": ("medium", "中型"), "small": ("small", "小型"),
               "micro": ("micro", "微型")}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
LIST_SEPARATORS = re.compile(r"[;；,，、|\n]+")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell (row 0: the file as a whole; column "": the row as a whole)."""

    row: int
    column: str
    code: str
    params: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Row:
    """One checked row: a company's standing in one department, with the company's own facts."""

    number: int
    credit_code: str
    name: str
    kind: str
    region: str
    industry: str
    scale: str
    hospital_level: str | None
    beds: int | None
    department: str
    products: tuple[str, ...]
    grade: Grade
    designated: str
    contact_name: str
    mobile: str
    email: str

    def company(self) -> tuple:
        """The company's facts, which every row of the same credit code must repeat alike."""
        return tuple(getattr(self, f) for f in COMPANY_FIELDS)


def header_keys(cells: list[str]) -> tuple[dict[int, str], list[Problem]]:
    """Which column holds what (a header cell may say the Chinese, the English, both, or the key)."""
    words = {}
    for key, zh, en, _required in COLUMNS:
        for word in (key, zh, en, f"{zh} / {en}", f"{zh}/{en}", f"{zh} {en}"):
            words[_fold(word)] = key
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        key = words.get(_fold(cell))
        if key and key not in found.values():
            found[i] = key
    missing = [k for k, _zh, _en, required in COLUMNS if required and k not in found.values()]
    return found, [Problem(1, k, "missing_column") for k in missing]


def _fold(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def _word(text: str, table: dict) -> object | None:
    folded = _fold(text)
    return next((value for value, words in table.items() if folded in words), None)


def check_row(number: int, cells: dict[str, str]) -> tuple[Row | None, list[Problem]]:
    """Every check a row allows on its own: required cells, credit code (GB 32100-2015), type, grade, formats."""
    cells = {k: str(v if v is not None else "").strip() for k, v in cells.items()}
    problems = [Problem(number, k, "too_long") for k in COLUMN_KEYS if len(cells.get(k, "")) > MAX_CELL]
    problems += [Problem(number, k, "required") for k, _zh, _en, req in COLUMNS if req and not cells.get(k)]
    blank = {p.column for p in problems}
    code = normalise_credit_code(cells.get("credit_code", ""))
    if "credit_code" not in blank and not valid_credit_code(code):
        problems.append(Problem(number, "credit_code", "credit_code"))
    kind = _word(cells.get("kind", ""), KIND_WORDS)
    if "kind" not in blank and kind is None:
        problems.append(Problem(number, "kind", "kind"))
    scale = _word(cells.get("scale", ""), SCALE_WORDS)
    if "scale" not in blank and scale is None:
        problems.append(Problem(number, "scale", "scale"))
    grade = _word(cells.get("grade", ""), GRADE_WORDS) if cells.get("grade") else Grade.QUALIFIED  # GRD-4
    if grade is None:
        problems.append(Problem(number, "grade", "grade"))
    level, beds = cells.get("hospital_level") or None, _beds(cells.get("beds", ""))
    if kind == CustomerType.MEDICAL and level not in HOSPITAL_LEVELS:
        problems.append(Problem(number, "hospital_level", "hospital_level"))
    if kind == CustomerType.MEDICAL and beds is None:
        problems.append(Problem(number, "beds", "beds"))
    mobile = mainland_mobile(cells.get("mobile", ""))
    if "mobile" not in blank and mobile is None:
        problems.append(Problem(number, "mobile", "mobile"))
    for key in ("email", "designated"):
        if key not in blank and not EMAIL.match(cells.get(key, "")):
            problems.append(Problem(number, key, "email"))
    products = tuple(p.strip() for p in LIST_SEPARATORS.split(cells.get("products", "")) if p.strip())
    if problems:
        return None, problems
    medical = kind == CustomerType.MEDICAL
    return Row(number, code, cells["name"], kind.value, cells["region"], cells["industry"], scale,
               level if medical else None, beds if medical else None, cells["department"], products, grade,
               cells["designated"].lower(), cells["contact_name"], mobile, cells["email"].lower()), []


def _beds(text: str) -> int | None:
    text = text.strip().removesuffix(".0")
    return int(text) if text.isdigit() and int(text) < 100000 else None


@dataclass(frozen=True)
class Reference:
    """What rows are checked against: names and ids of the sales departments and their products, and staff."""

    departments: dict[str, str]  # folded id or name -> dept_id (sales departments)
    products: dict[str, dict[str, str]]  # dept_id -> folded id or name -> product_id
    staff: dict[str, str]  # e-mail of an active staff member -> its dept_id


def resolve(row: Row, ref: Reference) -> tuple[Row | None, list[Problem]]:
    """The row with its department and products as ids; unknown ones, and a designated person who is not staff
    of that department (ONB-3), are problems."""
    dept_id = ref.departments.get(_fold(row.department))
    if dept_id is None:
        return None, [Problem(row.number, "department", "unknown_department", {"value": row.department})]
    problems, products = [], []
    for name in row.products:
        product_id = ref.products.get(dept_id, {}).get(_fold(name))
        if product_id is None:
            problems.append(Problem(row.number, "products", "unknown_product", {"value": name}))
        elif product_id not in products:
            products.append(product_id)
    if ref.staff.get(row.designated) != dept_id:
        problems.append(Problem(row.number, "designated", "not_staff_of_department", {"value": row.designated}))
    if problems:
        return None, problems
    return replace(row, department=dept_id, products=tuple(sorted(products))), []
