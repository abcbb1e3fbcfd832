"""Issue 15 item 6 through the Flask client: the two scenarios of the issue (an office behind one address; an
attacker on many addresses) and the current-password check, each from the client addresses they name."""

import re

import time_machine

from tests.conftest import DEMO_PASSWORD, csrf_token, sent_mail

MD = "md.admin@demo.local"


def browser(app, ip: str):
    """A browser at client address `ip`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def sign_in_from(client, email: str, password: str = DEMO_PASSWORD):
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_token(client, "/login")})


def test_SEC_1_the_office_scenario_one_person_s_typos_do_not_lock_a_colleague_out(app):
    office = [browser(app, "198.51.100.7") for _ in range(3)]
    assert sign_in_from(office[0], "ortho.leader@demo.local", "wrong-password-1").status_code == 200
    for _ in range(4):
        assert sign_in_from(office[1], "ortho.clerk@demo.local", "wrong-password-1").status_code == 200
    colleague = sign_in_from(office[2], "rehab.leader@demo.local")
    assert colleague.status_code == 302 and office[2].get("/staff/").status_code == 200


def test_SEC_1_the_attacker_scenario_the_owner_gets_in_with_the_e_mailed_link(app):
    with time_machine.travel("2027-05-10 02:00:00+00:00", tick=False):
        for n in range(25):  # rotating addresses: no pair ever reaches its limit
            answer = sign_in_from(browser(app, f"203.0.113.{n}"), MD, "wrong-password-1")
            assert answer.status_code == 200
        [warning] = sent_mail("多次登录失败")
        assert warning.destinations["ToAddresses"] == [MD]
        owner = browser(app, "192.0.2.10")
        answer = sign_in_from(owner, MD)
        assert answer.status_code == 200 and "请查收邮件" in answer.get_data(as_text=True)
        assert owner.get("/staff/").status_code == 302  # the password alone opened nothing
        attacker = browser(app, "203.0.113.99")
        assert sign_in_from(attacker, MD).status_code == 200  # even with the password: only the mailbox opens it
        links = [re.search(r"https?://[^/\s]+(/login/link/\S+)", m.body).group(1) for m in sent_mail("登录链接")]
        assert len(links) == 2
        stale, fresh = links
        assert owner.get(fresh).status_code == 200  # a mail scanner's visit uses nothing up
        used = owner.post(fresh, data={"csrf_token": csrf_token(owner, fresh)})
        assert used.status_code == 302 and owner.get("/staff/").status_code == 200
        again = browser(app, "192.0.2.11")
        assert again.post(fresh, data={"csrf_token": csrf_token(again, fresh)}).status_code == 404  # once only
        assert again.post(stale, data={"csrf_token": csrf_token(again, stale)}).status_code == 404  # replaced
    with time_machine.travel("2027-05-10 02:20:00+00:00", tick=False):
        late = browser(app, "192.0.2.12")
        sign_in_from(late, MD)
        link = re.search(r"https?://[^/\s]+(/login/link/\S+)", sent_mail("登录链接")[-1].body).group(1)
    with time_machine.travel("2027-05-10 02:36:00+00:00", tick=False):  # 16 minutes later: expired
        assert late.post(link, data={"csrf_token": csrf_token(late, link)}).status_code == 404


def test_SEC_1_the_current_password_check_on_a_password_change_is_throttled_and_audited(app):
    from portal.adapters.clock import utc_now
    from portal.adapters.tables import AuditEvent
    from portal.domain.timeutil import shanghai_day

    with time_machine.travel("2027-05-10 03:00:00+00:00", tick=False):
        client = browser(app, "198.51.100.20")
        sign_in_from(client, "rehab.rep@demo.local")
        answers = []
        for _ in range(6):
            answer = client.post("/account/password", data={
                "current_password": "not-it-at-all", "new_password": "a brand new phrase 2027",
                "confirm": "a brand new phrase 2027", "csrf_token": csrf_token(client, "/account/password")})
            answers.append("当前密码错误" in answer.get_data(as_text=True))
        last = answer.get_data(as_text=True)
        day = shanghai_day(utc_now()).isoformat()
    assert answers == [True] * 5 + [False] and "登录失败次数过多" in last
    outcomes = [e.outcome for e in AuditEvent.query(day) if e.action == "auth.password_change"]
    assert outcomes.count("failed") == 5 and outcomes.count("refused") == 1


def test_SEC_1_guessing_reset_and_sign_in_links_is_throttled_per_address_and_audited(app):
    from portal.adapters.clock import utc_now
    from portal.adapters.tables import AuditEvent
    from portal.domain.timeutil import shanghai_day

    with time_machine.travel("2027-05-10 04:00:00+00:00", tick=False):
        guesser = browser(app, "198.51.100.66")
        answers = [guesser.get(f"/password/reset/x.guess{n}").status_code for n in range(50)]
        answers.append(guesser.get("/password/reset/x.guess50").status_code)
        link = guesser.post("/login/link/x.guess", data={"csrf_token": csrf_token(guesser, "/login")})
        day = shanghai_day(utc_now()).isoformat()
        elsewhere = browser(app, "198.51.100.67").get("/password/reset/x.guess").status_code
    assert answers == [404] * 50 + [429] and link.status_code == 404 and elsewhere == 404
    outcomes = [e.outcome for e in AuditEvent.query(day) if e.action == "auth.reset_link"]
    assert outcomes.count("failed") == 51 and outcomes.count("refused") == 1
