"""Issue 5 through the Flask client and the API: blacklist pages and API, incidents, reviews, timeline, jobs."""

import re

import time_machine

from portal.adapters.tables import BlacklistEntry, ReviewTask, Standing
from tests.conftest import api_token, bearer, csrf_token, sign_in
from tests.factories import admitted

NO_EVAL = {"no_evaluation_reason": "测试准备：不经评价直接调整"}  # GRD-6: promoted without an evaluation


def test_api_blacklist_terms_scopes_and_lifting(client):
    [customer] = admitted("ortho", 1)
    leader = api_token(client, "ortho.leader@demo.local")
    with time_machine.travel("2027-01-15 03:00:00+00:00", tick=False):
        leader = api_token(client, "ortho.leader@demo.local")
        seven = client.post("/api/v1/blacklist", headers=bearer(leader), json={
            "customer_id": customer, "scope": "ortho", "reason": "违约", "expires_on": "2027-08-15"})
        assert seven.status_code == 422 and "expires_on" in seven.get_json()["error"]["fields"]
        company = client.post("/api/v1/blacklist", headers=bearer(leader), json={
            "customer_id": customer, "scope": "company", "reason": "越权"})
        assert company.status_code == 403
        ok = client.post("/api/v1/blacklist", headers=bearer(leader), json={
            "customer_id": customer, "scope": "ortho", "reason": "多次违约"})
        assert ok.status_code == 201 and ok.get_json()["expires_on"] == "2027-07-15"
        twice = client.post("/api/v1/blacklist", headers=bearer(leader), json={
            "customer_id": customer, "scope": "ortho", "reason": "再次"})
        assert twice.status_code == 409
        rep = api_token(client, "rehab.rep@demo.local")
        assert client.get("/api/v1/blacklist?scope=ortho", headers=bearer(rep)).status_code == 403
        entry_id = ok.get_json()["id"]
        rehab = api_token(client, "rehab.leader@demo.local")
        assert client.post(f"/api/v1/blacklist/{entry_id}/lift", headers=bearer(rehab),
                           json={"reason": "x"}).status_code == 403
        lifted = client.post(f"/api/v1/blacklist/{entry_id}/lift", headers=bearer(leader), json={"reason": "整改"})
        assert lifted.status_code == 200 and lifted.get_json()["ended_how"] == "lifted"


def test_company_blacklist_page_is_readable_by_every_staff_user(app):
    [customer] = admitted("ortho", 1)
    md = app.test_client()
    sign_in(md, "md.admin@demo.local")
    path = f"/staff/customers/{customer}/blacklist"
    token = csrf_token(md, path)
    response = md.post(path, data={"csrf_token": token, "scope": "company", "reason": "欺诈"})
    assert response.status_code == 302
    rep = app.test_client()
    sign_in(rep, "rehab.rep@demo.local")
    page = rep.get("/staff/blacklist").get_data(as_text=True)
    assert "客户000" in page and "欺诈" in page
    assert 'id="list-ortho"' not in page  # another department's own list stays out of sight


def test_blacklist_form_puts_the_term_error_next_to_its_field(app):
    [customer] = admitted("ortho", 1)
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    path = f"/staff/customers/{customer}/blacklist"
    token = csrf_token(leader, path)
    page = leader.post(path, data={"csrf_token": token, "scope": "ortho", "reason": "x",
                                   "expires_on": "2099-01-01"}).get_data(as_text=True)
    assert re.search(r'id="expires_on-error">', page)
    assert Standing.count("ortho", Standing.customer_id == customer) == 1
    assert list(BlacklistEntry.by_customer.query(customer)) == []


def test_incident_on_a_vip_shows_the_due_downgrade_and_the_timeline(app):
    customers = admitted("ortho", 20)
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    token = api_token(app.test_client(), "ortho.leader@demo.local")
    leader.post(f"/api/v1/departments/ortho/customers/{customers[0]}/grade", headers=bearer(token),
                json={"grade": "VIP", **NO_EVAL, "reason": "优秀"})
    path = f"/staff/departments/ortho/customers/{customers[0]}/incidents"
    csrf = csrf_token(leader, path)
    response = leader.post(path, data={"csrf_token": csrf, "kind": "late_payment", "description": "逾期 120 天"},
                           follow_redirects=True)
    assert "须在" in response.get_data(as_text=True)  # the downgrade's deadline (INC-2), said without the rule code
    timeline = leader.get(f"/staff/customers/{customers[0]}/timeline").get_data(as_text=True)
    assert "逾期 120 天" in timeline and "优秀" in timeline


