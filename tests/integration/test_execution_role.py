"""Issue 14 items 2 and 5 (SEC-1, DESIGN rules 4 and 10): the stack's execution role has no wildcard action and no
wildcard resource outside its own log group and its document prefixes; it reaches only the declared tables and
indexes; the audit table is append-only; Zappa uses the role, logs at WARNING and sends mail where SES exists."""

import json
import re
import subprocess
import sys
from pathlib import Path

import boto3

from portal.adapters.tables import MODELS, AuditEvent
from portal.tools import infra_role
from portal.tools.render_infra import MAIL_TEMPLATE, TEMPLATE, logical_id, rendered

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = json.loads(TEMPLATE.read_text(encoding="utf-8"))["Resources"]


def text(value) -> str:
    """A resource reference as one string (Fn::Sub as written, Fn::GetAtt as `Name.Attr`)."""
    if isinstance(value, str):
        return value
    if "Fn::Sub" in value:
        return value["Fn::Sub"]
    if "Fn::GetAtt" in value:
        return ".".join(value["Fn::GetAtt"])
    return json.dumps(value)


def listed(value) -> list:
    return value if isinstance(value, list) else [value]


def role_statements() -> list[dict]:
    """Every statement of every policy the execution role holds."""
    role = "PortalExecutionRole"
    assert RESOURCES[role]["Type"] == "AWS::IAM::Role" and "Policies" not in RESOURCES[role]["Properties"]
    policies = [r for r in RESOURCES.values() if r["Type"] in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy")
                and {"Ref": role} in r["Properties"].get("Roles", [])]
    assert policies and not RESOURCES[role]["Properties"].get("ManagedPolicyArns")
    return [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]


def test_SEC_1_no_wildcard_action_and_no_wildcard_resource_outside_logs_and_document_prefixes():
    allowed = role_statements()
    wildcards = []
    for statement in (s for s in allowed if s["Effect"] == "Allow"):
        actions = listed(statement["Action"])
        wildcards += [a for a in actions if "*" in a]
        for resource in map(text, listed(statement["Resource"])):
            if all(a.startswith("logs:") for a in actions) and resource == "PortalLogGroup.Arn":
                continue  # the function's own log group and its streams
            prefix = re.fullmatch(r"\$\{DocumentBucket\.Arn\}/(.+/)\*", resource)
            if prefix and prefix.group(1) in infra_role.DOCUMENT_PREFIXES:
                continue  # objects under one of the portal's key prefixes (S3 has no other way to name them)
            if "*" in resource:
                wildcards.append(resource)
    assert wildcards == []
    assert "NotAction" not in json.dumps(allowed) and "NotResource" not in json.dumps(allowed)


def test_the_role_reaches_exactly_the_declared_tables_and_their_indexes():
    reached = {text(r) for s in role_statements() if s["Effect"] == "Allow"
               for r in listed(s["Resource"]) if any(a.startswith("dynamodb:") for a in listed(s["Action"]))}
    declared = set()
    for model in MODELS:
        declared.add(f"{logical_id(model)}.Arn")
        declared |= {"${" + logical_id(model) + ".Arn}/index/" + i["index_name"]
                     for i in model._get_schema()["global_secondary_indexes"]}
    assert reached == declared


def test_DESIGN_10_the_audit_table_is_append_only_for_the_role():
    audit = {f"{logical_id(AuditEvent)}.Arn"} | {
        "${" + logical_id(AuditEvent) + ".Arn}/index/" + i["index_name"]
        for i in AuditEvent._get_schema()["global_secondary_indexes"]}
    on_audit = [s for s in role_statements() if audit & {text(r) for r in listed(s["Resource"])}]
    granted = {a for s in on_audit if s["Effect"] == "Allow" for a in listed(s["Action"])}
    assert granted == {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem"}
    denied = {a for s in on_audit if s["Effect"] == "Deny" for a in listed(s["Action"])}
    assert {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} <= denied
    put = next(s for s in on_audit if s["Effect"] == "Allow" and "dynamodb:PutItem" in listed(s["Action"]))
    assert put["Condition"] == {"StringEqualsIfExists": {"dynamodb:ReturnValues": "NONE"}}


def test_mail_keys_and_invocation_are_pinned_to_their_one_resource():
    by_sid = {s["Sid"]: s for s in role_statements()}
    ses = ":ses:${MailRegion}:${AWS::AccountId}:identity/${MailIdentity}"
    assert text(by_sid["SendMail"]["Resource"]).endswith(ses)
    assert by_sid["SendMail"]["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailFrom"}}}
    assert text(by_sid["Keys"]["Resource"]).endswith(":parameter${SecretsParameter}")
    assert listed(by_sid["Keys"]["Action"]) == ["ssm:GetParameter"]
    trust = RESOURCES["PortalExecutionRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert [s["Principal"]["Service"] for s in trust] == [["lambda.amazonaws.com", "apigateway.amazonaws.com"]]


def test_the_services_upload_keys_start_with_a_declared_prefix():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "portal" / "services").glob("*.py"))
    prefixes = re.findall(r'new_key\(f"([a-z]+/)', sources)
    assert prefixes and all(p in infra_role.DOCUMENT_PREFIXES and "incoming/" + p in infra_role.DOCUMENT_PREFIXES
                            for p in prefixes)


def test_mail_stack_is_rendered_and_lints():
    assert MAIL_TEMPLATE.read_text(encoding="utf-8") == rendered(infra_role.mail_template()), "run `make infra`"
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), str(MAIL_TEMPLATE)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def stages() -> dict[str, dict]:
    """Each stage of zappa_settings.json with what it extends merged in (as Zappa does)."""
    raw = json.loads((ROOT / "zappa_settings.json").read_text(encoding="utf-8"))
    return {name: {**raw.get(conf.get("extends"), {}), **conf} for name, conf in raw.items()}


def test_SEC_1_every_stage_uses_the_stacks_role_logs_at_warning_and_keeps_no_secret_in_its_settings():
    for name, stage in stages().items():
        assert stage["manage_roles"] is False and stage["role_name"] == f"{stage['project_name']}-{name}-execution"
        assert stage["log_level"] == "WARNING" and stage["debug"] is False
        assert stage["cloudwatch_log_level"] == "OFF" and stage["cloudwatch_data_trace"] is False
        assert "remote_env" not in stage and "attach_policy" not in stage
        env = stage["environment_variables"]
        assert env["PORTAL_SECRETS_PARAMETER"] == f"/{stage['project_name']}/{name}/keys"
        assert not {k for k in env if "KEY" in k or "SECRET" in k} - {"PORTAL_SECRETS_PARAMETER"}


def test_every_stage_sends_mail_from_a_region_with_ses():
    ses_regions = set(boto3.session.Session().get_available_regions("ses"))
    assert "ap-east-1" not in ses_regions  # why PORTAL_MAIL_REGION exists
    for stage in stages().values():
        mail_region = stage["environment_variables"].get("PORTAL_MAIL_REGION") or stage["aws_region"]
        assert mail_region in ses_regions
