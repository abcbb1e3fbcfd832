"""Issue 15 item 7 through the Flask client: /account/security lists one's sessions (device in plain words,
address, last seen in Beijing time), signs one out or all; the idle timeout (staff 30 minutes, customers 2
hours) besides the absolute lifetime; "last seen" written at most once a minute; API tokens alike."""

import re

import time_machine

from tests.conftest import DEMO_PASSWORD, bearer, count_aws_calls, csrf_token, make_customer_user

REP = "rehab.rep@demo.local"
WINDOWS_CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Safari/537.36")
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/18.1 Mobile/15E148 Safari/604.1")


def browser(app, ip: str, agent: str):
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": agent})
    return client


def sign_in_as(client, email: str = REP, password: str = DEMO_PASSWORD):
    answer = client.post("/login", data={"email": email, "password": password,
                                         "csrf_token": csrf_token(client, "/login")})
    assert answer.status_code == 302
    return client


def at(moment: str):
    return time_machine.travel(f"2027-06-01 {moment}+00:00", tick=False)


def test_the_security_page_lists_sessions_in_plain_words_and_beijing_time(app):
    with at("02:00:00"):
        laptop = sign_in_as(browser(app, "198.51.100.1", WINDOWS_CHROME))
    with at("02:05:00"):
        sign_in_as(browser(app, "198.51.100.2", IPHONE_SAFARI))
        page = laptop.get("/account/security").get_data(as_text=True)
    assert "Chrome · Windows" in page and "Safari · iPhone" in page
    assert "198.51.100.1" in page and "198.51.100.2" in page
    assert "2027-06-01 10:05" in page  # 02:05 UTC is 10:05 in Beijing
    assert page.index("Chrome · Windows") < page.index("当前设备") < page.index("Safari · iPhone")
    assert WINDOWS_CHROME not in page  # the raw User-Agent is not shown


def test_signing_one_session_out_and_everywhere(app):
    with at("03:00:00"):
        laptop = sign_in_as(browser(app, "198.51.100.1", WINDOWS_CHROME))
        phone = sign_in_as(browser(app, "198.51.100.2", IPHONE_SAFARI))
        tablet = sign_in_as(browser(app, "198.51.100.3", IPHONE_SAFARI))
        token = laptop.post("/api/v1/tokens", json={"email": REP, "password": DEMO_PASSWORD}).get_json()["token"]
        page = laptop.get("/account/security").get_data(as_text=True)
        handles = re.findall(r'action="/account/security/sessions/([0-9a-f]{16})/end"', page)
        assert len(handles) == 3  # the phone, the tablet and the API token; not this browser
        phone_row = page[page.index("198.51.100.2"):]
        handle = re.search(r"sessions/([0-9a-f]{16})/end", phone_row).group(1)
        ended = laptop.post(f"/account/security/sessions/{handle}/end",
                            data={"csrf_token": csrf_token(laptop, "/account/security")})
        assert ended.status_code == 302
        assert phone.get("/staff/").status_code == 302 and tablet.get("/staff/").status_code == 200
        forged = laptop.post("/account/security/sessions/0123456789abcdef/end",
                             data={"csrf_token": csrf_token(laptop, "/account/security")})
        assert forged.status_code == 404
        everywhere = laptop.post("/account/security/sign-out-everywhere",
                                 data={"csrf_token": csrf_token(laptop, "/account/security")})
        assert everywhere.status_code == 302 and everywhere.headers["Location"] == "/login"
        assert laptop.get("/staff/").status_code == 302 and tablet.get("/staff/").status_code == 302
        assert laptop.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_another_user_s_session_cannot_be_signed_out(app):
    with at("03:30:00"):
        victim = sign_in_as(browser(app, "198.51.100.1", WINDOWS_CHROME), "ortho.clerk@demo.local")
        own = victim.get("/account/security").get_data(as_text=True)
        mine = sign_in_as(browser(app, "198.51.100.2", WINDOWS_CHROME))
        token = mine.post("/api/v1/tokens", json={"email": REP, "password": DEMO_PASSWORD}).get_json()["token"]
        listed = mine.get("/api/v1/account/security", headers=bearer(token)).get_json()["sessions"]
        assert [s["current"] for s in listed].count(True) == 1 and listed[0]["current"] and listed[0]["kind"] == "api"
        assert re.search(r"sessions/([0-9a-f]{16})/end", own) is None  # only the victim's own browser: no button
        from portal.adapters.tables import Session
        from tests.conftest import user_id_of

        [victim_session] = Session.by_user.query(user_id_of("ortho.clerk@demo.local"))
        handle = victim_session.sid_hash[:16]
        assert mine.delete(f"/api/v1/account/sessions/{handle}", headers=bearer(token)).status_code == 404
        assert victim.get("/staff/").status_code == 200


def test_a_staff_session_ends_after_30_idle_minutes_and_a_customer_s_after_2_hours(app):
    make_customer_user()
    with at("04:00:00"):
        staff = sign_in_as(browser(app, "198.51.100.1", WINDOWS_CHROME))
        customer = sign_in_as(browser(app, "198.51.100.2", WINDOWS_CHROME), "buyer@customer.cn")
    with at("04:29:00"):  # used within the limit: it lives on, and its "last seen" moves
        assert staff.get("/staff/").status_code == 200
    with at("04:58:00"):
        assert staff.get("/staff/").status_code == 200
        assert customer.get("/account/security").status_code == 200  # 58 idle minutes: fine for a customer
    with at("05:28:01"):  # 30 minutes after the last use
        assert staff.get("/staff/").status_code == 302
    with at("06:57:00"):
        assert customer.get("/account/security").status_code == 200
    with at("08:57:00"):
        assert customer.get("/account/security").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(app):
    with at("05:00:00"):
        client = sign_in_as(browser(app, "198.51.100.1", WINDOWS_CHROME))
    writes = []
    for moment in ("05:00:20", "05:00:40", "05:00:59", "05:01:00", "05:01:30", "05:02:05"):
        with at(moment), count_aws_calls() as calls:
            assert client.get("/staff/").status_code == 200
        writes.append(calls["dynamodb.UpdateItem"])
    assert writes == [0, 0, 0, 1, 0, 1]
