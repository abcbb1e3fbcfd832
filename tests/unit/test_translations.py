"""Every user-facing string is translatable and translated into Simplified Chinese."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "portal" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def current_msgids() -> set[str]:
    method_map = [("portal/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_catalogue_is_complete_and_current():
    with PO.open("rb") as f:
        catalog = read_po(f, locale="zh")
    translated = {m.id: m.string for m in catalog if m.id}
    missing = current_msgids() - set(translated)
    assert missing == set(), "run `make translations` and translate the new strings"
    empty = [msgid for msgid, text in translated.items() if not text]
    assert empty == []
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert fuzzy == []
