"""The public site: pages that need no sign-in, served by Flask locally and published as static HTML to S3.

Home, how to register and apply (准入指南, with the documents MD requires of each customer type), complaint
channels and the privacy notice, in Chinese and English, at the same paths everywhere (`/zh/index.html`,
`/en/admission.html`…): `make run` renders them on each request, `make publish-static` renders the very same
templates once and uploads them (portal/tools/publish_static.py) behind CloudFront.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, render_template, url_for
from flask_babel import force_locale

from portal.services import site

bp = Blueprint("site", __name__)
LANGS = ("zh", "en")
PAGES = ("index", "admission", "complaints", "privacy")
DATA_PAGES = ("admission",)  # pages that list document types: published again when MD changes them


def page_path(page: str, lang: str) -> str:
    """The page's path, the same locally and on the static site."""
    return f"/{lang}/{page}.html"


def render_page(page: str, lang: str, asset: Callable[[str], str]) -> str:
    """One page in one language; `asset` gives a static file's URL (Flask's, or the published hashed name)."""
    guide = site.admission_guide() if page in DATA_PAGES else None
    with force_locale(lang):
        return render_template(f"site/{page}.html", page=page, lang=lang, other="en" if lang == "zh" else "zh",
                               page_path=page_path, pages=PAGES, asset=asset, guide=guide)


@bp.get("/<lang>/<page>.html")
def show(lang: str, page: str):
    """A public page as the static site publishes it."""
    if lang not in LANGS or page not in PAGES:
        abort(404)
    return render_page(page, lang, lambda path: url_for("static", filename=path))
