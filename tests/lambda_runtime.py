"""The Lambda package run as Lambda runs it: unzipped, the runtime's Python with only the package and the standard
library (`python -S -s`, no bytecode writes), Zappa's `handler.lambda_handler` fed API Gateway and EventBridge events.

One process serves every event, as a warm container does; events go in on stdin and answers come back on a pipe
of their own (anything the package prints goes to stderr, kept in a file for the failure message).
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

DRIVER = r"""
import json, os, sys
answers = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)  # what the handler prints goes to stderr
from handler import lambda_handler

class Context:
    function_name = "customer-portal-dev"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:ap-east-1:123456789012:function:customer-portal-dev"
    memory_limit_in_mb = 512
    aws_request_id = "test-request"
    log_group_name = "/aws/lambda/customer-portal-dev"
    log_stream_name = "test"
    def get_remaining_time_in_millis(self):
        return 30000

for line in sys.stdin:
    try:
        answer = {"ok": lambda_handler(json.loads(line), Context())}
    except Exception as exc:  # the invocation failed: Lambda would report it
        answer = {"error": repr(exc)}
    answers.write(json.dumps(answer, default=str) + "\n")
    answers.flush()
"""
HOST = "portal.example.test"


class LambdaProcess:
    """The package's handler in a child process; `invoke(event)` returns what Lambda would."""

    def __init__(self, python: str, package: Path, environment: dict[str, str]):
        self.log = tempfile.TemporaryFile(mode="w+")
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
               "LAMBDA_TASK_ROOT": str(package), **environment}
        self.process = subprocess.Popen([python, "-S", "-s", "-c", DRIVER], cwd=package, env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)

    def invoke(self, event: dict) -> dict:
        """One invocation; raises with the process's output when the handler raised."""
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError("the handler's process died:\n" + self.output())
        answer = json.loads(line)
        if "error" in answer:
            raise AssertionError(f"the handler raised {answer['error']}:\n" + self.output()[-4000:])
        return answer["ok"]

    def output(self) -> str:
        """Everything the package printed so far."""
        self.log.seek(0)
        return self.log.read()

    def close(self) -> None:
        """End the child (stdin closed: its loop ends)."""
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()
        self.log.close()


class ApiGatewayClient:
    """A browser (or an API client) behind API Gateway: builds REST API (v1) proxy events, keeps cookies."""

    def __init__(self, handler: LambdaProcess, address: str = "203.0.113.7"):
        self.handler, self.address, self.cookies = handler, address, {}

    def request(self, method: str, path: str, form: dict | None = None, json_body: dict | None = None,
                headers: dict | None = None) -> dict:
        """Send one request; returns {"status", "headers" (lists), "body" (text)}."""
        head = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": self.address,
                "X-Forwarded-Port": "443", "Accept-Language": "zh-CN,zh;q=0.9", **(headers or {})}
        body = None
        if form is not None:
            body = urlencode(form)
            head.update({"Content-Type": "application/x-www-form-urlencoded", "Referer": f"https://{HOST}{path}",
                         "Origin": f"https://{HOST}"})
        elif json_body is not None:
            body, head["Content-Type"] = json.dumps(json_body), "application/json"
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        path_only, _, query = path.partition("?")
        event = {
            "resource": "/{proxy+}", "path": path_only, "httpMethod": method, "headers": head,
            "multiValueHeaders": {k: [v] for k, v in head.items()},
            "queryStringParameters": dict(p.split("=", 1) for p in query.split("&")) if query else None,
            "multiValueQueryStringParameters": None, "pathParameters": {"proxy": path_only.lstrip("/")},
            "stageVariables": None, "body": body, "isBase64Encoded": False,
            "requestContext": {"resourcePath": "/{proxy+}", "httpMethod": method, "path": f"/dev{path_only}",
                               "stage": "dev", "requestId": "req", "identity": {"sourceIp": self.address},
                               "accountId": "123456789012", "apiId": "api"},
        }
        answer = self.handler.invoke(event)
        headers_out = {k.lower(): list(v) for k, v in (answer.get("multiValueHeaders") or {}).items()}
        for k, v in (answer.get("headers") or {}).items():
            headers_out.setdefault(k.lower(), [v])
        for raw in headers_out.get("set-cookie", []):
            cookie = SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        text = answer.get("body") or ""
        if answer.get("isBase64Encoded"):
            text = base64.b64decode(text).decode("utf-8", "replace")
        return {"status": answer["statusCode"], "headers": headers_out, "body": text}


def scheduled_event(function: str, now: str | None = None) -> dict:
    """The EventBridge event Zappa's schedule rule sends for `function` (the rule's name ends with it)."""
    event = {"version": "0", "id": "event", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "123456789012", "time": "2027-01-01T00:05:00Z", "region": "ap-east-1",
             "resources": [f"arn:aws:events:ap-east-1:123456789012:rule/customer-portal-dev-{function}"],
             "detail": {}}
    if now:
        event["now"] = now
    return event
