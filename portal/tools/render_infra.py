"""Render infra/template.json (CloudFormation) from the one table declaration in portal.adapters.tables.

`make infra` rewrites it and infra/mail.json (the SES identity, deployed in the mail region);
tests/integration/test_infra.py fails when either is out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from portal.adapters.tables import MODELS, BaseModel, ttl_attribute
from portal.tools import infra_role, infra_site
from portal.tools.infra_buckets import private_bucket

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "template.json"
MAIL_TEMPLATE = TEMPLATE.with_name("mail.json")


def logical_id(model: type[BaseModel]) -> str:
    """CloudFormation resource name of a model's table, e.g. AuditTable."""
    return "".join(part.capitalize() for part in model.base_name.split("_")) + "Table"


def key_schema(keys: list[dict]) -> list[dict]:
    """Key schema with the HASH key first, as CloudFormation requires."""
    ordered = sorted(keys, key=lambda k: k["KeyType"] != "HASH")
    return [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in ordered]


def table_resource(model: type[BaseModel]) -> dict:
    """An AWS::DynamoDB::Table with the model's keys and indexes, encrypted, PITR and deletion protection on."""
    schema = model._get_schema()
    definitions = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    props: dict = {
        "TableName": {"Fn::Sub": "${TablePrefix}" + model.base_name},
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in sorted(definitions.items())],
        "KeySchema": key_schema(schema["key_schema"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "DeletionProtectionEnabled": True,
        "SSESpecification": {"SSEEnabled": True},
    }
    indexes = []
    for index in schema["global_secondary_indexes"]:
        for d in index["attribute_definitions"]:
            definitions.setdefault(d["AttributeName"], d["AttributeType"])
        indexes.append({
            "IndexName": index["index_name"],
            "KeySchema": key_schema(index["key_schema"]),
            "Projection": {"ProjectionType": index["projection"]["ProjectionType"]},
        })
    props["AttributeDefinitions"] = [{"AttributeName": n, "AttributeType": t} for n, t in sorted(definitions.items())]
    if indexes:
        props["GlobalSecondaryIndexes"] = indexes
    ttl = ttl_attribute(model)
    if ttl:
        props["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": props}


def template() -> dict:
    """The whole stack: tables, the private document bucket, the portal's execution role and log group."""
    resources = {logical_id(m): table_resource(m) for m in MODELS}
    resources["DocumentBucket"] = private_bucket("DocumentBucketName", [
        # browsers upload under incoming/; the portal copies what it checked elsewhere and deletes the
        # upload, so anything left there (a form reused, a check never run) goes after a day
        {"Id": "UncheckedUploads", "Status": "Enabled", "Prefix": "incoming/", "ExpirationInDays": 1,
         "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
        # deleted (refused) files stay recoverable for 30 days, then go for good
        {"Id": "DeletedFiles", "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
    ], CorsConfiguration={"CorsRules": [{"AllowedOrigins": [{"Ref": "PortalOrigin"}], "AllowedMethods": ["POST", "GET"],
                                         "AllowedHeaders": ["*"], "MaxAge": 3000}]})
    resources["DocumentBucketTlsOnly"] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": {"Ref": "DocumentBucket"}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [{"Fn::GetAtt": ["DocumentBucket", "Arn"]}, {"Fn::Sub": "${DocumentBucket.Arn}/*"}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}},
    }
    resources.update(infra_role.resources(logical_id))  # the execution role, its policy, its log group
    resources.update(infra_site.resources())  # the static site in front (issue 14 item 9)
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Customer portal: DynamoDB tables, the private document bucket, the portal's execution role",
        "Parameters": {
            "TablePrefix": {"Type": "String", "Default": "portal-prod-", "AllowedPattern": "^[a-z0-9-]+$"},
            "DocumentBucketName": {"Type": "String"},
            "PortalOrigin": {"Type": "String", "Description": "e.g. https://portal.example.cn"},
            **infra_role.PARAMETERS,
            **infra_site.PARAMETERS,
        },
        "Conditions": infra_site.CONDITIONS,
        "Resources": resources,
        "Outputs": {"DocumentBucketName": {"Value": {"Ref": "DocumentBucket"}}, **infra_role.OUTPUTS,
                    **infra_site.OUTPUTS},
    }


def rendered(document: dict | None = None) -> str:
    """A template as the text kept in infra/ (the main one by default)."""
    return json.dumps(template() if document is None else document, indent=2, ensure_ascii=False,
                      sort_keys=False) + "\n"


def main() -> int:
    """Write infra/template.json and infra/mail.json."""
    for path, document in ((TEMPLATE, template()), (MAIL_TEMPLATE, infra_role.mail_template())):
        path.write_text(rendered(document), encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
