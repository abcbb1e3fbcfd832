"""The Lambda's execution role with least privilege, its log group, and the SES identity's own stack (issue 14).

Rendered into infra/template.json by render_infra.py from the same table declaration (DESIGN rule 4): each table
and each of its indexes by name, the document bucket's key prefixes, SES from the one identity and sender, the
keys' SSM parameter, the function's own log group. The audit table is append-only for the role (DESIGN rule 10):
PutItem and reads, an explicit Deny on every way to change or remove an event. IAM has no condition key that sees
a request's ConditionExpression, so the "not exists" condition itself is the code's (AuditTrail.append); what
IAM can add, it does: `dynamodb:ReturnValues` NONE (a Put never reads an old event back). Transactions need no
action of their own: each item of a TransactWriteItems is authorised as PutItem, UpdateItem, DeleteItem or
ConditionCheckItem on its table.
"""

from __future__ import annotations

from portal.adapters.tables import MODELS, AuditEvent, BaseModel

APPEND_ONLY = (AuditEvent,)
READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"]
WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
NEVER_ON_AUDIT = ["dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                  "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete", "dynamodb:PartiQLInsert",
                  "dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:RestoreTableFromBackup"]
# Where the portal keeps files (services/documents.py, services/ticket_files.py): browsers upload under
# incoming/<prefix>, the portal copies what it checked to <prefix> (services/uploads.py).
DOCUMENT_PREFIXES = ("documents/", "tickets/", "incoming/documents/", "incoming/tickets/")
OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
# the static site's pages the Lambda writes again when MD changes document types (portal/site: DATA_PAGES)
SITE_DATA_PAGES = [f"{lang}/{page}.html" for lang in ("zh", "en") for page in ("admission",)]


def _arn(service: str, rest: str) -> dict:
    """An ARN in this stack's partition, region and account."""
    return {"Fn::Sub": "arn:${AWS::Partition}:" + service + ":${AWS::Region}:${AWS::AccountId}:" + rest}


def _arns(model: type[BaseModel], logical_id) -> list[dict]:
    """The table's ARN and each index's, by name (no `index/*`)."""
    name = logical_id(model)
    arns: list[dict] = [{"Fn::GetAtt": [name, "Arn"]}]
    for index in model._get_schema()["global_secondary_indexes"]:
        arns.append({"Fn::Sub": "${" + name + ".Arn}/index/" + index["index_name"]})
    return arns


def statements(logical_id) -> list[dict]:
    """The role's policy: what the portal's requests and scheduled functions do, and nothing else."""
    tables = [m for m in MODELS if m not in APPEND_ONLY]
    audit = [arn for m in APPEND_ONLY for arn in _arns(m, logical_id)]
    return [
        {"Sid": "Tables", "Effect": "Allow", "Action": READ + WRITE,
         "Resource": [arn for m in tables for arn in _arns(m, logical_id)]},
        {"Sid": "AuditAppendAndRead", "Effect": "Allow",
         "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"], "Resource": audit},
        {"Sid": "AuditAppendOnly", "Effect": "Allow", "Action": ["dynamodb:PutItem"],
         "Resource": [{"Fn::GetAtt": [logical_id(m), "Arn"]} for m in APPEND_ONLY],
         "Condition": {"StringEqualsIfExists": {"dynamodb:ReturnValues": "NONE"}}},
        {"Sid": "AuditNeverChanges", "Effect": "Deny", "Action": NEVER_ON_AUDIT, "Resource": audit},
        {"Sid": "Documents", "Effect": "Allow", "Action": OBJECT_ACTIONS,
         "Resource": [{"Fn::Sub": "${DocumentBucket.Arn}/" + prefix + "*"} for prefix in DOCUMENT_PREFIXES]},
        {"Sid": "PublishSitePages", "Effect": "Allow", "Action": ["s3:PutObject"],  # MD's document types re-publish
         "Resource": [{"Fn::Sub": "${SiteBucket.Arn}/" + key}  # the 准入指南 pages, and only them (issue 14 item 9)
                      for key in SITE_DATA_PAGES]},
        {"Sid": "SendMail", "Effect": "Allow", "Action": ["ses:SendEmail"],
         "Resource": {"Fn::Sub": "arn:${AWS::Partition}:ses:${MailRegion}:${AWS::AccountId}:identity/${MailIdentity}"},
         "Condition": {"StringEquals": {"ses:FromAddress": {"Ref": "MailFrom"}}}},
        {"Sid": "Keys", "Effect": "Allow", "Action": ["ssm:GetParameter"],
         "Resource": _arn("ssm", "parameter${SecretsParameter}")},
        {"Sid": "ApiGatewayInvokes", "Effect": "Allow", "Action": ["lambda:InvokeFunction"],
         "Resource": _arn("lambda", "function:${FunctionName}")},
        {"Sid": "OwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": {"Fn::GetAtt": ["PortalLogGroup", "Arn"]}},
    ]


