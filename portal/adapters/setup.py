"""Point every adapter at the configured AWS endpoint, tables, bucket and sender, in one place."""

from __future__ import annotations

from portal.adapters import aws, files, mail, tables, uow
from portal.adapters.store.dynamo import DynamoStore
from portal.config import Settings


def configure_all(settings: Settings) -> None:
    """Configure boto3 clients, PynamoDB tables, the document bucket and the mail sender (no AWS call)."""
    aws.configure(settings.aws_endpoint, settings.aws_region)
    tables.configure(settings.table_prefix, settings.aws_endpoint, settings.aws_region)
    files.configure(settings.bucket)
    mail.configure(settings.mail_from)
    uow.configure(DynamoStore())
