"""`make deploy STAGE=dev`: the one deploy path, from zappa_settings.json to a running portal (issue 14 item 10).

Steps: the SES identity's stack (mail region), the main stack (tables, buckets, role, log group; the static site
joins it), the keys' SSM parameter, the Lambda package, the static files, `zappa deploy` or `update`, the schedules.
`DRY_RUN=1` (or --dry-run) prints the resolved settings and every command, and touches nothing. Also:
`rollback`, `teardown` (stacks and function go, tables, buckets, logs and keys stay), `ensure-keys`,
`rotate-keys [--finish]`.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".build"
STATIC_BUCKET_OUTPUT = "SiteBucketName"  # issue 14 item 9: the static site's bucket, once the stack has it


def stage_settings(stage: str, path: Path = ROOT / "zappa_settings.json") -> dict:
    """A stage of zappa_settings.json with what it extends merged in (as Zappa merges it)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if stage not in raw:
        raise SystemExit(f"no stage {stage!r} in {path.name} (stages: {', '.join(raw)})")
    conf = raw[stage]
    return {**(stage_settings(conf["extends"], path) if "extends" in conf else {}), **conf}


@dataclass(frozen=True)
class Plan:
    """What a deploy of one stage resolves to."""

    stage: str
    conf: dict = field(repr=False)

    @property
    def env(self) -> dict:
        return self.conf.get("environment_variables", {})

    @property
    def function(self) -> str:
        return f"{self.conf['project_name']}-{self.stage}"

    @property
    def region(self) -> str:
        return self.conf["aws_region"]

    @property
    def mail_region(self) -> str:
        return self.env.get("PORTAL_MAIL_REGION") or self.region

    @property
    def mail_identity(self) -> str:
        """The SES identity: MAIL_IDENTITY, else the sender's domain (a domain identity, DKIM)."""
        return os.environ.get("MAIL_IDENTITY") or self.env["PORTAL_MAIL_FROM"].rsplit("@", 1)[-1]

    @property
    def stack(self) -> str:
        return self.function

    @property
    def parameters(self) -> dict[str, str]:
        """The main stack's parameters, every one from the stage's settings."""
        return {"TablePrefix": self.env["PORTAL_TABLE_PREFIX"], "DocumentBucketName": self.env["PORTAL_BUCKET"],
                "PortalOrigin": self.env["PORTAL_PUBLIC_URL"], "FunctionName": self.function,
                "SecretsParameter": self.env["PORTAL_SECRETS_PARAMETER"], "MailRegion": self.mail_region,
                "MailIdentity": self.mail_identity, "MailFrom": self.env["PORTAL_MAIL_FROM"],
                # the static site (issue 14 item 9): its bucket, and the API behind it once zappa has made it
                "SiteBucketName": self.env["PORTAL_STATIC_BUCKET"],
                "ApiDomainName": self.env.get("PORTAL_API_DOMAIN", ""),
                "ApiStagePath": f"/{self.stage}"}

    def summary(self) -> dict:
        """The resolved settings a reader checks before anything happens (no secret is among them)."""
        return {"stage": self.stage, "function": self.function, "region": self.region,
                "mail region": self.mail_region, "mail identity": self.mail_identity,
                "stack": self.stack, "mail stack": f"{self.stack}-mail", "role": self.conf.get("role_name"),
                "manage_roles": self.conf.get("manage_roles", True), "log_level": self.conf.get("log_level", "DEBUG"),
                "debug": self.conf.get("debug", True), "runtime": self.conf.get("runtime"),
                "secrets parameter": self.env.get("PORTAL_SECRETS_PARAMETER"),
                "trusted proxies": self.env.get("PORTAL_TRUSTED_PROXIES", "0"),
                "stack parameters": self.parameters,
                "schedules": [f"{e['function']} {e['expression']}" for e in self.conf.get("events", [])]}

    def problems(self) -> list[str]:
        """Settings that would deploy something unsafe (issue 14 items 1, 2, 3, 5)."""
        out = []
        if self.conf.get("manage_roles", True) or not self.conf.get("role_name"):
            out.append("manage_roles must be false with role_name (the stack's least-privilege role)")
        if self.conf.get("role_name") != f"{self.function}-execution":
            out.append(f"role_name must be {self.function}-execution, the role the stack creates")
        if self.conf.get("log_level", "DEBUG") in ("DEBUG", "INFO") or self.conf.get("debug", True):
            out.append("log_level must be WARNING or above and debug false (Zappa logs secrets at DEBUG)")
        if "remote_env" in self.conf or any("KEY" in k for k in self.env):
            out.append("keys come from PORTAL_SECRETS_PARAMETER, never from remote_env or the settings")
        if self.mail_region not in _ses_regions():
            out.append(f"SES is not offered in {self.mail_region}: set PORTAL_MAIL_REGION")
        return out


