"""Schemathesis hooks: how to make values of the API document's formats that a pattern cannot say.

The document names them (`cn-uscc`: the GB 32100-2015 check digit; `password`: not a common password); this
teaches the fuzzer to make valid ones, so a schema-valid request is a valid request. Loaded by the suite's fuzz
test, and by the command line with `SCHEMATHESIS_HOOKS=tests.api_formats`.
"""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st
from stdnum.cn import uscc

from portal.domain.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from portal.domain.text import BIDI_CONTROLS, text_problem
from portal.web.validators import CREDIT_CODE_ALPHABET, CREDIT_CODE_FORMAT


def credit_codes() -> st.SearchStrategy[str]:
    """Valid 统一社会信用代码: 8 digits, 9 more characters, the check digit."""
    return st.builds(lambda head, tail: head + tail + uscc.calc_check_digit(head + tail),
                     st.text("0123456789", min_size=8, max_size=8),
                     st.text(CREDIT_CODE_ALPHABET, min_size=9, max_size=9))


def passwords() -> st.SearchStrategy[str]:
    """Passwords the policy accepts: 8-128 characters, something besides space, not a common one, no control
    characters (PortalForm's text rule)."""
    letters = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters=BIDI_CONTROLS)
    return st.text(letters, min_size=MIN_LENGTH, max_size=MAX_LENGTH).filter(
        lambda p: p.strip() != "" and password_problem(p) is None and text_problem(p) is None)


schemathesis.openapi.format(CREDIT_CODE_FORMAT, credit_codes())
schemathesis.openapi.format("password", passwords())
