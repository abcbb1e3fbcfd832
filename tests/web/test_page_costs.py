"""Cost per page: AWS calls per request do not grow with the number of records (no Scan anywhere)."""

import uuid

from ulid import ULID

from portal.adapters.clock import utc_now
from portal.adapters.tables import Application, AuditEvent, Prospect, Standing, User
from portal.services import audit
from portal.services.context import Ctx
from tests.conftest import api_token, count_aws_calls, sign_in, user_id_of

PAGES = ["/staff/", "/staff/departments", "/staff/departments/ortho", "/staff/audit", "/account/password",
         "/staff/departments/ortho/applications", "/staff/departments/ortho/customers",
         "/staff/departments/ortho/prospects", "/account/security", "/account/security/totp"]
API = ["/api/v1/me", "/api/v1/departments", "/api/v1/departments/ortho/staff", "/api/v1/departments/ortho/products",
       "/api/v1/audit", "/api/v1/departments/ortho/customers", "/api/v1/departments/ortho/applications",
       "/api/v1/account/security"]


def add_records(n: int, ids: dict | None = None) -> None:
    """n more records in every list a page shows: `ortho`'s staff, customers, applications, prospects, review
    tasks, change tasks, blacklist, visits and tickets, today's audit events (changes of the customer: its timeline),
    and (with the walk world's `ids`) its customer's tickets, documents, incidents, grade changes and evaluations."""
    import json
    from datetime import timedelta

    from portal.adapters import tables as t
    from portal.domain.grading import DEFAULT_SCORECARD
    from portal.domain.timeutil import shanghai_day

    now = utc_now()
    customer = (ids or {}).get("customer_id") or str(uuid.uuid4())
    day = (shanghai_day(now) + timedelta(days=3)).isoformat()
    batches = {
        Standing: lambda i: Standing(dept_id="ortho", customer_id=str(uuid.uuid4()), customer_name=f"客户{i}",
                                     grade="QUALIFIED", dept_grade="ortho#QUALIFIED", products={"bone-plate"},
                                     admitted_at=now),
        Application: lambda i: Application(app_id=str(ULID()), customer_id=str(uuid.uuid4()),
                                           customer_name=f"申请人{i}", dept_id="ortho", products={"bone-plate"},
                                           status="submitted", queue_dept="ortho", submitted_at=now),
        Prospect: lambda i: Prospect(prospect_id=str(ULID()), dept_id="ortho", name=f"潜在客户{i}", email=f"p{i}@x.cn",
                                     created_by="seed", created_at=now),
        User: lambda i: User(user_id=str(uuid.uuid4()), email=f"bulk{i:05d}-{ULID()}@demo.local", name=f"员工{i}",
                             kind="staff", role="rep", dept_id="ortho", password_hash="x", created_at=now),
        # today's audit events, each a change of the customer's records: its timeline grows too (issue 17)
        AuditEvent: lambda i: AuditEvent(**audit.event_fields(
            Ctx(None, now), "grade.changed", target_type="customer", target_id=customer, dept_id="ortho",
            detail={"from": "QUALIFIED", "to": "PREFERRED", "reason": f"批量{i}"})),
        t.Ticket: lambda i: _ticket(customer, now, i),
        t.Visit: lambda i: (lambda vid: t.Visit(
            visit_id=vid, dept_id="ortho", customer_id=customer, customer_name="客户", planned_on=day, mode="phone",
            purpose=f"回访{i}", assignee_id="x", assignee_email="x@demo.local", created_by="x", created_at=now,
            planned_dept="ortho", planned_key=f"{day}#{vid}"))(str(ULID())),
        t.Incident: lambda i: t.Incident(customer_id=customer, incident_id=str(ULID()), dept_id="ortho",
                                         kind="late_payment", description=f"逾期{i}", recorded_by="x", at=now),
        t.GradeChange: lambda i: t.GradeChange(customer_id=customer, change_id=str(ULID()), dept_id="ortho",
                                               kind="proposal", status="declined", from_grade="QUALIFIED",
                                               to_grade="PREFERRED", reason=f"提议{i}", by="x", at=now),
        t.Evaluation: lambda i: t.Evaluation(eval_id=str(ULID()), standing_key=f"ortho#{customer}", dept_id="ortho",
                                             customer_id=customer, card_scope="company", card_id="default",
                                             card_version=1, card_definition=json.dumps(DEFAULT_SCORECARD), inputs="{}",
                                             points=json.dumps({}), total=50, proposed="QUALIFIED", by="x", at=now),
        t.Document: lambda i: t.Document(doc_id=str(ULID()), customer_id=customer, type_id="business-licence",
                                         status="superseded", original_name=f"旧{i}.pdf",
                                         content_type="application/pdf",
                                         s3_key=f"documents/{customer}/{i}.pdf", issue_date="2024-01-01",
                                         uploaded_by="x", created_at=now),
        t.BlacklistEntry: lambda i: t.BlacklistEntry(entry_id=str(ULID()), customer_id=str(uuid.uuid4()), scope="ortho",
                                                     customer_name=f"旧名单{i}", active=False, reason="x",
                                                     listed_by="x", listed_at=now, ended_how="lifted"),
        t.ReviewTask: lambda i: (lambda c: t.ReviewTask(
            cycle_id="2027H1", task_key=f"ortho#{c}", cycle_dept="2027H1#ortho", dept_id="ortho", customer_id=c,
            customer_name=f"客户{i}", grade_at_open="QUALIFIED", due_on="2027-01-31", open_bucket="open",
            due_key=f"2027-01-31#2027H1#ortho#{c}"))(str(uuid.uuid4())),
        t.ChangeTask: lambda i: t.ChangeTask(dept_id="ortho", task_id=str(ULID()), customer_id=str(uuid.uuid4()),
                                             customer_name=f"客户{i}", kind="change", changes="{}", reported_by="x",
                                             at=now, status="done"),
    }
    for model, make in batches.items():
        with model.batch_write() as batch:
            for i in range(n):
                batch.save(make(i))


