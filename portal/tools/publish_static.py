"""Publish portal/static/ to the bucket behind PORTAL_STATIC_URL (`make publish-static`).

Environment: PORTAL_STATIC_BUCKET (required), PORTAL_STATIC_PREFIX (default `static/`), and the
usual AWS settings (PORTAL_AWS_ENDPOINT for a local run).
"""

from __future__ import annotations

import mimetypes
import os
import sys
from pathlib import Path

from portal.adapters import aws

STATIC = Path(__file__).resolve().parents[1] / "static"
CACHE = "public, max-age=3600"


def publish(bucket: str, prefix: str = "static/", root: Path = STATIC) -> list[str]:
    """Upload every file under `root` with its content type; return the keys written."""
    s3 = aws.client("s3")
    keys = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        key = prefix + path.relative_to(root).as_posix()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=content_type, CacheControl=CACHE)
        keys.append(key)
    return keys


def main() -> int:
    """Publish to PORTAL_STATIC_BUCKET."""
    bucket = os.environ.get("PORTAL_STATIC_BUCKET")
    if not bucket:
        print("set PORTAL_STATIC_BUCKET to the bucket that serves PORTAL_STATIC_URL", file=sys.stderr)
        return 2
    aws.configure(os.environ.get("PORTAL_AWS_ENDPOINT") or None,
                  os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")
    for key in publish(bucket, os.environ.get("PORTAL_STATIC_PREFIX", "static/")):
        print(f"s3://{bucket}/{key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
