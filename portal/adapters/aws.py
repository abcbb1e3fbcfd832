"""Lazily made AWS clients pointed at the configured endpoint (DESIGN rule 8).

One botocore session serves boto3 and PynamoDB alike, so the SDK's service and endpoint
data are loaded once per process (cold start) instead of once per table.
"""

from __future__ import annotations

from functools import lru_cache

import botocore.session
from botocore.config import Config

_settings: dict = {"endpoint": None, "region": "us-east-1", "regions": {}}


def configure(endpoint: str | None, region: str, regions: dict[str, str] | None = None) -> None:
    """Point every client made from now on at `endpoint` (None: the normal AWS chain), in `region`, except the
    services `regions` sends elsewhere (SES: the mail region, issue 14 item 5)."""
    _settings.update(endpoint=endpoint, region=region, regions=dict(regions or {}))
    client.cache_clear()


def region_of(service: str) -> str:
    """The region clients of `service` are made in."""
    return _settings["regions"].get(service, _settings["region"])


def endpoint() -> str | None:
    """The configured endpoint (None on AWS)."""
    return _settings["endpoint"]


@lru_cache(maxsize=1)
def shared_session() -> botocore.session.Session:
    """The process's one botocore session (cheap to make; its data loads on the first client)."""
    return botocore.session.get_session()


@lru_cache(maxsize=1)
def _boto3_session() -> boto3.session.Session:  # noqa: F821 (imported on first use)
    """boto3 over the shared botocore session (made once: boto3 registers its handlers on it).

    boto3 (with s3transfer and multiprocessing) is imported here, on the first client, not at import:
    PynamoDB needs only botocore, and a cold start that serves a page without S3 or SES never pays for it.
    """
    import boto3.session

    return boto3.session.Session(botocore_session=shared_session())


@lru_cache(maxsize=8)
def client(service: str):
    """A boto3 client for `service`, made on first use and reused (cheap Lambda warm starts)."""
    config = Config(signature_version="s3v4") if service == "s3" else None
    return _boto3_session().client(
        service, region_name=region_of(service), endpoint_url=_settings["endpoint"], config=config
    )
