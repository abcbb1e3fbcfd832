"""The identity and organisation repositories mean the same on both stores: their keys, indexes, pages and
conditions (the tags a failed commit names), checked on the in-memory store and on DynamoDB (moto)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.identity import AuditTrail, Sessions, Throttles, Users
from portal.adapters.repos.org import Departments, Products, Prospects
from portal.adapters.uow import UnitOfWork, WriteConflict
from tests.contract import test_store

store = test_store.store  # the fixture: each test runs on the in-memory store and on DynamoDB (moto)

T0 = datetime(2027, 3, 5, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
WINDOW = timedelta(minutes=15)


def commit(store, stage) -> None:
    """Stage with `stage(uow)` and commit."""
    uow = UnitOfWork(store)
    stage(uow)
    uow.commit()


def refused(store, stage) -> set[str]:
    """The tags of the conditions that refused the commit."""
    with pytest.raises(WriteConflict) as exc:
        commit(store, stage)
    return exc.value.tags


def test_throttle_windows_count_open_replace_closed_and_lock(store):
    def count(at):
        return lambda uow: uow.repo(Throttles).count("client#1", since=at - WINDOW, expires=at + 2 * WINDOW)

    def open_(at):
        return lambda uow: uow.repo(Throttles).start_window("client#1", now=at, expires=at + 2 * WINDOW,
                                                            since=at - WINDOW)

    assert refused(store, count(T0)) == {"window"}  # no window yet
    commit(store, open_(T0))
    commit(store, count(T0 + timedelta(minutes=14)))
    assert refused(store, open_(T0 + timedelta(minutes=14))) == {"window"}  # one is open: count in it
    commit(store, lambda uow: uow.repo(Throttles).lock("client#1", T0 + WINDOW))
    throttles = UnitOfWork(store).repo(Throttles)
    assert throttles.failures("client#1") == 2 and throttles.failures("client#2") == 0
    assert throttles.locked_until(["client#2", "client#1"], T0 + timedelta(minutes=14)) == T0 + WINDOW
    assert throttles.locked_until(["client#2", "client#1"], T0 + WINDOW) is None
    record = throttles.get("client#1")
    assert (record.locked_until, record.expires_at) == (T0 + WINDOW, T0 + timedelta(minutes=44))
    assert refused(store, count(T0 + WINDOW)) == {"window"}  # closed after 15 minutes
    commit(store, open_(T0 + WINDOW))
    record = throttles.get("client#1")
    assert (record.failures, record.window_start, record.locked_until) == (1, T0 + WINDOW, None)


def test_accounts_claim_their_email_and_list_by_department(store):
    def user(n, email, dept="qa"):
        return records.User(user_id=f"u{n}", email=email, name=f"n{n}", kind="staff", role="rep", dept_id=dept,
                            password_hash="h", created_at=T0)

    for n, email in enumerate(["c@x.cn", "a@x.cn", "b@x.cn"]):
        commit(store, lambda uow, n=n, email=email: uow.repo(Users).create(user(n, email)))
    commit(store, lambda uow: uow.repo(Users).create(user(9, "z@x.cn", "qa-2")))
    assert refused(store, lambda uow: uow.repo(Users).create(user(7, "a@x.cn"))) == {"email"}
    users = UnitOfWork(store).repo(Users)
    assert users.with_email("a@x.cn").user_id == "u1" and users.with_email("q@x.cn") is None
    assert users.email_taken("b@x.cn") and not users.email_taken("q@x.cn") and users.get("u7") is None
    first, last = users.in_department("qa", limit=2)
    rest, _ = users.in_department("qa", after=last)
    assert [u.email for u in first + rest] == ["a@x.cn", "b@x.cn", "c@x.cn"] and last == "b@x.cn"
    assert [u.version for u in users.of_department("qa")] == [1, 1, 1]
    assert users.find("x" * 2000) is None


def test_a_reset_link_replaces_the_last_and_sets_the_password_once(store):
    commit(store, lambda uow: uow.repo(Users).create(records.User(
        user_id="u1", email="a@x.cn", name="n", kind="staff", role="rep", dept_id="qa", password_hash="old",
        created_at=T0, must_change_password=True)))
    assert refused(store, lambda uow: uow.repo(Users).open_reset("nobody", "h0", T0)) == {"user"}
    commit(store, lambda uow: uow.repo(Users).open_reset("u1", "h1", T0 + timedelta(minutes=30)))
    commit(store, lambda uow: uow.repo(Users).open_reset("u1", "h2", T0 + timedelta(minutes=31)))
    assert refused(store, lambda uow: uow.repo(Users).finish_reset("u1", "h1", "new", T0)) == {"reset"}
    commit(store, lambda uow: uow.repo(Users).finish_reset("u1", "h2", "new", T0))
    user = UnitOfWork(store).repo(Users).get("u1")
    assert (user.password_hash, user.reset_hash, user.reset_expires, user.tokens_after, user.version) == (
        "new", None, None, T0, 2)
    assert not user.must_change_password
    assert refused(store, lambda uow: uow.repo(Users).finish_reset("u1", "h2", "again", T0)) == {"reset"}


def test_verification_links_open_once_and_a_new_address_is_claimed_then(store):
    """Issue 15 item 2: a link replaces the last; finishing it once verifies (a new address claimed, the old one
    released, tag "email" when taken meanwhile); customers' people are listed by company."""
    def customer_user(n, email, **extra):
        return records.User(user_id=f"c{n}", email=email, name=f"n{n}", kind="customer", customer_id="cust-1",
                            password_hash="h", created_at=T0, **extra)

    commit(store, lambda uow: uow.repo(Users).create(customer_user(1, "old@x.cn", email_verified=False)))
    commit(store, lambda uow: uow.repo(Users).create(customer_user(2, "taken@x.cn")))
    users = UnitOfWork(store).repo(Users)
    assert users.get("c2").email_verified is True  # the attribute's default: verified
    commit(store, lambda uow: uow.repo(Users).open_verification("c1", "old@x.cn", "h1", T0))
    commit(store, lambda uow: uow.repo(Users).open_verification("c1", "new@x.cn", "h2", T0))
    user = users.get("c1")
    assert refused(store, lambda uow: uow.repo(Users).finish_verification(user, "h1")) == {"link"}
    commit(store, lambda uow: uow.repo(Users).open_verification("c1", "taken@x.cn", "h3", T0))
    user = users.get("c1")
    assert "email" in refused(store, lambda uow: uow.repo(Users).finish_verification(user, "h3"))
    commit(store, lambda uow: uow.repo(Users).open_verification("c1", "new@x.cn", "h4", T0))
    user = users.get("c1")
    commit(store, lambda uow: uow.repo(Users).finish_verification(user, "h4"))
    done = users.get("c1")
    assert (done.email, done.email_verified, done.verify_hash, done.verify_email) == ("new@x.cn", True, None, None)
    assert users.with_email("new@x.cn").user_id == "c1" and users.with_email("old@x.cn") is None
    assert [u.user_id for u in users.of_customer("cust-1")] == ["c1", "c2"] and users.of_customer("cust-2") == []


