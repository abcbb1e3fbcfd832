"""Publish the public site to its bucket (`make publish-static`): hashed CSS/JS, then every page in zh and en.

Environment: PORTAL_STATIC_BUCKET (required: the stack's SiteBucketName output), the portal's usual settings
(the pages list the document types MD keeps, read from the tables), PORTAL_AWS_ENDPOINT for a local run.
Pages: portal/site/ renders them from templates/site/; portal/site/publish.py uploads (caching in its docstring).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from portal.site.publish import STATIC, publish_assets, publish_site


def publish(bucket: str, prefix: str = "static/", root: Path = STATIC) -> list[str]:
    """Upload every static file under its plain and its content-hashed name; return the keys written."""
    return publish_assets(bucket, prefix, root)


def main() -> int:
    """Publish the whole site to PORTAL_STATIC_BUCKET."""
    from portal import create_app

    bucket = os.environ.get("PORTAL_STATIC_BUCKET")
    if not bucket:
        print("set PORTAL_STATIC_BUCKET to the static site's bucket (the stack's SiteBucketName)", file=sys.stderr)
        return 2
    app = create_app()
    for key in publish_site(app, bucket):
        print(f"s3://{bucket}/{key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
