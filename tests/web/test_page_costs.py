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
         "/staff/departments/ortho/prospects"]
API = ["/api/v1/me", "/api/v1/departments", "/api/v1/departments/ortho/staff", "/api/v1/departments/ortho/products",
       "/api/v1/audit", "/api/v1/departments/ortho/customers", "/api/v1/departments/ortho/applications"]


def add_records(n: int) -> None:
    """n more staff, admitted customers, open applications and prospects in `ortho`, and n audit events today."""
    now = utc_now()
    with Standing.batch_write() as batch:
        for i in range(n):
            batch.save(Standing(dept_id="ortho", customer_id=str(uuid.uuid4()), customer_name=f"客户{i}",
                                products={"bone-plate"}, admitted_at=now))
    with Application.batch_write() as batch:
        for i in range(n):
            batch.save(Application(app_id=str(ULID()), customer_id=str(uuid.uuid4()), customer_name=f"申请人{i}",
                                   dept_id="ortho", products={"bone-plate"}, status="submitted", queue_dept="ortho",
                                   submitted_at=now))
    with Prospect.batch_write() as batch:
        for i in range(n):
            batch.save(Prospect(prospect_id=str(ULID()), dept_id="ortho", name=f"潜在客户{i}", email=f"p{i}@x.cn",
                                created_by="seed", created_at=now))
    with User.batch_write() as batch:
        for i in range(n):
            batch.save(User(user_id=str(uuid.uuid4()), email=f"bulk{i:05d}@demo.local", name=f"员工{i}", kind="staff",
                            role="rep", dept_id="ortho", password_hash="x", created_at=now))
    with AuditEvent.batch_write() as batch:
        for i in range(n):
            batch.save(audit.event(Ctx(None, now), "bulk.test", detail={"i": i}))


def calls_per_page(app) -> dict:
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
