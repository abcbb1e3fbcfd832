"""Issue 14 item 10: `make deploy STAGE=dev DRY_RUN=1` prints the resolved settings and every command of the one
deploy path without touching AWS; unsafe settings are refused; the keys' parameter is made once and rotated."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.tools import deploy

ROOT = Path(__file__).resolve().parents[2]


def make(*args: str) -> subprocess.CompletedProcess:
    """`make` in the worktree with this Python, no AWS credentials, and every network call sent nowhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PYTHONPATH=str(ROOT), HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9",
               AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/no")
    return subprocess.run(["make", "--silent", "--no-print-directory", *args, f"PY={sys.executable}"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_make_deploy_dry_run_prints_the_whole_plan_and_touches_nothing():
    result = make("deploy", "STAGE=dev", "DRY_RUN=1")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    summary = json.loads(out[out.index("{"):out.index("\n}\n") + 2])
    conf = deploy.stage_settings("dev")
    env = conf["environment_variables"]
    assert summary["region"] == "ap-east-1" and summary["mail region"] == env["PORTAL_MAIL_REGION"]
    assert summary["role"] == "customer-portal-dev-execution" and summary["manage_roles"] is False
    assert summary["log_level"] == "WARNING" and summary["debug"] is False
    assert summary["stack parameters"] == {
        "TablePrefix": env["PORTAL_TABLE_PREFIX"], "DocumentBucketName": env["PORTAL_BUCKET"],
        "PortalOrigin": env["PORTAL_PUBLIC_URL"], "FunctionName": "customer-portal-dev",
        "SecretsParameter": env["PORTAL_SECRETS_PARAMETER"], "MailRegion": env["PORTAL_MAIL_REGION"],
        "MailIdentity": "portal.example.cn", "MailFrom": env["PORTAL_MAIL_FROM"],
        "SiteBucketName": env["PORTAL_STATIC_BUCKET"], "ApiDomainName": "", "ApiStagePath": "/dev"}
    assert len(summary["schedules"]) == len(conf["events"])
    plan = out[out.index("\n}\n") + 3:].splitlines()
    commands = [line.strip() for line in plan if line.startswith("   ")]
    assert [line.split(".")[0] for line in plan if not line.startswith("   ")] == [str(n) for n in range(1, 8)]
    expected = [
        "aws cloudformation deploy --region ap-southeast-1 --stack-name customer-portal-dev-mail "
        "--template-file infra/mail.json",
        "aws cloudformation deploy --region ap-east-1 --stack-name customer-portal-dev "
        "--template-file .build/stack-dev.json",
        "-m portal.tools.deploy ensure-keys dev",
        "make package STAGE=dev",
        "make publish-static",
        "zappa update dev -z dist/portal-dev.zip",
        "zappa schedule dev",
    ]
    assert len(commands) == len(expected) and all(e in c for e, c in zip(expected, commands, strict=True))
    assert "--capabilities CAPABILITY_NAMED_IAM" in commands[1]
    assert all(f"{k}={v}" in commands[1] for k, v in summary["stack parameters"].items())
    assert out.startswith("Deploy of stage dev (DRY_RUN: nothing is touched)") and not result.stderr


def test_rollback_and_teardown_dry_runs_keep_the_data():
    rollback = make("rollback", "STAGE=prod", "DRY_RUN=1")
    assert rollback.returncode == 0 and "zappa rollback prod -n 1" in rollback.stdout
    teardown = make("teardown", "STAGE=prod", "DRY_RUN=1")
    lines = teardown.stdout.strip().splitlines()
    assert teardown.returncode == 0 and "zappa undeploy prod --yes" in lines[0]
    assert lines[1:] == ["aws cloudformation delete-stack --region ap-east-1 --stack-name customer-portal-prod",
                         "aws cloudformation delete-stack --region ap-southeast-1 --stack-name "
                         "customer-portal-prod-mail"]
    template = json.loads((ROOT / "infra" / "template.json").read_text(encoding="utf-8"))["Resources"]
    kept = {"AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Logs::LogGroup"}
    assert all(r["DeletionPolicy"] == "Retain" for r in template.values() if r["Type"] in kept)


@pytest.mark.parametrize(("change", "why"), [
    ({"manage_roles": True}, "manage_roles"), ({"log_level": "DEBUG"}, "log_level"), ({"debug": True}, "debug"),
    ({"remote_env": "s3://b/secrets.json"}, "PORTAL_SECRETS_PARAMETER"), ({"role_name": "other"}, "role_name"),
    ({"environment_variables": {**deploy.stage_settings("dev")["environment_variables"],
                                "PORTAL_MAIL_REGION": "ap-east-1"}}, "SES is not offered in ap-east-1"),
])
def test_unsafe_settings_are_refused(tmp_path, capsys, change, why):
    settings = tmp_path / "zappa_settings.json"
    settings.write_text(json.dumps({"dev": {**deploy.stage_settings("dev"), **change}}))
    plan = deploy.Plan("dev", deploy.stage_settings("dev", settings))
    assert deploy.deploy(plan, dry_run=True) == 2
    assert why in capsys.readouterr().err


def test_keys_are_made_once_and_a_rotation_keeps_the_previous_ones_verifying(aws):
    from portal.adapters import aws as aws_adapter
    from portal.adapters import secrets
    from portal.config import Settings

    plan = deploy.Plan("dev", deploy.stage_settings("dev"))
    name = plan.env["PORTAL_SECRETS_PARAMETER"]

    def stored() -> dict:
        aws_adapter.configure(None, plan.region)
        secrets.forget()
        try:
            return secrets.read(name)
        finally:
            aws_adapter.configure(None, "us-east-1")
            secrets.forget()

    deploy.ensure_keys(plan, dry_run=False)
    first = stored()
    deploy.ensure_keys(plan, dry_run=False)
    assert stored() == first and len(first["secret_key"]) >= 32 and first["secret_key"] != first["token_key"]
    deploy.rotate_keys(plan, dry_run=False, finish=False)
    rotating = stored()
    assert rotating["secret_key_previous"] == first["secret_key"]
    assert rotating["token_key_previous"] == first["token_key"]
    settings = Settings.from_env({"PORTAL_ENV": "dev", "PORTAL_SECRETS_PARAMETER": name}).with_keys(rotating)
    assert settings.cookie_keys == [rotating["secret_key"], first["secret_key"]]
    assert settings.token_keys == [first["token_key"], rotating["token_key"]]
    deploy.rotate_keys(plan, dry_run=False, finish=True)
    assert stored()["secret_key_previous"] == stored()["token_key_previous"] == ""
