"""DESIGN rule 10 / ACT-MD: the audit trail records who, when, what, from where, and MD can filter it."""

import re

import time_machine

from portal.adapters.tables import AuditEvent
from tests.conftest import DEMO_PASSWORD, api_token, csrf_token, sign_in, user_id_of


def test_audit_never_holds_a_password(app, client):
    sign_in(client, "ortho.clerk@demo.local", "my-secret-attempt-1")
    sign_in(client, "ortho.clerk@demo.local")
    md = app.test_client()
    sign_in(md, "md.admin@demo.local")
    token = csrf_token(md, "/staff/departments/rehab/staff/new")
    md.post("/staff/departments/rehab/staff/new", data={"csrf_token": token, "email": "a1@demo.local",
                                                        "name": "甲", "role": "rep", "password": "initial secret 99"})
    from portal.adapters.clock import utc_now
    from portal.domain.timeutil import shanghai_day

    text = " ".join(str(e.attribute_values) for e in AuditEvent.query(shanghai_day(utc_now()).isoformat()))
    for secret in ("my-secret-attempt-1", DEMO_PASSWORD, "initial secret 99", "$argon2"):
        assert secret not in text


def test_events_fall_on_the_shanghai_calendar_day(app, client):
    with time_machine.travel("2027-01-01 16:30:00+00:00", tick=False):  # 00:30 on 2 January in Shanghai
        sign_in(client, "ortho.clerk@demo.local")
    events = list(AuditEvent.query("2027-01-02"))
    assert [(e.action, e.actor_email) for e in events] == [("auth.sign_in", "ortho.clerk@demo.local")]
    assert list(AuditEvent.query("2027-01-01")) == []


def test_md_filters_by_who_department_and_action(app, client):
    with time_machine.travel("2027-03-05 02:00:00+00:00", tick=False):
        sign_in(app.test_client(), "ortho.rep@demo.local")
        sign_in(app.test_client(), "rehab.rep@demo.local", "wrong-password-x")
        sign_in(client, "md.admin@demo.local")
        page = client.get("/staff/audit?day=2027-03-05&actor=ortho.rep@demo.local").get_data(as_text=True)
        assert "ortho.rep@demo.local" in page and "rehab.rep@demo.local" not in page
        page = client.get("/staff/audit?day=2027-03-05&dept=ortho").get_data(as_text=True)
        assert "ortho.rep@demo.local" in page and "md.admin@demo.local" not in page
        page = client.get("/staff/audit?day=2027-03-05&action=auth.sign_in").get_data(as_text=True)
        assert "失败" in page and "rehab.rep@demo.local" in page
        page = client.get("/staff/audit?day=2027-03-04").get_data(as_text=True)
        assert "所选条件下没有记录" in page
        api = api_token(app.test_client(), "md.admin@demo.local")
        items = client.get("/api/v1/audit", query_string={"day": "2027-03-05",
                                                          "actor": user_id_of("ortho.rep@demo.local")},
                           headers={"Authorization": f"Bearer {api}"}).get_json()["items"]
        assert {i["action"] for i in items} == {"auth.sign_in"} and items[0]["ip"] == "127.0.0.1"


def test_audit_is_md_only(client):
    sign_in(client, "leader@demo.local")
    assert client.get("/staff/audit").status_code == 403


def test_SEC_2_a_day_outside_the_trail_is_said_next_to_the_day_field(client):
    sign_in(client, "md.admin@demo.local")
    page = client.get("/staff/audit?day=0370-01-19")
    assert page.status_code == 200
    assert re.search(r'id="day-error">请选择 2000-01-01 至 2999-12-31 之间的日期', page.get_data(as_text=True))
