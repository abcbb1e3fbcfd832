"""Publish the public site to its bucket: content-hashed CSS/JS (cached for good), then the pages (cached briefly).

Asset names carry the first 10 hex digits of their SHA-256 (`static/css/portal.1a2b3c4d5e.css`), so a changed file
is a new name and a published one never changes: `immutable`, a year. The HTML pages name those files and are
cached for five minutes, so a re-published page (MD changed the document types) is seen within minutes.
The unhashed names stay published too, for the signed-in pages the Lambda renders (PORTAL_STATIC_URL).
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from flask import Flask

from portal.adapters import aws
from portal.site import DATA_PAGES, LANGS, PAGES, render_page

STATIC = Path(__file__).resolve().parents[1] / "static"
HTML_CACHE = "public, max-age=300"
ASSET_CACHE = "public, max-age=31536000, immutable"
PLAIN_CACHE = "public, max-age=3600"
TYPES = {".css": "text/css", ".js": "text/javascript", ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml"}


def content_type(name: str) -> str:
    """The Content-Type a file is served with."""
    suffix = Path(name).suffix
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def hashed_name(relative: str, body: bytes) -> str:
    """`css/portal.css` → `css/portal.<10 hex digits of SHA-256>.css`."""
    path = Path(relative)
    digest = hashlib.sha256(body).hexdigest()[:10]
    return path.with_name(f"{path.stem}.{digest}{path.suffix}").as_posix()


def manifest(root: Path = STATIC) -> dict[str, str]:
    """Every static file's relative name → its content-hashed name."""
    return {p.relative_to(root).as_posix(): hashed_name(p.relative_to(root).as_posix(), p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file()}


def render_pages(app: Flask, pages=PAGES, names: dict[str, str] | None = None) -> dict[str, str]:
    """Bucket key → HTML for each page in each language, naming the hashed assets."""
    names = manifest() if names is None else names
    out = {}
    with app.test_request_context("/"):
        for page in pages:
            for lang in LANGS:
                out[f"{lang}/{page}.html"] = render_page(page, lang, lambda p: f"/static/{names[p]}")
    return out


def put(bucket: str, key: str, body: bytes, cache: str) -> str:
    """One object with its type and caching; returns the key."""
    aws.client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type(key),
                                CacheControl=cache)
    return key


def publish_assets(bucket: str, prefix: str = "static/", root: Path = STATIC) -> list[str]:
    """Every static file under its hashed name (immutable) and its plain name (an hour); returns the keys."""
    keys = []
    for plain, hashed in manifest(root).items():
        body = (root / plain).read_bytes()
        keys.append(put(bucket, prefix + hashed, body, ASSET_CACHE))
        keys.append(put(bucket, prefix + plain, body, PLAIN_CACHE))
    return keys


def publish_pages(app: Flask, bucket: str, pages=PAGES) -> list[str]:
    """Render `pages` in every language and upload them (five minutes' caching); returns the keys."""
    return [put(bucket, key, html.encode("utf-8"), HTML_CACHE) for key, html in render_pages(app, pages).items()]


def publish_site(app: Flask, bucket: str) -> list[str]:
    """Assets first (the pages name them), then every page."""
    return publish_assets(bucket) + publish_pages(app, bucket)


def republish_data_pages(app: Flask, bucket: str) -> list[str]:
    """The pages that list document types, after MD changed them."""
    return publish_pages(app, bucket, DATA_PAGES)
