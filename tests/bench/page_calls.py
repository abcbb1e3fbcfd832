"""Benchmark (not a test): DynamoDB calls and items read per page and API read, for every role, with 10 and
1,000 records per list; then the portal's cold import time.

Run with `make bench`; the README's performance section keeps its output. Every GET route a role may open is
requested once with the world of tests/walk.py, then again after 990 more records in each list.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager

ROLES = ["customer", "md.admin", "leader", "ortho.leader", "ortho.clerk", "ortho.rep"]
SKIP = {"static", "auth.set_language", "auth.index", "api.openapi", "staff.document_open", "customer.document_open",
        "api.document_download", "customer.ticket_file_open", "staff.ticket_file_open", "api.ticket_file_download"}


@contextmanager
def dynamodb_cost():
    """Count DynamoDB calls and the items they read (ScannedCount for queries) inside the block."""
    import botocore.client

    seen = {"calls": Counter(), "items": 0}
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        answer = original(self, operation, params)
        if self.meta.service_model.service_name == "dynamodb":
            seen["calls"][operation] += 1
            if operation in ("Query", "Scan"):
                seen["items"] += answer.get("ScannedCount", answer.get("Count", 0))
            elif operation == "GetItem":
                seen["items"] += 1 if "Item" in answer else 0
            elif operation == "BatchGetItem":
                seen["items"] += sum(len(v) for v in answer.get("Responses", {}).values())
        return answer

    botocore.client.BaseClient._make_api_call = counting
    try:
        yield seen
    finally:
        botocore.client.BaseClient._make_api_call = original


def read_routes(app):
    """The GET routes worth measuring (pages and API reads; no file redirects, no OpenAPI document)."""
    return [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint not in SKIP]


def measure(app, ids: dict) -> dict:
    """{(route, role): (calls, items, operations)} for every route each role may open."""
    from tests.conftest import api_token, sign_in
    from tests.walk import CUSTOMER_EMAIL
    from tests.web.test_access_walk import url_for_rule

    results = {}
    for role in ROLES:
        email = CUSTOMER_EMAIL if role == "customer" else f"{role}@demo.local"
        client = app.test_client()
        sign_in(client, email)
        headers = {"Authorization": f"Bearer {api_token(app.test_client(), email)}"}
        for rule in read_routes(app):
            url = url_for_rule(rule, ids)
            with dynamodb_cost() as cost:
                answer = client.get(url, headers=headers if url.startswith("/api/") else {})
            if answer.status_code == 200:
                results[(rule.rule, role)] = (sum(cost["calls"].values()), cost["items"], dict(cost["calls"]))
    return results


def main() -> int:
    """Print calls and items per request at two data sizes, then the portal's cold import time."""

    from tests.conftest import MotoWorld
    from tests.walk import build_world
    from tests.web.test_page_costs import add_records

    world = MotoWorld()
    world.app.config["TESTING"] = True
    ids = build_world()
    add_records(10, ids)
    small = measure(world.app, ids)
    add_records(990, ids)
    large = measure(world.app, ids)
    world.mock.stop()
    print(f"{'request':<58} {'role':<13} {'calls@10':>8} {'calls@1000':>10} {'items@10':>8} {'items@1000':>10}")
    worst = 0
    for key in sorted(large):
        calls, items, _ops = large[key]
        small_calls, small_items, _ = small.get(key, (0, 0, {}))
        worst = max(worst, calls)
        flag = "" if calls <= 6 and calls == small_calls else "  <-- over budget or grows"
        print(f"{key[0]:<58} {key[1]:<13} {small_calls:>8} {calls:>10} {small_items:>8} {items:>10}{flag}")
    print(f"\n{len(large)} requests; most DynamoDB calls on one: {worst} (budget 6)")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import portal.wsgi"], capture_output=True,
                         text=True, env={"PORTAL_ENV": "local", "PATH": ""})
    elapsed = time.perf_counter() - started
    cumulative = next(int(line.split("|")[1]) for line in out.stderr.splitlines()
                      if line.rstrip().endswith("| portal.wsgi"))
    print(f"\ncold `import portal.wsgi` (app built, no AWS call): {cumulative / 1e6:.2f} s import time "
          f"(python -X importtime), {elapsed:.2f} s for the whole interpreter run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
