"""What a stored text may contain (SEC-2: what staff read is what the customer typed, nothing hidden)."""

from __future__ import annotations

import unicodedata

FREE_TEXT_WHITESPACE = frozenset("\t\n\r")
# Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what a reader sees.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text_problem(value: str, free_text: bool = False) -> str | None:
    """Why `value` cannot be stored, or None.

    Names and identifiers refuse every control character (C0, DEL, C1) and the bidirectional controls; free text
    (notes, reasons, descriptions) also allows tab and line breaks.
    """
    for ch in value:
        if ch in BIDI_CONTROLS:
            return "bidi"
        if unicodedata.category(ch) == "Cc" and not (free_text and ch in FREE_TEXT_WHITESPACE):
            return "control"
    return None