def test_an_invitation_is_accepted_once_and_claims_its_address(store):
    invited = records.User(user_id="i1", email="new@x.cn", name="new@x.cn", kind="customer", customer_id="cust-1",
                           password_hash="!", active=False, created_at=T0, invite_hash="h1")
    commit(store, lambda uow: uow.repo(Users).invite(invited))
    users = UnitOfWork(store).repo(Users)
    assert users.with_email("new@x.cn") is None  # an invitation claims nothing until accepted
    person = users.get("i1")
    assert refused(store, lambda uow: uow.repo(Users).accept_invitation(person, "h0", "李四", "pw", T0)) == {
        "invitation"}
    commit(store, lambda uow: uow.repo(Users).accept_invitation(person, "h1", "李四", "pw", T0))
    joined = users.with_email("new@x.cn")
    assert (joined.user_id, joined.active, joined.email_verified, joined.invite_hash, joined.name) == (
        "i1", True, True, None, "李四")
    assert "invitation" in refused(store, lambda uow: uow.repo(Users).accept_invitation(person, "h1", "x", "pw", T0))


def test_sessions_start_and_end_by_user(store):
    for n in range(3):
        commit(store, lambda uow, n=n: uow.repo(Sessions).start(records.Session(
            sid_hash=f"h{n}", user_id="u1" if n < 2 else "u2", created_at=T0, expires_at=T0 + WINDOW)))
    sessions = UnitOfWork(store).repo(Sessions)
    assert sorted(s.sid_hash for s in sessions.of_user("u1")) == ["h0", "h1"]
    assert sessions.get("h0").expires_at == T0 + WINDOW
    commit(store, lambda uow: [uow.repo(Sessions).end(h) for h in ("h0", "h1", "never")])
    assert sessions.of_user("u1") == [] and sessions.get("h2").user_id == "u2"


