"""The files of the customer import (ONB-1, issue 18 item 6): the template to download (CSV and Excel, Chinese and
English headers) and reading an uploaded CSV or .xlsx into rows of text (openpyxl read_only, streamed)."""

from __future__ import annotations

import csv
import io
import zipfile

from portal.domain.onboarding import COLUMNS, MAX_ROWS, Problem
from portal.services.exports import csv_text, xlsx_bytes

MAX_FILE_BYTES = 5 * 1024 * 1024  # about 20,000 rows of CSV; more: split the file
TEMPLATE_HEADER = [f"{zh} / {en}" for _key, zh, en, _required in COLUMNS]


def template_csv() -> str:
    """The import template as CSV (the export helper's UTF-8 with a BOM, so Excel opens the Chinese right)."""
    return csv_text([TEMPLATE_HEADER])


def template_xlsx() -> bytes:
    """The import template as an Excel workbook."""
    return xlsx_bytes([TEMPLATE_HEADER], sheet="客户导入 Import")


class FileProblem(ValueError):
    """The file as a whole cannot be read (a code the service puts in words)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def read_table(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    """The header cells, the data rows as (row number, cells) skipping empty rows, and cells that hold a formula
    (refused: an import takes values, never formulas). Raises FileProblem for what is not a readable file."""
    if len(content) > MAX_FILE_BYTES:
        raise FileProblem("too_large", mb=MAX_FILE_BYTES // (1024 * 1024))
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise FileProblem("file_type")
    header: list[str] | None = None
    data, problems = [], []
    for number, cells in rows:
        if header is None:
            header = cells
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(data) >= MAX_ROWS:
            raise FileProblem("too_many_rows", rows=MAX_ROWS)
        data.append((number, cells))
    if header is None:
        raise FileProblem("empty")
    for number, cells in data:
        problems += [Problem(number, f"#{i}", "formula") for i, c in enumerate(cells) if c.startswith("=")]
    return header, data, problems


def _csv_rows(content: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileProblem("encoding")
    try:
        return [(n, [c for c in row]) for n, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
    except csv.Error as exc:
        raise FileProblem("csv") from exc


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileProblem("xlsx") from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if n > MAX_ROWS + 1 and any(v not in (None, "") for v in values):
                raise FileProblem("too_many_rows", rows=MAX_ROWS)
            rows.append((n, [_text(v) for v in values]))
        return rows
    finally:
        book.close()


def _text(value) -> str:
    """A cell's value as text (whole numbers without ".0"; a formula keeps its "=")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