def _ticket(customer: str, now, i: int):
    from portal.adapters.tables import Ticket
    from portal.domain.tickets import queue_key
    from portal.domain.timeutil import to_iso

    ticket_id = str(ULID())
    return Ticket(ticket_id=ticket_id, customer_id=customer, customer_name="客户", dept_id="ortho", kind="service",
                  channel="portal", subject=f"工单{i}", description="内容", status="submitted", created_by="x",
                  created_at=now, first_response_due=now, resolution_due=now, queue_dept="ortho",
                  queue_key=queue_key(3, now, ticket_id), due_bucket="due",
                  due_key=f"{to_iso(now)}#first_response#{ticket_id}")


def calls_per_page(app) -> dict:
    """Calls per page and API read, on a clock that stands still (the once-a-minute "last seen" write is the
    session's cost, counted in tests/web/test_sessions_web.py)."""
    import time_machine

    with time_machine.travel(utc_now(), tick=False):
        return _calls_per_page(app)


def _calls_per_page(app) -> dict:
    client = app.test_client()
    sign_in(client, "md.admin@demo.local")
    token = api_token(app.test_client(), "md.admin@demo.local")
    counts = {}
    for path in PAGES + [f"/staff/users/{user_id_of('ortho.rep@demo.local')}"]:
        with count_aws_calls() as calls:
            assert client.get(path).status_code == 200, path
        counts[path.split("/users/")[0] + ("/users/<id>" if "/users/" in path else "")] = dict(calls)
    for path in API:
        with count_aws_calls() as calls:
            assert client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200, path
        counts[path] = dict(calls)
    return counts


def test_page_calls_are_the_same_with_10_and_with_1000_records(app):
    add_records(10)
    small = calls_per_page(app)
    add_records(990)
    large = calls_per_page(app)
    assert small == large
    for path, calls in large.items():
        assert not any(op.endswith(".Scan") for op in calls), path
        assert sum(calls.values()) <= 7, (path, calls)


def test_no_scan_in_application_code():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [str(p) for d in ("portal", "functions") for p in (root / d).rglob("*.py")
                 if ".scan(" in p.read_text(encoding="utf-8")]
    assert offenders == []


# Reads whose items still grow with the table; this list may only shrink. It is empty: the last one, the customers
# CSV, became a job (issue 12 item 4: functions.write_exports reads the standings a page at a time).
KNOWN_GROWING: list[str] = []


TESTED_ROLES = ["customer", "md.admin", "ortho.leader", "ortho.rep"]


def test_every_read_of_every_role_is_within_budget_at_10_and_210_records(app):
    """DESIGN rule 12 for every GET route the bench covers and every role: ≤ 6 DynamoDB calls (sign-in
    included), the same calls at 10 and at 210 records per list, items read growing by at most one page (100).

    210, not 1,000: 200 more records than a page already shows any read that grows with its list, and moto walks
    every item of a partition on each query, so 1,000 records cost this test 5 times as long; `make bench` (the
    same measure) runs at 1,000 and for company leadership and a clerk too, whose pages are MD's and a rep's.
    """
    from tests.bench.page_calls import BUDGET, PAGE, measure
    from tests.walk import build_world

    ids = build_world()
    add_records(10, ids)
    small = measure(app, ids, TESTED_ROLES)
    add_records(200, ids)
    large = measure(app, ids, TESTED_ROLES)
    assert set(small) == set(large) and {role for _route, role in large} == set(TESTED_ROLES) and len(large) > 180
    over = {key: (small[key][0], large[key][0]) for key in large
            if large[key][0] > BUDGET or large[key][0] != small[key][0]}
    assert over == {}
    growing = sorted({route for (route, role), cost in large.items() if cost[1] - small[(route, role)][1] > PAGE})
    assert growing == KNOWN_GROWING
