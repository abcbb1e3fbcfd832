"""Exports safe to open in Excel: one CSV helper for every export, now and later (DESIGN rule 14, SEC-2)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell that a spreadsheet shows as text, never runs: text starting with = + - @ tab or CR gets a leading '.

    Numbers stay numbers (a negative amount is not a formula); None is an empty cell (OWASP CSV injection).
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV text with a UTF-8 byte-order mark (Excel then reads Chinese right), every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return "\ufeff" + out.getvalue()


def xlsx_bytes(rows: Iterable[Iterable[object]], sheet: str = "Sheet1") -> bytes:
    """Rows as an Excel workbook, every cell made safe: text is stored as text (a leading ' where it would start a
    formula), never as a formula."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    page = book.create_sheet(title=sheet[:31])
    for row in rows:
        page.append([safe_cell(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
