"""Rows of the ERP's orders and receivables (issue 18 item 2): their columns, each cell checked, and the ageing of
what is still unpaid. Pure: a row's problems are codes naming the row and the column; words come later."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from portal.domain.customers import normalise_credit_code, valid_credit_code

MAX_TEXT = 64  # an order / invoice number or a product as the ERP writes it
MAX_FEN = 10**13  # 1000 亿元: more than any one order or invoice
MAX_QUANTITY = 10**9


@dataclass(frozen=True)
class Column:
    """A column of a file: its key (English, the API's field), its Chinese header, and whether it must be filled."""

    key: str
    zh: str
    required: bool = True
    kind: str = "text"  # text | code | int | money | day | past_day | status


ORDER_COLUMNS = (
    Column("order_no", "订单号"), Column("credit_code", "统一社会信用代码", kind="code"),
    Column("product", "产品"), Column("quantity", "数量", kind="int"),
    Column("amount_yuan", "金额（元）", kind="money"), Column("ordered_on", "下单日期", kind="past_day"),
    Column("status", "状态", kind="status"), Column("pickup_due_on", "应提货日期", False, "day"),
    Column("picked_up_on", "实际提货日期", False, "past_day"),
)
RECEIVABLE_COLUMNS = (
    Column("invoice_no", "发票号"), Column("credit_code", "统一社会信用代码", kind="code"),
    Column("amount_yuan", "金额（元）", kind="money"), Column("invoiced_on", "开票日期", kind="past_day"),
    Column("due_on", "到期日", kind="day"), Column("paid_on", "付款日期", False, "past_day"),
    Column("paid_amount_yuan", "已付金额（元）", False, "money"),
)
COLUMNS = {"orders": ORDER_COLUMNS, "receivables": RECEIVABLE_COLUMNS}
NUMBER_KEY = {"orders": "order_no", "receivables": "invoice_no"}
STATUSES = {"open": "open", "shipped": "shipped", "cancelled": "cancelled", "canceled": "cancelled",
            "未发货": "open", "待发货": "open", "已发货": "shipped", "已取消": "cancelled"}


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell (or a whole row: column ""), by code: missing, bad_date, future_date, negative,
    bad_number, bad_status, bad_credit_code, duplicate, formula, merged, unknown_customer, not_a_customer,
    unknown_product, unknown_column, missing_column, paid_too_much."""

    row: int
    column: str
    code: str


@dataclass(frozen=True)
class OrderRow:
    """One order as the ERP keeps it; money in 分 (fen)."""

    order_no: str
    credit_code: str
    product: str
    quantity: int
    amount_fen: int
    ordered_on: date
    status: str
    pickup_due_on: date | None
    picked_up_on: date | None


@dataclass(frozen=True)
class ReceivableRow:
    """One invoice as the ERP keeps it; money in 分 (fen); no paid day: unpaid."""

    invoice_no: str
    credit_code: str
    amount_fen: int
    invoiced_on: date
    due_on: date
    paid_on: date | None
    paid_fen: int


def _squeeze(text: str) -> str:
    return re.sub(r"[\s()（）]", "", str(text or "")).casefold()


def header_names(kind: str) -> list[str]:
    """The header row of a template: Chinese first, then the English key."""
    return [f"{c.zh} {c.key}" for c in COLUMNS[kind]]


def match_header(kind: str, cells: Iterable[object]) -> tuple[list[str | None], list[Problem]]:
    """Each header cell's column key (None: an empty cell), and the problems: an unknown or a missing column.
    A header may be the key, the Chinese name, or both (as the templates write them)."""
    names = {}
    for c in COLUMNS[kind]:
        for form in (c.key, c.zh, c.zh + c.key, c.key + c.zh):
            names[_squeeze(form)] = c.key
    keys: list[str | None] = []
    problems = []
    for cell in cells:
        text = _squeeze(cell if cell is not None else "")
        keys.append(names.get(text) if text else None)
        if text and text not in names:
            problems.append(Problem(1, str(cell)[:40], "unknown_column"))
    for c in COLUMNS[kind]:
        if c.required and c.key not in keys:
            problems.append(Problem(1, c.key, "missing_column"))
    return keys, problems


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", str(value).strip())
    if not match:
        raise ValueError("bad_date")
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        raise ValueError("bad_date") from None


def _fen(value: object) -> int:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError("bad_number") from None
    if not amount.is_finite():
        raise ValueError("bad_number")
    if amount < 0:
        raise ValueError("negative")
    fen = amount * 100
    if fen != fen.to_integral_value() or fen >= MAX_FEN:
        raise ValueError("bad_number")
    return int(fen)


def _int(value: object) -> int:
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if re.fullmatch(r"-\d+", text):
        raise ValueError("negative")
    if not re.fullmatch(r"\d+", text) or int(text) > MAX_QUANTITY:
        raise ValueError("bad_number")
    return int(text)


def _cell(column: Column, value: object, today: date) -> object:
    if column.kind in ("text", "code"):
        text = str(value).strip()
        if len(text) > MAX_TEXT:
            raise ValueError("too_long")
        if column.kind == "code":
            text = normalise_credit_code(text)
            if not valid_credit_code(text):
                raise ValueError("bad_credit_code")
        return text
    if column.kind == "int":
        return _int(value)
    if column.kind == "money":
        return _fen(value)
    if column.kind == "status":
        status = STATUSES.get(str(value).strip().casefold())
        if status is None:
            raise ValueError("bad_status")
        return status
    day = _day(value)
    if column.kind == "past_day" and day > today:
        raise ValueError("future_date")
    return day


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_row(kind: str, number: int, values: dict[str, object], today: date) -> tuple[object | None, list[Problem]]:
    """One row's record (an OrderRow or a ReceivableRow), or None with every problem of its cells."""
    parsed, problems = {}, []
    for column in COLUMNS[kind]:
        value = values.get(column.key)
        if _blank(value):
            if column.required:
                problems.append(Problem(number, column.key, "missing"))
            parsed[column.key] = None
            continue
        try:
            parsed[column.key] = _cell(column, value, today)
        except ValueError as exc:
            problems.append(Problem(number, column.key, str(exc)))
    if problems:
        return None, problems
    if kind == "orders":
        return OrderRow(parsed["order_no"], parsed["credit_code"], parsed["product"], parsed["quantity"],
                        parsed["amount_yuan"], parsed["ordered_on"], parsed["status"], parsed["pickup_due_on"],
                        parsed["picked_up_on"]), []
    paid = parsed["paid_amount_yuan"]
    if paid is None:
        paid = parsed["amount_yuan"] if parsed["paid_on"] else 0
    if paid > parsed["amount_yuan"]:
        return None, [Problem(number, "paid_amount_yuan", "paid_too_much")]
    return ReceivableRow(parsed["invoice_no"], parsed["credit_code"], parsed["amount_yuan"], parsed["invoiced_on"],
                         parsed["due_on"], parsed["paid_on"], paid), []


def fen_to_yuan(fen: int) -> Decimal:
    """分 as 元, two decimals."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


# --- what the records say (sales facts, ageing) -------------------------------------------------------------------

AGEING_BUCKETS = ("current", "d1_30", "d31_90", "over_90")


def ageing_bucket(due_on: date, today: date) -> str:
    """Where an unpaid invoice stands today: not yet overdue, 1–30, 31–90 or over 90 days overdue."""
    late = (today - due_on).days
    return "current" if late <= 0 else "d1_30" if late <= 30 else "d31_90" if late <= 90 else "over_90"


def paid_late(due_on: date, paid_on: date | None, today: date) -> bool:
    """A late payment: paid after its due day, or still unpaid after it."""
    return paid_on > due_on if paid_on else today > due_on


def picked_up_late(pickup_due_on: date, picked_up_on: date | None, today: date) -> bool:
    """An overdue pick-up: picked up after its due day, or still not picked up after it."""
    return picked_up_on > pickup_due_on if picked_up_on else today > pickup_due_on


def overdue_90_cutoff(today: date) -> date:
    """Invoices due before this day and still unpaid are over 90 days overdue."""
    return today - timedelta(days=90)