def test_review_pages_submit_and_decide(app):
    customers = admitted("ortho", 20)
    with time_machine.travel("2027-01-01 01:00:00+00:00", tick=False):
        md = app.test_client()
        sign_in(md, "md.admin@demo.local")
        token = csrf_token(md, "/staff/jobs")
        result = md.post("/staff/jobs", data={"csrf_token": token, "job": "open_review_cycle", "now": ""})
        assert '&#34;cycle&#34;: &#34;2027H1&#34;' in result.get_data(as_text=True)
        rep, leader = app.test_client(), app.test_client()
        sign_in(rep, "ortho.rep@demo.local")
        sign_in(leader, "ortho.leader@demo.local")
        path = f"/staff/reviews/2027H1/ortho/{customers[0]}"
        token = csrf_token(rep, path)
        submitted = rep.post(path, data={"csrf_token": token, "version": "1", "contract_performance": "good",
                                         "payment": "on_time", "integrity": "good", "tickets": "0", "score": "93",
                                         "recommended": "PREFERRED"})
        assert submitted.status_code == 302
        token = csrf_token(leader, path)
        decided = leader.post(path, data={"csrf_token": token, "step": "decide", "version": "2",
                                          "grade": "PREFERRED", **NO_EVAL, "reason": "评审通过"})
        assert decided.status_code == 302
        progress = md.get("/staff/reviews?cycle=2027H1").get_data(as_text=True)
    assert Standing.get("ortho", customers[0]).grade == "PREFERRED"
    assert ReviewTask.get("2027H1", f"ortho#{customers[0]}").status == "decided"
    assert re.search(r">骨科产品销售部</a></td>\s*<td>19</td><td>0</td><td>1</td>", progress)


def test_jobs_page_refuses_a_bad_clock_and_is_hidden_in_production(app, aws):
    md = app.test_client()
    sign_in(md, "md.admin@demo.local")
    token = csrf_token(md, "/staff/jobs")
    page = md.post("/staff/jobs", data={"csrf_token": token, "job": "expire_blacklist", "now": "yesterday"})
    assert re.search(r'id="now-error">', page.get_data(as_text=True))
    app.extensions["portal.settings"] = app.extensions["portal.settings"].__class__(
        **{**app.extensions["portal.settings"].__dict__, "env": "production"})
    assert md.get("/staff/jobs").status_code == 404


def test_listed_customer_still_signs_in_and_sees_its_status(app):
    from portal.services import blacklist
    from tests.factories import register
    from tests.integration.test_blacklist import staff

    customer, _ctx = register(email="listed@kangjian.cn")
    blacklist.list_customer(staff("ortho.leader@demo.local"), customer.customer_id, "ortho", "多次违约")
    client = app.test_client()
    assert sign_in(client, "listed@kangjian.cn").status_code == 302
    page = client.get("/customer/").get_data(as_text=True)
    assert 'id="listing-ortho"' in page and "多次违约" in page