def test_the_audit_trail_pages_a_shanghai_day_newest_first_on_the_table_and_its_indexes(store):
    def event(minutes, action, actor="u1", dept="ortho"):
        at = T0 + timedelta(minutes=minutes)
        return records.AuditEvent(day=date(2027, 3, 5 + (minutes >= 720)).isoformat(),
                                  event_id=str(ULID.from_datetime(at)), at=at, actor_key=actor, dept_id=dept,
                                  action=action)

    events = [event(m, a) for m, a in [(-721, "x.before"), (0, "a.one"), (1, "b.two"), (2, "a.three"),
                                       (3, "a.four"), (720, "x.after")]]
    commit(store, lambda uow: [uow.repo(AuditTrail).append(e) for e in events])
    assert refused(store, lambda uow: uow.repo(AuditTrail).append(events[1])) == {"audit"}
    trail, day = UnitOfWork(store).repo(AuditTrail), date(2027, 3, 5)
    for where in ({}, {"actor_key": "u1"}, {"dept_id": "ortho"}):
        first, last = trail.of_day(day, limit=2, **where)
        rest, _ = trail.of_day(day, before=last, **where)
        assert [e.action for e in first + rest] == ["a.four", "a.three", "b.two", "a.one"], where
        assert last == first[-1].event_id
    assert [e.action for e in trail.of_day(day, action="a.")[0]] == ["a.four", "a.three", "a.one"]
    assert trail.of_day(day, before=events[0].event_id) == ([], None)  # an event of the day before
    assert [e.action for e in trail.of_day(day, before="not-an-event-id")[0]] == [  # sorts after every ULID
        "a.four", "a.three", "b.two", "a.one"]


def test_departments_products_and_prospects_refuse_what_would_overwrite(store):
    commit(store, lambda uow: uow.repo(Departments).create(records.Department(
        dept_id="spine", name_zh="脊柱", name_en="Spine", kind="sales", created_at=T0)))
    assert refused(store, lambda uow: uow.repo(Departments).create(records.Department(
        dept_id="spine", name_zh="重复", name_en="Dup", kind="sales", created_at=T0))) == {"department"}
    product = records.Product(dept_id="spine", product_id="rod", name_zh="棒", name_en="Rod", created_at=T0)
    commit(store, lambda uow: uow.repo(Products).create(product))
    assert refused(store, lambda uow: uow.repo(Products).create(product)) == {"product"}
    prospect = records.Prospect(prospect_id="p1", dept_id="spine", name="x", email="x@x.cn", created_by="u1",
                                created_at=T0)
    commit(store, lambda uow: uow.repo(Prospects).record(prospect))
    commit(store, lambda uow: uow.repo(Prospects).invite(prospect, "hash-1", T0))
    commit(store, lambda uow: uow.repo(Prospects).registered(prospect, "cust-1"))
    assert refused(store, lambda uow: uow.repo(Prospects).invite(prospect, "hash-2", T0)) == {"registered"}
    assert refused(store, lambda uow: uow.repo(Prospects).registered(prospect, "cust-2")) == {"invitation"}
    ghost = records.Prospect(prospect_id="ghost")
    assert refused(store, lambda uow: uow.repo(Prospects).invite(ghost, "hash-3", T0)) == {"registered"}
    repo = UnitOfWork(store).repo(Prospects)
    assert (repo.find("p1").invite_hash, repo.find("p1").customer_id, repo.find("ghost")) == ("hash-1", "cust-1", None)
    assert [p.prospect_id for p in repo.in_department("spine")[0]] == ["p1"]
    dept = UnitOfWork(store).repo(Departments).find("spine")
    assert (dept.org, dept.version) == ("org", 1)


