"""The private document bucket: presigned uploads and downloads, and checks of stored objects."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from portal.adapters import aws
from portal.adapters.store.expr import StoreUnavailable

NOT_FOUND = ("404", "NoSuchKey", "NotFound")


@contextmanager
def _unavailable_on_failure():
    """S3 failures that are not "no such key" (throttling, a lost connection, an internal error) are
    StoreUnavailable: never the user's fault, a retry may cure them (issue 13)."""
    try:
        yield
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in NOT_FOUND:
            raise
        raise StoreUnavailable(f"s3: {exc}") from exc
    except BotoCoreError as exc:
        raise StoreUnavailable(f"s3: {exc}") from exc

_bucket = {"name": "portal-local-documents"}
SNIFF_BYTES = 262  # what `filetype` needs to recognise PDF, JPEG and PNG
_memory: dict = {"bucket": None}  # a MemoryBucket in fast tests, else None (S3)


def use_memory(bucket) -> object:
    """Keep files in `bucket` (a MemoryBucket) instead of S3, or go back to S3 with None; returns the previous."""
    previous = _memory["bucket"]
    _memory["bucket"] = bucket
    return previous


def configure(bucket: str) -> None:
    """Name the document bucket."""
    _bucket["name"] = bucket


@lru_cache(maxsize=4)
def _upload_origin(bucket: str, endpoint_marker: str) -> str:
    url = aws.client("s3").generate_presigned_post(Bucket=bucket, Key="probe")["url"]
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def upload_origin() -> str:
    """The origin browsers POST uploads to (for the page's Content-Security-Policy); no network call."""
    return _upload_origin(_bucket["name"], str(aws.endpoint()))


def upload_form(key: str, content_type: str, max_bytes: int, expires_seconds: int = 600) -> dict:
    """A presigned POST: the browser sends the file straight to S3, size and type fixed by the policy."""
    if _memory["bucket"] is not None:
        return _memory["bucket"].upload_form(key, content_type)
    return aws.client("s3").generate_presigned_post(
        Bucket=_bucket["name"], Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_seconds,
    )


@dataclass(frozen=True)
class StoredObject:
    """What S3 holds under a key: its size and its first bytes."""

    size: int
    first_bytes: bytes


def inspect(key: str) -> StoredObject | None:
    """Size and first bytes of a stored object, or None when nothing is stored under `key`."""
    if _memory["bucket"] is not None:
        body = _memory["bucket"].objects.get(key)
        return None if body is None else StoredObject(len(body), body[:SNIFF_BYTES])
    s3 = aws.client("s3")
    try:
        with _unavailable_on_failure():
            head = s3.head_object(Bucket=_bucket["name"], Key=key)
            size = int(head["ContentLength"])
            if size == 0:
                return StoredObject(0, b"")
            body = s3.get_object(Bucket=_bucket["name"], Key=key, Range=f"bytes=0-{SNIFF_BYTES - 1}")["Body"].read()
    except ClientError:  # not found (any other failure is StoreUnavailable)
        return None
    return StoredObject(size, body)


def copy(source: str, target: str) -> bool:
    """Copy an object within the bucket (S3 copies atomically); False when nothing is stored under `source`."""
    if _memory["bucket"] is not None:
        return _memory["bucket"].copy(source, target)
    try:
        with _unavailable_on_failure():
            aws.client("s3").copy_object(Bucket=_bucket["name"], Key=target,
                                         CopySource={"Bucket": _bucket["name"], "Key": source})
    except ClientError:  # no such source (any other failure is StoreUnavailable)
        return False
    return True


def save_to(key: str, path: str) -> bool:
    """Download a stored object to a local file, streamed (a large import on Lambda's /tmp); False when none."""
    if _memory["bucket"] is not None:
        body = _memory["bucket"].objects.get(key)
        if body is None:
            return False
        with open(path, "wb") as out:
            out.write(body)
        return True
    try:
        with _unavailable_on_failure():
            aws.client("s3").download_file(_bucket["name"], key, path)
    except ClientError:  # not found (any other failure is StoreUnavailable)
        return False
    return True


def put(key: str, body: bytes, content_type: str) -> None:
    """Store a file the portal wrote itself (an export) under `key`."""
    if _memory["bucket"] is not None:
        _memory["bucket"].objects[key] = body
        return
    with _unavailable_on_failure():
        aws.client("s3").put_object(Bucket=_bucket["name"], Key=key, Body=body, ContentType=content_type)


def delete(key: str) -> None:
    """Remove a stored object (idempotent)."""
    if _memory["bucket"] is not None:
        _memory["bucket"].objects.pop(key, None)
        return
    with _unavailable_on_failure():
        aws.client("s3").delete_object(Bucket=_bucket["name"], Key=key)


def content_disposition(filename: str) -> str:
    """RFC 6266 attachment header: an ASCII fallback plus the UTF-8 name (RFC 5987)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_url(key: str, filename: str, content_type: str, expires_seconds: int = 300) -> str:
    """A presigned GET living minutes that answers as an attachment with the original file name."""
    if _memory["bucket"] is not None:
        return f"memory://{_bucket['name']}/{quote(key)}?filename={quote(filename)}"
    return aws.client("s3").generate_presigned_url("get_object", Params={
        "Bucket": _bucket["name"], "Key": key,
        "ResponseContentDisposition": content_disposition(filename),
        "ResponseContentType": content_type,
    }, ExpiresIn=expires_seconds)


class MemoryBucket:
    """The document bucket in memory, for fast tests: objects by key; a test stores what a browser would POST."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def upload_form(self, key: str, content_type: str) -> dict:
        """What a presigned POST carries (the fields a browser sends back with the file)."""
        return {"url": "memory://upload", "fields": {"key": key, "Content-Type": content_type, "policy": "memory"}}

    def copy(self, source: str, target: str) -> bool:
        """Copy an object; False when nothing is stored under `source`."""
        if source not in self.objects:
            return False
        self.objects[target] = self.objects[source]
        return True
