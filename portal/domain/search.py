"""Finding customers by what staff remember of them (issue 17 item 5): pure rules for the search index.

Chinese company names have no spaces, so a name is indexed by its character bigrams (every two consecutive
characters, letters lower-cased, spaces dropped); a query of two or more characters is looked up by one of its
bigrams and the candidates are kept only when they contain the whole query. Credit codes, mobiles and e-mail
addresses are indexed whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_QUERY = 2
MAX_QUERY = 100
# Bigrams of the words most company names share (有限公司, 医疗器械, 股份, 医院, 科技…): a query containing a rarer
# one is read by that, so fewer entries are read and filtered away.
COMMON_BIGRAMS = frozenset({"有限", "限公", "公司", "股份", "份有", "医疗", "疗器", "器械", "医院", "科技", "贸易",
                            "集团", "责任", "任公", "上海", "北京", "中国", "co", "lt", "td"})
MAX_GRAMS = 60  # a name's first 60 bigrams (61 characters): the index's writes stay inside one transaction


def folded(text: str | None) -> str:
    """Lower case, without spaces: how names are compared."""
    return re.sub(r"\s+", "", (text or "")).lower()


def bigrams(text: str | None) -> list[str]:
    """The distinct character bigrams of `text` (folded), in order of first appearance, at most MAX_GRAMS."""
    flat = folded(text)
    seen: dict[str, None] = {}
    for i in range(len(flat) - 1):
        seen.setdefault(flat[i:i + 2], None)
    return list(seen)[:MAX_GRAMS]


def index_terms(*, name: str, contact_name: str | None, credit_code: str | None, mobile: str | None,
                email: str | None) -> set[str]:
    """Every term a customer is found by: "g#<bigram>" of its name and contact's name, "x#<value>" of its credit
    code, mobile (E.164 and without +86) and e-mail."""
    terms = {f"g#{g}" for g in bigrams(name) + bigrams(contact_name)}
    for value in (credit_code, mobile, email):
        if value:
            terms.add(f"x#{value.lower()}")
    if mobile and mobile.startswith("+86"):
        terms.add(f"x#{mobile[3:]}")
    return terms


@dataclass(frozen=True)
class Lookup:
    """How to answer a query: the index term to read, and the folded text a candidate must contain (None: the
    term is an exact value)."""

    term: str
    contains: str | None


def lookups(query: str, exact: list[str]) -> list[Lookup]:
    """The index reads for `query`: each of the `exact` forms (credit code, mobile, e-mail as normalised by the
    caller), then the query's first bigram filtered by the whole query."""
    out = [Lookup(f"x#{value.lower()}", None) for value in dict.fromkeys(exact) if value]
    grams = bigrams(query)
    if grams:
        rare = [g for g in grams if g not in COMMON_BIGRAMS]
        out.append(Lookup(f"g#{(rare or grams)[0]}", folded(query)))
    return out