def test_BLK_7_lifting_and_expiry_record_who_when_and_why_in_the_audit_and_on_the_timeline(app):
    import json
    from datetime import UTC, date, datetime

    from portal.adapters.tables import AuditEvent
    from portal.services import blacklist
    from portal.services.context import system_ctx
    from tests.conftest import staff_ctx as staff

    lifted_one, expiring_one = admitted("ortho", 2)
    with time_machine.travel("2027-01-15 03:00:00+00:00", tick=False):
        leader = staff("ortho.leader@demo.local")
        lifted = blacklist.list_customer(leader, lifted_one, "ortho", "多次违约")
        expiring = blacklist.list_customer(leader, expiring_one, "ortho", "逾期未提货", date(2027, 3, 1))
    with time_machine.travel("2027-02-01 03:00:00+00:00", tick=False):
        blacklist.lift(staff("ortho.leader@demo.local"), lifted.entry_id, "已整改，情况发生重大变化")
    blacklist.expire_due(system_ctx(datetime(2027, 2, 28, 16, 0, tzinfo=UTC)))  # 00:00 on 1 March in Shanghai

    ended = BlacklistEntry.get(lifted.entry_id)
    assert (ended.ended_how, ended.ended_by, ended.end_reason, ended.ended_at) == (
        "lifted", "ortho.leader@demo.local", "已整改，情况发生重大变化", datetime(2027, 2, 1, 3, 0, tzinfo=UTC))
    expired = BlacklistEntry.get(expiring.entry_id)
    assert (expired.ended_how, expired.ended_by, expired.ended_at) == (
        "expired", "system@scheduled-job", datetime(2027, 2, 28, 16, 0, tzinfo=UTC))
    assert expired.end_reason and "2027-03-01" in expired.end_reason  # why: its term ended that day

    [lifting] = [e for e in AuditEvent.query("2027-02-01") if e.action == "blacklist.lifted"]
    assert (lifting.actor_email, lifting.target_id) == ("ortho.leader@demo.local", lifted_one)
    assert json.loads(lifting.detail)["reason"] == "已整改，情况发生重大变化"
    [expiry] = [e for e in AuditEvent.query("2027-03-01") if e.action == "blacklist.expired"]
    assert (expiry.actor_email, expiry.target_id) == ("system@scheduled-job", expiring_one)
    assert json.loads(expiry.detail)["reason"] == expired.end_reason

    client = app.test_client()
    sign_in(client, "md.admin@demo.local")  # BLK-1: department lists are filed with MD
    page = client.get(f"/staff/customers/{lifted_one}/timeline").get_data(as_text=True)
    lifted_line = re.search(r'<li class="tl-blacklist-lifted">.*?</li>', page, re.S).group(0)
    assert "2027-02-01 11:00" in lifted_line and "已整改，情况发生重大变化" in lifted_line
    assert "李强 (骨科部长)" in lifted_line  # issue 17: people by name, not e-mail
    page = client.get(f"/staff/customers/{expiring_one}/timeline").get_data(as_text=True)
    expired_line = re.search(r'<li class="tl-blacklist-expired">.*?</li>', page, re.S).group(0)
    assert "2027-03-01 00:00" in expired_line and "2027-03-01" in expired_line.split("</span>", 1)[1]
    assert "自动" in expired_line  # issue 17: by the scheduled function, in words


def test_BLK_6_api_reentry_needs_both_approvals(client):
    from portal.services import applications, blacklist
    from tests.conftest import staff_ctx
    from tests.factories import all_required_documents, register
    from tests.integration.test_admission import review_to_admission

    customer, ctx = register()
    all_required_documents(ctx)
    md = staff_ctx("md.admin@demo.local")
    entry = blacklist.list_customer(md, customer.customer_id, "company", "欺诈")
    blacklist.lift(md, entry.entry_id, "已整改")
    app_ = review_to_admission(applications.submit(ctx, "ortho", ["bone-plate"]))
    url = f"/api/v1/applications/{app_.app_id}"
    leader = bearer(api_token(client, "ortho.leader@demo.local"))
    lead = bearer(api_token(client, "leader@demo.local"))
    assert client.post(f"{url}/reentry-approval", headers=leader,
                       json={"reason": "同意", "version": app_.version}).status_code == 403
    assert client.post(f"{url}/reentry-approval", headers=lead, json={"reason": "同意"}).status_code == 422
    dm = client.post(f"{url}/decision", headers=leader,
                     json={"decision": "admit", "reason": "部门同意", "version": app_.version})
    assert dm.status_code == 200 and dm.get_json()["status"] == "submitted"  # one approval of two
    stale = client.post(f"{url}/reentry-approval", headers=lead, json={"reason": "同意", "version": app_.version})
    assert stale.status_code == 409
    done = client.post(f"{url}/reentry-approval", headers=lead,
                       json={"reason": "公司领导同意", "version": dm.get_json()["version"]})
    assert done.status_code == 200 and done.get_json()["status"] == "admitted" and done.get_json()["reentry"]
    assert Standing.get("ortho", customer.customer_id).grade == "QUALIFIED"
