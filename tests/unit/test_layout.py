"""Issue 12 item 8: the README's layout is the tree's own (it cannot go stale), every module says what it is for,
and no module outgrows what a reader can hold (300 lines)."""

from pathlib import Path

from portal.tools import layout

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 300


def modules():
    for package in layout.PACKAGES:
        yield from (p for p in (ROOT / package).rglob("*.py") if "translations" not in p.parts)


def test_readme_layout_is_the_tree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(layout.START), readme.index(layout.END) + len(layout.END)
    assert readme[start:end] == layout.render(), "run `python -m portal.tools.layout` and paste it into README.md"


def test_every_module_says_what_it_is_for():
    assert [str(p.relative_to(ROOT)) for p in modules() if not layout.summary(p)] == []


def test_no_module_is_over_300_lines():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in modules()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
    assert len(sizes) > 100  # the walk found the tree
