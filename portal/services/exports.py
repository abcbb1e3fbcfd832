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
