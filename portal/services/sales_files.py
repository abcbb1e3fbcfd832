"""Files of the ERP's orders and receivables (issue 18 item 2): CSV (UTF-8 or GB18030, as Excel in China saves it)
and Excel .xlsx read streamed (openpyxl read-only, row by row: memory stays bounded whatever the file's length),
each row numbered as the spreadsheet shows it; formulas and merged cells are problems of their cells. And the
templates to download, in both formats, with Chinese and English headers."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import BinaryIO
from xml.etree.ElementTree import iterparse

from portal.domain.sales_rows import COLUMNS, Problem, header_names, match_header
from portal.services.exports import csv_text, xlsx_bytes
from portal.services.sales_import import Source

MAX_ROWS = 100_000  # rows of one file (the benchmark imports 50,000)
XLSX_MAGIC = b"PK\x03\x04"
_MERGE = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"

Opener = Callable[[], BinaryIO]  # a fresh binary stream of the file, for each pass


class NotATable(Exception):
    """The file is neither a CSV text nor an Excel workbook."""


def _cell(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _encoding(opener: Opener) -> str:
    with opener() as stream:
        head = stream.read(64 * 1024)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise NotATable() from None


def _csv_rows(opener: Opener, encoding: str) -> Iterator[tuple[int, list, list]]:
    with opener() as stream:
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        try:
            for number, cells in enumerate(csv.reader(text), start=1):
                yield number, cells, []
        except (UnicodeDecodeError, csv.Error):
            yield 0, [], [Problem(0, "", "not_a_table")]


def _column_letter_index(ref: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    if not match:
        return 0, 0
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column - 1


def _merged(book, sheet) -> list[tuple[int, int, int]]:
    """The merged ranges as (first row, last row, first column position), read from the sheet's XML, streamed."""
    found = []
    with book._archive.open(sheet._worksheet_path) as src:
        for _event, element in iterparse(src):
            if element.tag == _MERGE:
                corners = element.get("ref", "").split(":")
                (first, column), (last, _c) = _column_letter_index(corners[0]), _column_letter_index(corners[-1])
                found.append((first, last, column))
            element.clear()
    return found


def _xlsx_rows(opener: Opener) -> Iterator[tuple[int, list, list]]:
    from openpyxl import load_workbook

    with opener() as stream:
        try:
            book = load_workbook(stream, read_only=True, data_only=False)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            yield 0, [], [Problem(0, "", "not_a_table")]
            return
        try:
            sheet = book.worksheets[0]
            merged = _merged(book, sheet)
            sheet.reset_dimensions()  # a declared size is no promise: read the rows that are there
            for number, row in enumerate(sheet.iter_rows(), start=1):
                cells = [_cell(c.value) for c in row]
                formulas = [i for i, c in enumerate(row) if getattr(c, "data_type", None) == "f"]
                marks = [("formula", i) for i in formulas]
                marks += [("merged", column) for first, last, column in merged if first <= number <= last]
                yield number, cells, marks
        finally:
            book.close()


def read(kind: str, opener: Opener) -> tuple[list[Problem], Source]:
    """The header's problems and a source of the file's rows (each pass reads the file again); a file neither CSV
    nor .xlsx is one problem, "not_a_table"."""
    try:
        encoding = _encoding(opener)
    except NotATable:
        return [Problem(0, "", "not_a_table")], lambda: iter(())

    def raw() -> Iterator[tuple[int, list, list]]:
        return _xlsx_rows(opener) if encoding == "xlsx" else _csv_rows(opener, encoding)

    header_problems: list[Problem] = []
    keys: list[str | None] = []
    for number, cells, marks in raw():
        if number == 0:
            return [Problem(0, "", "not_a_table")], lambda: iter(())
        if not any(str(c or "").strip() for c in cells):
            continue
        keys, header_problems = match_header(kind, [str(c).lstrip("\ufeff") if c is not None else None
                                                    for c in cells])
        header_problems += [Problem(number, _name(keys, i), code) for code, i in marks]
        break
    header_at = number if keys else 0

    def source() -> Iterator[tuple[int, dict, list[Problem]]]:
        for number, cells, marks in raw():
            if number <= header_at:
                continue
            if number > MAX_ROWS + header_at:
                yield number, {}, [Problem(number, "", "too_many_rows")]
                return
            if number == 0:
                yield 0, {}, [Problem(0, "", "not_a_table")]
                return
            if not any(str(c if c is not None else "").strip() for c in cells) and not marks:
                continue
            values = {key: cells[i] for i, key in enumerate(keys) if key and i < len(cells)}
            yield number, values, [Problem(number, _name(keys, i), code) for code, i in marks]

    return header_problems, source


def _name(keys: list[str | None], position: int) -> str:
    return (keys[position] if position < len(keys) else None) or f"#{position + 1}"


def template(kind: str, fmt: str) -> bytes:
    """The template to fill: the header row and one example row, as CSV (UTF-8 with BOM) or .xlsx."""
    example = {"orders": ["SO-2026-0001", "91310115MA1K3YJ12G", "bone-plate", 10, "12000.50", "2026-03-01", "open",
                          "2026-03-15", ""],
               "receivables": ["INV-2026-0001", "91310115MA1K3YJ12G", "12000.50", "2026-03-01", "2026-03-31", "",
                               ""]}[kind]
    rows = [header_names(kind), example[:len(COLUMNS[kind])]]
    return csv_text(rows).encode("utf-8") if fmt == "csv" else xlsx_bytes(rows, sheet=kind)
