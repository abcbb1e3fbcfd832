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

BUDGET = 6  # DynamoDB calls per page or API read, authentication included (DESIGN rule 12)
PAGE = 100  # the largest page a list shows: items read may grow by at most this from 10 to 1,000 records
ROLES = ["customer", "md.admin", "leader", "ortho.leader", "ortho.clerk", "ortho.rep"]
SKIP = {"static", "auth.set_language", "auth.index", "api.openapi", "staff.document_open", "customer.document_open",
        "api.document_download", "customer.ticket_file_open", "staff.ticket_file_open", "api.ticket_file_download",
        "staff.export_download"}


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


def measure(app, ids: dict, roles: list[str] = ROLES) -> dict:
    """{(route, role): (calls, items, operations)} for every route each of `roles` may open.

    The clock stands still while one role's reads are measured: a session's "last seen" is written at most once a
    minute (issue 15 item 7), a cost of the session rather than of whichever page comes a minute later
    (tests/web/test_sessions_web.py counts that write)."""
    import time_machine

    from portal.adapters.clock import utc_now
    from tests.conftest import api_token, sign_in
    from tests.walk import CUSTOMER_EMAIL
    from tests.web.test_access_walk import url_for_rule

    results = {}
    for role in roles:
        email = CUSTOMER_EMAIL if role == "customer" else f"{role}@demo.local"
        with time_machine.travel(utc_now(), tick=False):
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


def within_budget(small: tuple, large: tuple) -> bool:
    """≤ BUDGET calls, the same calls at both sizes, and items read growing at most by one page."""
    return large[0] <= BUDGET and large[0] == small[0] and large[1] - small[1] <= PAGE


def report(small: dict, large: dict) -> str:
    """The table of calls and items per request and role, then the worst request of each role."""
    lines = [f"{'request':<62} {'role':<13} {'calls@10':>8} {'calls@1000':>10} {'items@10':>8} {'items@1000':>10}"]
    for key in sorted(large):
        small_cost = small.get(key, (0, 0, {}))
        flag = "" if within_budget(small_cost, large[key]) else "  <-- over budget or grows"
        lines.append(f"{key[0]:<62} {key[1]:<13} {small_cost[0]:>8} {large[key][0]:>10} {small_cost[1]:>8} "
                     f"{large[key][1]:>10}{flag}")
    lines += ["", f"{'worst per role':<16} {'requests':>8} {'most calls':>10}  {'page with most calls':<58} "
                  f"{'most items@1000':>15} {'over budget or growing':>22}"]
    for role in ROLES:
        mine = {k: v for k, v in large.items() if k[1] == role}
        if not mine:
            continue
        worst = max(mine, key=lambda k: (mine[k][0], k[0]))
        over = sum(not within_budget(small.get(k, (0, 0, {})), v) for k, v in mine.items())
        lines.append(f"{role:<16} {len(mine):>8} {mine[worst][0]:>10}  {worst[0]:<58} "
                     f"{max(v[1] for v in mine.values()):>15} {over:>22}")
    worst = max(v[0] for v in large.values())
    over = sum(not within_budget(small.get(k, (0, 0, {})), v) for k, v in large.items())
    lines.append(f"\n{len(large)} requests; most DynamoDB calls on one: {worst} (budget {BUDGET}); "
                 f"over budget or growing: {over}")
    return "\n".join(lines)


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
    print(report(small, large))
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