def test_totp_is_set_up_once_a_time_step_and_a_recovery_code_are_used_once_and_md_clears_it(store):
    """Issue 15 item 5: the conditions that make a code single-use hold on both stores."""
    commit(store, lambda uow: uow.repo(Users).create(records.User(
        user_id="t1", email="t@x.cn", name="t", kind="staff", role="dm", dept_id="qa", password_hash="h",
        created_at=T0)))
    commit(store, lambda uow: uow.repo(Users).begin_totp("t1", "SECRET1"))
    assert refused(store, lambda uow: uow.repo(Users).enable_totp("t1", "OTHER", 10, {"h1", "h2"})) == {"totp"}
    commit(store, lambda uow: uow.repo(Users).enable_totp("t1", "SECRET1", 10, {"h1", "h2"}))
    assert refused(store, lambda uow: uow.repo(Users).begin_totp("t1", "SECRET2")) == {"totp"}  # on already
    assert refused(store, lambda uow: uow.repo(Users).use_totp_step("t1", 10)) == {"replay"}
    commit(store, lambda uow: uow.repo(Users).use_totp_step("t1", 11))
    commit(store, lambda uow: uow.repo(Users).use_recovery_code("t1", "h2"))
    assert refused(store, lambda uow: uow.repo(Users).use_recovery_code("t1", "h2")) == {"replay"}
    user = UnitOfWork(store).repo(Users).get("t1")
    assert (user.totp_secret, user.totp_pending, user.totp_last_step, user.recovery_hashes) == (
        "SECRET1", None, 11, {"h1"})
    commit(store, lambda uow: uow.repo(Users).clear_totp("t1"))
    user = UnitOfWork(store).repo(Users).get("t1")
    assert (user.totp_secret, user.totp_last_step, user.recovery_hashes) == (None, None, None)
    assert refused(store, lambda uow: uow.repo(Users).use_totp_step("t1", 12)) == {"replay"}  # TOTP is off


def test_a_sign_in_link_is_used_once_and_a_session_s_last_seen_moves_only_while_it_lives(store):
    commit(store, lambda uow: uow.repo(Users).create(records.User(
        user_id="l1", email="l@x.cn", name="l", kind="staff", role="rep", dept_id="qa", password_hash="h",
        created_at=T0)))
    commit(store, lambda uow: uow.repo(Users).open_signin_link("l1", "hash1", T0 + WINDOW))
    commit(store, lambda uow: uow.repo(Users).open_signin_link("l1", "hash2", T0 + WINDOW))  # replaces it
    assert refused(store, lambda uow: uow.repo(Users).use_signin_link("l1", "hash1")) == {"link"}
    commit(store, lambda uow: uow.repo(Users).use_signin_link("l1", "hash2"))
    assert refused(store, lambda uow: uow.repo(Users).use_signin_link("l1", "hash2")) == {"link"}
    commit(store, lambda uow: uow.repo(Sessions).start(records.Session(
        sid_hash="s1", user_id="l1", created_at=T0, expires_at=T0 + WINDOW * 8, kind="web")))
    commit(store, lambda uow: uow.repo(Sessions).seen("s1", T0 + WINDOW))
    assert UnitOfWork(store).repo(Sessions).get("s1").last_seen == T0 + WINDOW
    commit(store, lambda uow: uow.repo(Sessions).end("s1"))
    assert refused(store, lambda uow: uow.repo(Sessions).seen("s1", T0 + WINDOW)) == {"session"}
    assert UnitOfWork(store).repo(Sessions).get("s1") is None


def test_the_owner_is_told_once_per_throttle_window(store):
    commit(store, lambda uow: uow.repo(Throttles).start_window("account#o@x.cn", now=T0, expires=T0 + WINDOW,
                                                               since=T0 - WINDOW))
    assert UnitOfWork(store).repo(Throttles).locks(["account#o@x.cn"], T0) == {}
    commit(store, lambda uow: uow.repo(Throttles).mark_told("account#o@x.cn"))
    assert refused(store, lambda uow: uow.repo(Throttles).mark_told("account#o@x.cn")) == {"told"}
    assert refused(store, lambda uow: uow.repo(Throttles).mark_told("account#none")) == {"told"}
