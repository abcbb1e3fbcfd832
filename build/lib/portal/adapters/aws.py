"""Lazily made boto3 clients pointed at the configured endpoint (DESIGN rule 8)."""

from __future__ import annotations

from functools import lru_cache

import boto3
from botocore.config import Config

_settings = {"endpoint": None, "region": "us-east-1"}


def configure(endpoint: str | None, region: str) -> None:
    """Point every client made from now on at `endpoint` (None: the normal AWS chain)."""
    _settings.update(endpoint=endpoint, region=region)
    client.cache_clear()


@lru_cache(maxsize=8)
def client(service: str):
    """A boto3 client for `service`, made on first use and reused (cheap Lambda warm starts)."""
    config = Config(signature_version="s3v4") if service == "s3" else None
    return boto3.client(
        service, region_name=_settings["region"], endpoint_url=_settings["endpoint"], config=config
    )
