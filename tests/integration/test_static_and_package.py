"""Static files: Flask locally, a bucket or CDN in production; the Lambda package holds no dev tool."""

import subprocess
import zipfile
from pathlib import Path

from portal.tools.check_package import FORBIDDEN, REQUIRED, problems
from portal.tools.publish_static import publish

ROOT = Path(__file__).resolve().parents[2]


def test_static_url_switches_to_the_cdn_in_production(aws):
    from portal import create_app
    from tests.conftest import TEST_SETTINGS

    local = create_app(TEST_SETTINGS).test_client().get("/login").get_data(as_text=True)
    assert 'href="/static/css/portal.css"' in local
    prod = create_app({**TEST_SETTINGS, "static_url": "https://static.portal.example.cn/static"}).test_client()
    response = prod.get("/login")
    assert 'href="https://static.portal.example.cn/static/css/portal.css"' in response.get_data(as_text=True)
    assert "https://static.portal.example.cn" in response.headers["Content-Security-Policy"]


def test_publish_static_uploads_every_file_with_its_type(aws):
    from portal.adapters import aws as aws_adapter

    aws_adapter.configure(None, "us-east-1")
    s3 = aws_adapter.client("s3")
    s3.create_bucket(Bucket="static-site")
    keys = publish("static-site")
    assert "static/css/portal.css" in keys
    head = s3.head_object(Bucket="static-site", Key="static/css/portal.css")
    assert head["ContentType"] == "text/css" and head["CacheControl"].startswith("public")


def test_package_checker_catches_dev_tools():
    good = list(REQUIRED) + ["werkzeug/__init__.py"]
    assert problems(good) == []
    assert problems(good + ["moto/__init__.py"]) == ["must not contain: moto/"]
    assert problems([n for n in good if n != "handler.py"]) == ["missing: handler.py"]
    assert "pytest/" in FORBIDDEN and "playwright/" in FORBIDDEN


def test_make_package_builds_a_lambda_zip_without_test_or_dev_packages():
    """Runs the real `make package` (a runtime-only virtualenv, then `zappa package`)."""
    result = subprocess.run(["make", "package"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with zipfile.ZipFile(ROOT / "dist" / "portal-dev.zip") as z:
        names = z.namelist()
    assert problems(names) == []
    assert any(n.startswith("portal/translations/zh/LC_MESSAGES/messages.mo") for n in names)
