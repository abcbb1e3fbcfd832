"""Visits through the Flask client and the API (RGT-2, REL-2, SEC-1)."""

import re
from datetime import timedelta

import time_machine

from portal.adapters.clock import utc_now
from portal.domain.timeutil import shanghai_day
from tests.conftest import api_token, bearer, csrf_token, sign_in, user_id_of
from tests.factories import register
from tests.web.test_tickets_web import standing


def test_issue_17_plan_page_lists_by_day_with_grade_badges_and_records_a_visit_on_its_day(app):
    plain, _ = register(email="v1@kangjian.cn", name="宁波康泰医疗器械有限公司")
    standing(plain)
    vip, _ = register(email="v2@kangjian.cn", name="上海瑞金骨科医院")
    standing(vip, grade="VIP")
    rep = app.test_client()
    sign_in(rep, "ortho.rep@demo.local")
    tomorrow = (shanghai_day(utc_now()) + timedelta(days=1)).isoformat()
    later = (shanghai_day(utc_now()) + timedelta(days=30)).isoformat()
    for customer, day in ((plain, tomorrow), (vip, later)):
        path = f"/staff/departments/ortho/customers/{customer.customer_id}/visits/new"
        page = rep.get(path).get_data(as_text=True)
        rep_id = user_id_of("ortho.rep@demo.local")
        assert f'<option selected value="{rep_id}">' in page  # the planner is the default assignee
        assert "ortho.rep@demo.local" not in page  # shown by name and role (issue 17), not by address
        saved = rep.post(path, data={"csrf_token": csrf_token(rep, path), "planned_on": day, "mode": "on_site",
                                     "purpose": "季度回访", "assignee_id": user_id_of("ortho.rep@demo.local")})
        assert saved.status_code == 302
    page = rep.get("/staff/departments/ortho/visits").get_data(as_text=True)
    rows = re.findall(r'href="/staff/visits/([^"]+)">([^<]+)</a>', page)
    assert [name for _id, name in rows] == ["宁波康泰医疗器械有限公司", "上海瑞金骨科医院"]  # by day
    badges = re.findall(r'<span class="grade grade-(\w+)">([^<]+)</span>', page)
    assert badges == [("qualified", "合格"), ("vip", "VIP")]  # the grade in words, not its code

    # bad input is told next to its field; nothing is planned
    path = f"/staff/departments/ortho/customers/{plain.customer_id}/visits/new"
    bad = rep.post(path, data={"csrf_token": csrf_token(rep, path), "planned_on": "2020-01-01", "mode": "on_site",
                               "purpose": "x", "assignee_id": "forged"}).get_data(as_text=True)
    assert re.search(r'id="planned_on-error"', bad) and re.search(r'id="assignee_id-error"', bad)
    assert len(re.findall(r'href="/staff/visits/', rep.get("/staff/departments/ortho/visits").get_data(
        as_text=True))) == 2

    visit_path = f"/staff/visits/{rows[0][0]}"  # tomorrow's
    before = rep.get(visit_path).get_data(as_text=True)
    assert 'value="done"' not in before and 'id="made-from"' in before  # not offered before its day
    token = csrf_token(rep, visit_path)
    early = rep.post(visit_path, data={"csrf_token": token, "outcome": "done", "notes": "提前记录", "version": "1"})
    assert early.status_code == 200
    assert re.search(r'id="outcome-error"[^>]*>[^<]*计划日', early.get_data(as_text=True))  # next to the field
    assert 'id="visit-status">已计划' in rep.get(visit_path).get_data(as_text=True)  # nothing changed
    with time_machine.travel(utc_now() + timedelta(days=1), tick=False):  # its day has come
        sign_in(rep, "ortho.rep@demo.local")
        plan_page = rep.get("/staff/departments/ortho/visits").get_data(as_text=True)
        assert plan_page.count('class="badge wait">今天') == 1
        assert 'value="done"' in rep.get(visit_path).get_data(as_text=True)
        token = csrf_token(rep, visit_path)
        empty = rep.post(visit_path, data={"csrf_token": token, "outcome": "done", "notes": "", "version": "1"})
        assert re.search(r'id="notes-error"', empty.get_data(as_text=True))
        done = rep.post(visit_path, data={"csrf_token": token, "outcome": "done", "notes": "院方计划扩大采购",
                                          "version": "1"})
        assert done.status_code == 302
    sign_in(rep, "ortho.rep@demo.local")  # back to now: the session begun tomorrow is not one today
    token = csrf_token(rep, visit_path)
    assert "院方计划扩大采购" in rep.get(visit_path).get_data(as_text=True)
    stale = rep.post(visit_path, data={"csrf_token": token, "outcome": "cancelled", "notes": "重复提交",
                                       "version": "1"})
    assert "重复提交" not in stale.get_data(as_text=True)
    assert re.search(r'role="alert">该拜访已被他人记录', stale.get_data(as_text=True)), "the stale form is told"
    assert 'id="visit-status">已完成' in rep.get(visit_path).get_data(as_text=True)
    archive = rep.get(f"/staff/customers/{plain.customer_id}").get_data(as_text=True)
    assert 'id="customer-visits"' in archive and "季度回访" in archive
    assert re.search(f'id="last-visit">{tomorrow}<', rep.get(
        f"/staff/departments/ortho/customers/{plain.customer_id}").get_data(as_text=True))

    other = app.test_client()
    sign_in(other, "rehab.rep@demo.local")
    assert other.get(visit_path).status_code == 403
    assert other.get("/staff/departments/ortho/visits").status_code == 403


def test_visits_api(app):
    customer, _ = register(email="v3@kangjian.cn")
    standing(customer, grade="PREFERRED")
    client = app.test_client()
    clerk = bearer(api_token(client, "ortho.clerk@demo.local"))
    day = (shanghai_day(utc_now()) + timedelta(days=2)).isoformat()
    created = client.post("/api/v1/departments/ortho/visits", headers=clerk, json={
        "customer_id": customer.customer_id, "planned_on": day, "mode": "phone", "purpose": "电话回访",
        "assignee_id": user_id_of("ortho.clerk@demo.local")})
    assert created.status_code == 201
    visit = created.get_json()
    listed = client.get("/api/v1/departments/ortho/visits", headers=clerk).get_json()["items"]
    assert [(v["id"], v["grade"]) for v in listed] == [(visit["id"], "PREFERRED")]
    wrong = client.post("/api/v1/departments/ortho/visits", headers=clerk, json={
        "customer_id": customer.customer_id, "planned_on": day, "mode": "fax", "purpose": "x",
        "assignee_id": user_id_of("ortho.clerk@demo.local")})
    assert wrong.status_code == 422 and "mode" in wrong.get_json()["error"]["fields"]
    assert listed[0]["overdue"] is False
    early = client.post(f"/api/v1/visits/{visit['id']}/outcome", headers=clerk,
                        json={"outcome": "done", "notes": "提前", "version": visit["version"]})
    assert early.status_code == 422 and list(early.get_json()["error"]["fields"]) == ["outcome"]
    rehab = bearer(api_token(client, "rehab.leader@demo.local"))
    assert client.post(f"/api/v1/visits/{visit['id']}/outcome", headers=rehab,
                       json={"outcome": "done", "notes": "越权"}).status_code == 403
    recorded = client.post(f"/api/v1/visits/{visit['id']}/outcome", headers=clerk,
                           json={"outcome": "cancelled", "notes": "客户出差", "version": visit["version"]})
    assert recorded.status_code == 200 and recorded.get_json()["status"] == "cancelled"
    assert client.get("/api/v1/departments/ortho/visits", headers=clerk).get_json()["items"] == []