def _ses_regions() -> set[str]:
    import boto3

    return set(boto3.session.Session().get_available_regions("ses"))


def _tool(name: str) -> str:
    """A command next to this Python (the virtualenv's zappa), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else name


def _stack_deploy(region: str, stack: str, template: str, parameters: dict[str, str], *extra: str) -> list[str]:
    return ["aws", "cloudformation", "deploy", "--region", region, "--stack-name", stack, "--template-file",
            template, "--no-fail-on-empty-changeset", *extra, "--parameter-overrides",
            *[f"{k}={v}" for k, v in parameters.items()]]


def deploy_commands(plan: Plan) -> list[tuple[str, list[str], dict]]:
    """(why, argv, extra environment) for every step of a deploy, in order."""
    me = [sys.executable, "-m", "portal.tools.deploy"]
    compact = f".build/stack-{plan.stage}.json"  # the rendered template without indentation (< 51,200 bytes)
    zip_path = f"dist/portal-{plan.stage}.zip"
    return [
        ("SES identity, in the mail region", _stack_deploy(plan.mail_region, f"{plan.stack}-mail", "infra/mail.json",
                                                           {"MailIdentity": plan.mail_identity}), {}),
        ("stack: tables, document bucket, execution role, log group (static site: issue 14 item 9)",
         _stack_deploy(plan.region, plan.stack, compact, plan.parameters, "--capabilities", "CAPABILITY_NAMED_IAM"),
         {}),
        ("signing keys: an SSM SecureString, made once with random keys", [*me, "ensure-keys", plan.stage], {}),
        ("the Lambda package, from a runtime-only virtualenv", ["make", "package", f"STAGE={plan.stage}"], {}),
        ("static files, to the stack's static site bucket (output " + STATIC_BUCKET_OUTPUT + ")",
         ["make", "publish-static"], {"PORTAL_STATIC_BUCKET": f"<stack output {STATIC_BUCKET_OUTPUT}>",
                                      "AWS_REGION": plan.region}),
        ("the function and its API: `update` when it exists, `deploy` the first time",
         [_tool("zappa"), "update", plan.stage, "-z", zip_path], {}),
        ("schedules (EventBridge rules for `events`)", [_tool("zappa"), "schedule", plan.stage], {}),
    ]


def _shown(argv: list[str], env: dict) -> str:
    return " ".join([*(f"{k}={shlex.quote(v)}" for k, v in env.items()), *map(shlex.quote, argv)])


def _stack_output(plan: Plan, name: str) -> str | None:
    import boto3

    stack = boto3.client("cloudformation", region_name=plan.region).describe_stacks(StackName=plan.stack)
    return {o["OutputKey"]: o["OutputValue"] for o in stack["Stacks"][0].get("Outputs", [])}.get(name)


def _function_exists(plan: Plan) -> bool:
    import boto3

    try:
        boto3.client("lambda", region_name=plan.region).get_function(FunctionName=plan.function)
    except Exception as exc:  # noqa: BLE001 (ResourceNotFoundException: the first deploy)
        if "ResourceNotFound" in type(exc).__name__ or "ResourceNotFound" in str(exc):
            return False
        raise
    return True


def _run(argv: list[str], env: dict) -> None:
    print("+ " + _shown(argv, env), flush=True)
    subprocess.run(argv, cwd=ROOT, env={**os.environ, **env}, check=True)


def deploy(plan: Plan, dry_run: bool) -> int:
    """Print the plan; unless `dry_run`, run it step by step (stopping at the first failure)."""
    print(f"Deploy of stage {plan.stage}" + (" (DRY_RUN: nothing is touched)" if dry_run else ""))
    print(json.dumps(plan.summary(), indent=2, ensure_ascii=False))
    problems = plan.problems()
    for problem in problems:
        print(f"refused: {problem}", file=sys.stderr)
    steps = deploy_commands(plan)
    for n, (why, argv, env) in enumerate(steps, 1):
        print(f"{n}. {why}\n   {_shown(argv, env)}")
    if problems or dry_run:
        return 2 if problems else 0
    from portal.tools.render_infra import template

    BUILD.mkdir(exist_ok=True)
    (BUILD / f"stack-{plan.stage}.json").write_text(json.dumps(template(), separators=(",", ":")), "utf-8")
    for why, argv, env in steps:
        if argv[:2] == ["make", "publish-static"]:
            bucket = _stack_output(plan, STATIC_BUCKET_OUTPUT)
            if bucket is None:
                print(f"skipped ({why}): the stack has no {STATIC_BUCKET_OUTPUT} output yet")
                continue
            env = {**env, "PORTAL_STATIC_BUCKET": bucket}
        if argv[1:2] == ["update"] and not _function_exists(plan):
            argv = [argv[0], "deploy", *argv[2:]]
        _run(argv, env)
    return 0


def rollback(plan: Plan, dry_run: bool) -> int:
    """Back to the previous version of the function's code (the stack and the data stay as they are)."""
    return _commands([([_tool("zappa"), "rollback", plan.stage, "-n", "1"], {})], dry_run)