def resources(logical_id) -> dict:
    """The role (Zappa uses it with `manage_roles: false`), its policy and the function's log group."""
    return {
        "PortalExecutionRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": {"Fn::Sub": "${FunctionName}-execution"},
                "Description": "The portal's Lambda functions (Zappa: manage_roles false, role_name)",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    # API Gateway's integration invokes the function with this role (Zappa sets it as credentials)
                    "Principal": {"Service": ["lambda.amazonaws.com", "apigateway.amazonaws.com"]}}]},
            },
        },
        "PortalAccessPolicy": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Description": "What the portal's Lambda functions may do: its tables, its bucket's prefixes, "
                               "mail from its sender, its keys, its logs.",
                "Roles": [{"Ref": "PortalExecutionRole"}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": statements(logical_id)},
            },
        },
        "PortalLogGroup": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${FunctionName}"}, "RetentionInDays": 180},
        },
    }


PARAMETERS = {
    "FunctionName": {"Type": "String", "AllowedPattern": "^[A-Za-z0-9-_]+$",
                     "Description": "Zappa's function name: project_name-stage, e.g. customer-portal-dev"},
    "SecretsParameter": {"Type": "String", "AllowedPattern": "^/[A-Za-z0-9/_.-]+$",
                         "Description": "SSM SecureString with the signing keys, e.g. /customer-portal/dev/keys"},
    "MailRegion": {"Type": "String", "Description": "Where SES sends from (ap-east-1 has no SES)"},
    "MailIdentity": {"Type": "String", "Description": "The SES identity (a domain or an address) of MailFrom"},
    "MailFrom": {"Type": "String", "Description": "The sender address, e.g. no-reply@portal.example.cn"},
}

OUTPUTS = {
    "ExecutionRoleName": {"Value": {"Ref": "PortalExecutionRole"}},
    "ExecutionRoleArn": {"Value": {"Fn::GetAtt": ["PortalExecutionRole", "Arn"]}},
    "PortalAccessPolicyArn": {"Value": {"Ref": "PortalAccessPolicy"}},
    "LogGroupName": {"Value": {"Ref": "PortalLogGroup"}},
}


def mail_template() -> dict:
    """The SES identity, in its own small stack: it lives in the mail region, which may not be the stage's."""
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Customer portal: the SES sending identity, deployed in the mail region",
        "Parameters": {"MailIdentity": {"Type": "String",
                                        "Description": "A domain (DKIM records to publish) or an address"}},
        "Resources": {"MailSendingIdentity": {"Type": "AWS::SES::EmailIdentity", "DeletionPolicy": "Retain",
                                              "UpdateReplacePolicy": "Retain",
                                              "Properties": {"EmailIdentity": {"Ref": "MailIdentity"}}}},
        "Outputs": {"MailIdentity": {"Value": {"Ref": "MailSendingIdentity"}}},
    }
