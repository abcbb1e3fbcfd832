"""Issue 16 items 2 and 3 through the pages and the API: the bell, the inbox, marking read, preferences."""

import re

from portal.adapters.repos.identity import Users
from portal.services import notifications
from portal.services.context import system_ctx
from tests.conftest import api_token, bearer, csrf_token, sign_in, user_id_of

REP, LEADER = "ortho.rep@demo.local", "ortho.leader@demo.local"


def _notify(email, target="/staff/departments/ortho", kind="application_new", **params):
    from portal.adapters.clock import utc_now

    ctx = system_ctx(utc_now())
    with ctx.uow() as uow:
        [nid] = notifications.notify(uow, ctx, [uow.repo(Users).get(user_id_of(email))], kind, target,
                                     **({"customer": "上海仁济", "dept_zh": "骨科", "dept_en": "Ortho"} | params))
        uow.commit()
    return nid


def _bell(html: str) -> str | None:
    match = re.search(r'class="bell-count">([^<]+)<', html)
    return match.group(1) if match else None


def test_the_bell_counts_unread_on_every_signed_in_page_and_the_inbox_marks_read(client):
    sign_in(client, REP)
    assert _bell(client.get("/staff/").get_data(as_text=True)) is None
    first, second = _notify(REP), _notify(REP, "/staff/departments/ortho/applications")
    for path in ("/staff/", "/staff/departments", "/account/password", "/notifications"):
        assert _bell(client.get(path).get_data(as_text=True)) == "2", path
    page = client.get("/notifications").get_data(as_text=True)
    assert "上海仁济 提交了新的准入申请" in page and page.index(second) < page.index(first)  # newest first
    token = csrf_token(client, "/notifications")
    answer = client.post(f"/notifications/{second}/open", data={"csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/staff/departments/ortho/applications")
    assert _bell(client.get("/staff/").get_data(as_text=True)) == "1"
    client.post("/notifications/read-all", data={"csrf_token": token})
    assert _bell(client.get("/staff/").get_data(as_text=True)) is None
    assert client.post("/notifications/read-all", data={}).status_code == 400  # CSRF on every form


def test_someone_elses_notification_is_a_404_on_the_page_and_the_api(client, app):
    theirs = _notify(LEADER)
    sign_in(client, REP)
    token = csrf_token(client, "/notifications")
    assert client.post(f"/notifications/{theirs}/open", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/notifications/{theirs}/read", data={"csrf_token": token}).status_code == 404
    headers = bearer(api_token(app.test_client(), REP))
    assert client.post(f"/api/v1/notifications/{theirs}/read", headers=headers, json={}).status_code == 404
    assert client.get("/api/v1/notifications", headers=headers).get_json()["items"] == []


def test_the_api_lists_marks_and_sets_preferences(app):
    client = app.test_client()
    headers = bearer(api_token(app.test_client(), REP))
    nid = _notify(REP)
    listing = client.get("/api/v1/notifications", headers={**headers, "Accept-Language": "en"}).get_json()
    assert listing["unread"] == 1 and listing["cursor"] is None
    [item] = listing["items"]
    assert item["id"] == nid and item["read"] is False and item["link"] == "/staff/departments/ortho"
    assert "Ortho" in item["detail"] and "上海仁济" in item["title"]
    assert client.post(f"/api/v1/notifications/{nid}/read", headers=headers, json={}).get_json() == {
        "status": "read"}
    assert client.get("/api/v1/notifications", headers=headers).get_json()["unread"] == 0
    prefs = client.post("/api/v1/notifications/preferences", headers=headers,
                        json={"tickets": "digest", "locale": "en"}).get_json()
    assert prefs["modes"]["tickets"] == "digest" and prefs["modes"]["applications"] == "immediate"
    assert prefs["locale"] == "en" and "security" not in prefs["modes"]
    bad = client.post("/api/v1/notifications/preferences", headers=headers, json={"tickets": "hourly"})
    assert bad.status_code == 422 and "tickets" in bad.get_json()["error"]["fields"]
    assert client.post("/api/v1/notifications/read-all", headers=headers, json={}).status_code == 200


def test_the_preferences_page_saves_and_mail_follows_it(client):
    sign_in(client, REP)
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "每日汇总" in page and 'name="tickets"' in page and 'name="security"' not in page
    token = csrf_token(client, "/notifications/preferences")
    answer = client.post("/notifications/preferences", data={"csrf_token": token, "applications": "off",
                                                            "locale": "en"})
    assert answer.status_code == 302
    saved = client.get("/notifications/preferences").get_data(as_text=True)
    chosen = re.search(r'<select[^>]*name="applications".*?</select>', saved, re.S).group(0)
    assert re.search(r'<option[^>]*\bselected\b[^>]*value="off"|<option[^>]*value="off"[^>]*\bselected', chosen)


def test_a_notification_about_a_record_the_user_may_no_longer_see_stays_readable(client):
    nid = _notify(REP, "/staff/departments/rehab")  # e.g. moved out of the department since
    sign_in(client, REP)
    assert "上海仁济" in client.get("/notifications").get_data(as_text=True)
    token = csrf_token(client, "/notifications")
    target = client.post(f"/notifications/{nid}/open", data={"csrf_token": token}).headers["Location"]
    assert client.get(target).status_code in (403, 404)
    assert "上海仁济" in client.get("/notifications").get_data(as_text=True)


def test_md_sees_mail_given_up_after_five_failures(client, monkeypatch):
    from datetime import timedelta

    from portal.adapters import mail
    from portal.adapters.clock import utc_now
    from portal.adapters.store.expr import StoreUnavailable
    from portal.services import outbox

    _notify(REP)

    def down(*args, **kwargs):
        raise StoreUnavailable("ses: MessageRejected")

    monkeypatch.setattr(mail, "send", down)
    now = utc_now()
    for attempt in range(1, 6):
        outbox.deliver_due(system_ctx(now))
        now += outbox.pause_after(attempt)
    sign_in(client, "md.admin@demo.local")
    page = client.get("/staff/mail/failed").get_data(as_text=True)
    assert REP in page and "MessageRejected" in page and "上海仁济" in page
    sign_in(client, LEADER)
    assert client.get("/staff/mail/failed").status_code == 403
    assert outbox.deliver_due(system_ctx(now + timedelta(days=1))).sent == []