def teardown(plan: Plan, dry_run: bool) -> int:
    """Remove the function, its API and schedules, then both stacks; tables, buckets, logs, the SES identity and
    the keys are kept (DeletionPolicy Retain; the SSM parameter is not the stack's)."""
    stacks = [(plan.region, plan.stack), (plan.mail_region, f"{plan.stack}-mail")]
    return _commands([([_tool("zappa"), "undeploy", plan.stage, "--yes"], {}),
                      *[(["aws", "cloudformation", "delete-stack", "--region", r, "--stack-name", s], {})
                        for r, s in stacks]], dry_run)


def _commands(steps: list[tuple[list[str], dict]], dry_run: bool) -> int:
    for argv, env in steps:
        if dry_run:
            print(_shown(argv, env))
        else:
            _run(argv, env)
    return 0


def _ssm(plan: Plan):
    import boto3

    return boto3.client("ssm", region_name=plan.region)


def ensure_keys(plan: Plan, dry_run: bool) -> int:
    """Create the stage's keys parameter (SecureString, random keys) unless it exists; never print a key."""
    name = plan.env["PORTAL_SECRETS_PARAMETER"]
    if dry_run:
        print(f"would create SSM SecureString {name} with random keys unless it exists")
        return 0
    ssm = _ssm(plan)
    try:
        ssm.put_parameter(Name=name, Type="SecureString", Overwrite=False, Description="portal signing keys",
                          Value=json.dumps({"secret_key": secrets.token_urlsafe(48),
                                            "token_key": secrets.token_urlsafe(48)}))
        print(f"created {name}")
    except ssm.exceptions.ParameterAlreadyExists:
        print(f"kept {name} (it exists)")
    return 0


def rotate_keys(plan: Plan, dry_run: bool, finish: bool) -> int:
    """Start a rotation (new keys sign, the current ones become `_previous` and still verify) or, with
    `finish`, drop the previous keys once sessions and tokens signed with them have expired."""
    name = plan.env["PORTAL_SECRETS_PARAMETER"]
    if dry_run:
        print(f"would {'drop the previous keys in' if finish else 'rotate the keys in'} {name}")
        return 0
    ssm = _ssm(plan)
    keys = json.loads(ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])
    if finish:
        keys = {"secret_key": keys["secret_key"], "token_key": keys["token_key"]}
    else:
        keys = {"secret_key": secrets.token_urlsafe(48), "secret_key_previous": keys["secret_key"],
                "token_key": secrets.token_urlsafe(48), "token_key_previous": keys["token_key"]}
    ssm.put_parameter(Name=name, Type="SecureString", Overwrite=True, Value=json.dumps(keys))
    print(f"{'finished the rotation of' if finish else 'rotated'} {name}; new Lambda containers read it "
          f"(`zappa update {plan.stage}` starts them at once)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: `python -m portal.tools.deploy {deploy,rollback,teardown,ensure-keys,rotate-keys} STAGE`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["deploy", "rollback", "teardown", "ensure-keys", "rotate-keys"])
    parser.add_argument("stage")
    parser.add_argument("--dry-run", action="store_true", default=os.environ.get("DRY_RUN") not in (None, "", "0"))
    parser.add_argument("--finish", action="store_true", help="rotate-keys: drop the previous keys")
    args = parser.parse_args(argv)
    plan = Plan(args.stage, stage_settings(args.stage))
    if args.command == "deploy":
        return deploy(plan, args.dry_run)
    if args.command == "rotate-keys":
        return rotate_keys(plan, args.dry_run, args.finish)
    return {"rollback": rollback, "teardown": teardown, "ensure-keys": ensure_keys}[args.command](plan, args.dry_run)


if __name__ == "__main__":
    raise SystemExit(main())
