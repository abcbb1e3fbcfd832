"""Create every table, the document bucket and the mail identity on a local (moto) endpoint."""

from __future__ import annotations

from portal.adapters import aws, tables
from portal.adapters.setup import AdapterSettings


def bucket_cors(settings: AdapterSettings) -> dict:
    """CORS of the document bucket: the portal's origin may POST uploads and GET downloads."""
    return {"CORSRules": [{
        "AllowedOrigins": [settings.public_url.rstrip("/")],
        "AllowedMethods": ["POST", "GET"],
        "AllowedHeaders": ["*"],
        "MaxAgeSeconds": 3000,
    }]}


def create_everything(settings: AdapterSettings) -> None:
    """Tables (with TTL), the private bucket and the SES sender. Never used against real AWS."""
    if not settings.is_local:
        raise RuntimeError("bootstrap is for local runs and tests; use infra/template.json on AWS")
    tables.create_all()
    dynamodb = aws.client("dynamodb")
    for model in tables.MODELS:
        ttl = tables.ttl_attribute(model)
        if ttl:
            dynamodb.update_time_to_live(
                TableName=model.Meta.table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl}
            )
    s3 = aws.client("s3")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if settings.bucket not in existing:
        s3.create_bucket(Bucket=settings.bucket)
    s3.put_public_access_block(Bucket=settings.bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_cors(Bucket=settings.bucket, CORSConfiguration=bucket_cors(settings))
    aws.client("ses").verify_email_identity(EmailAddress=settings.mail_from)
