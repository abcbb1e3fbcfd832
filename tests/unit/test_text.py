"""SEC-2: what staff read is what the customer typed: no control or text-direction characters are stored."""

import pytest

from portal.domain.text import text_problem


@pytest.mark.parametrize(("value", "name", "free"), [
    ("上海康健医疗器械有限公司", None, None),
    ("", None, None),
    ("Zero\u200dwidth joiner", None, None),  # a format character (Cf), not a control: allowed
    ("第一行\n第二行\r\n\t缩进", "control", None),  # line breaks and tabs: free text only
    ("nul\x00", "control", "control"),
    ("del\x7f", "control", "control"),
    ("c1\x85", "control", "control"),
    ("exe.\u202efdp", "bidi", "bidi"),  # right-to-left override: "exe.pdf" read backwards
    ("\u2066isolate\u2069", "bidi", "bidi"),
    ("\u202a", "bidi", "bidi"),
])
def test_SEC_2_names_refuse_control_and_bidi_characters_free_text_allows_line_breaks(value, name, free):
    assert text_problem(value) == name
    assert text_problem(value, free_text=True) == free


def test_SEC_2_the_first_offending_character_names_the_problem():
    assert text_problem("a\x00\u202e") == "control"
    assert text_problem("a\u202e\x00") == "bidi"
