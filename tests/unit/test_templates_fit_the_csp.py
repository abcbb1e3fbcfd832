"""The CSP allows no inline styles or scripts: templates must not rely on them (they would silently not work)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_inline_style_attributes_or_scripts():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        inline = (r'\sstyle="', r"<script(?![^>]*\bsrc=)", r'\son\w+="')
        if any(re.search(pattern, text) for pattern in inline):
            offenders.append(path.name)
    assert offenders == []
