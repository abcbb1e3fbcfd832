"""The README's layout section, made from the tree: every package and module of `portal/` and `functions/` with
the first line of its docstring. `python -m portal.tools.layout` prints it; tests/unit/test_layout.py holds the
README to it, so the section cannot go stale."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "functions")
OTHERS = [("templates/", "Jinja templates (layout.html, auth/, customer/, staff/)"),
          ("infra/", "CloudFormation template (infra/template.json, rendered by portal/tools/render_infra.py)"),
          ("tests/", "unit/ and contract/ (fakes, fast), integration/ (moto), web/ (Flask client), "
                     "browser/ (Playwright + chromium), bench/")]
WIDTH = 34  # the column where descriptions start
LINE = 118  # the longest line
START, END = "<!-- layout:start -->", "<!-- layout:end -->"


def summary(path: Path) -> str:
    """The first line of a module's docstring ("" when it has none)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    return doc.strip().splitlines()[0] if doc else ""


def _entries(directory: Path, depth: int) -> list[tuple[str, str]]:
    out = []
    init = directory / "__init__.py"
    out.append(("  " * depth + directory.name + "/", summary(init) if init.exists() else ""))
    for module in sorted(p for p in directory.glob("*.py") if p.name != "__init__.py"):
        out.append(("  " * (depth + 1) + module.name, summary(module)))
    for sub in sorted(p for p in directory.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        out += _entries(sub, depth + 1)
    return out


def entries() -> list[tuple[str, str]]:
    """(indented name, summary) for every package and module, then the other top-level folders."""
    out = []
    for package in PACKAGES:
        out += _entries(ROOT / package, 0)
    return out + OTHERS


def _fit(text: str, room: int) -> str:
    """`text` cut at a word so that it fits `room` characters, with an ellipsis when cut."""
    if len(text) <= room:
        return text
    return text[: room - 1].rsplit(" ", 1)[0].rstrip(",;:(") + "…"


def render() -> str:
    """The layout block as it belongs in the README (between the START and END markers)."""
    lines = [f"{name:<{WIDTH}}{_fit(text, LINE - WIDTH)}".rstrip() for name, text in entries()]
    return "\n".join([START, "```", *lines, "```", END])


if __name__ == "__main__":
    print(render())
