"""Point every adapter at the configured AWS endpoint, tables, bucket and sender, in one place."""

from __future__ import annotations

import logging
from typing import Protocol

from portal.adapters import aws, channels, files, mail, tables, uow
from portal.adapters.store.dynamo import DynamoStore

QUIET = ("botocore", "boto3", "urllib3", "pynamodb", "s3transfer")  # at DEBUG they print whole requests


class AdapterSettings(Protocol):
    """What the adapters need to know (the app's Settings has it; so can any plain object)."""

    aws_endpoint: str | None
    aws_region: str
    table_prefix: str
    bucket: str
    mail_from: str
    public_url: str

    @property
    def ses_region(self) -> str:
        """The region SES is called in (PORTAL_MAIL_REGION, else the stage's region)."""

    @property
    def is_local(self) -> bool:
        """True for local runs and tests (moto)."""


def configure_logging() -> None:
    """The portal's loggers at INFO whatever the root's level (Zappa sets WARNING), the SDKs' at WARNING, so
    the request lines reach CloudWatch and no SDK prints a request (issue 14 item 1)."""
    logging.getLogger("portal").setLevel(logging.INFO)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_all(settings: AdapterSettings) -> None:
    """Configure logging, boto3 clients, PynamoDB tables, the document bucket and the mail sender (no AWS call)."""
    configure_logging()
    aws.configure(settings.aws_endpoint, settings.aws_region, {"ses": settings.ses_region})
    tables.configure(settings.table_prefix, settings.aws_endpoint, settings.aws_region)
    files.configure(settings.bucket)
    mail.configure(settings.mail_from, show_bodies=settings.is_local)
    channels.configure(settings.public_url)
    uow.configure(DynamoStore())
