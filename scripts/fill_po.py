"""Merge a {msgid: translation} table (a Python file defining ZH) into the zh catalogue; report gaps."""

import runpy
import sys

from babel.messages.pofile import read_po, write_po

PO = "portal/translations/zh/LC_MESSAGES/messages.po"


def main(table_path: str) -> int:
    """Fill empty zh translations from the table; print the msgids still untranslated."""
    table = runpy.run_path(table_path)["ZH"]
    with open(PO, "rb") as f:
        catalog = read_po(f, locale="zh")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if message.id in table:
            message.string = table[message.id]
            message.flags.discard("fuzzy")
        elif not message.string:
            missing.append(message.id)
    with open(PO, "wb") as f:
        write_po(f, catalog, width=120)
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
