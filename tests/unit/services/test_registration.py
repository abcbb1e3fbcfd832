"""ONB-1, ONB-2, SEC-1 on the in-memory store: registration (unique credit code, no e-mail enumeration, throttle
per address), invitations, and who may read a customer's records."""

import hashlib

import pytest
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.customers import Applications, CreditCodes, Customers
from portal.adapters.repos.identity import Users
from portal.adapters.repos.org import Prospects
from portal.services import applications, customers
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound, Throttled
from tests.factories import credit_code, register, registration, stand


def test_ONB_1_registration_refuses_a_wrong_check_digit(fake):
    good = credit_code(77)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(Invalid) as exc:
        register(fake, credit_code=bad)
    assert "credit_code" in exc.value.fields
    assert "GB 32100" in str(exc.value.fields["credit_code"][0])


def test_ONB_1_duplicate_credit_code_is_a_conflict_and_writes_nothing(fake):
    first, ctx = register(fake, credit_code=credit_code(500))
    with pytest.raises(Conflict) as exc:
        register(fake, credit_code=credit_code(500).lower(), email="second@copy.cn")
    assert "credit_code" in exc.value.fields
    assert not fake.repo(Users).email_taken("second@copy.cn")
    assert customers.get_customer(ctx, first.customer_id).name == first.name


def test_ONB_1_a_registration_writes_customer_user_and_claims_together(fake):
    customer, ctx = register(fake, email=" Buyer@KangJian.cn ")
    stored = fake.repo(Customers).find(customer.customer_id)
    assert stored.email == "buyer@kangjian.cn" and stored.version == 1
    assert fake.repo(CreditCodes).taken(customer.credit_code)
    assert ctx.actor.customer_id == customer.customer_id and ctx.actor.email == "buyer@kangjian.cn"
    assert [m[0] for m in fake.mails("注册成功")] == ["buyer@kangjian.cn"]


def test_ONB_1_lost_race_for_the_credit_code_is_a_conflict(fake, monkeypatch):
    register(fake, credit_code=credit_code(501))
    # the check before the write saw the code free (another registration took it meanwhile)
    monkeypatch.setattr(CreditCodes, "taken", lambda self, code: False)
    with pytest.raises(Conflict) as exc:
        register(fake, credit_code=credit_code(501), email="late@copy.cn")
    assert "credit_code" in exc.value.fields and not fake.repo(Users).email_taken("late@copy.cn")


def test_medical_institution_needs_level_and_beds_and_mobile_must_be_mainland(fake):
    with pytest.raises(Invalid) as exc:
        register(fake, kind="medical", hospital_level=None, beds=None, mobile="+1 415 555 0100")
    assert {"hospital_level", "beds", "mobile"} <= set(exc.value.fields)
    customer, _ctx = register(fake, kind="medical", hospital_level="三级甲等", beds=1200, mobile="138 0013 8000")
    assert (customer.hospital_level, customer.beds, customer.mobile) == ("三级甲等", 1200, "+8613800138000")


def test_SEC_1_registration_never_reveals_that_an_address_has_an_account(fake):
    owner = fake.user("md.admin@demo.local")
    answer = customers.register(fake.ctx(), registration(credit_code=credit_code(4251), email="MD.admin@demo.local"))
    assert answer is None  # the page answers as for a success (tests/web checks the pages and the API)
    assert fake.user("md.admin@demo.local").password_hash == owner.password_hash
    assert not fake.repo(CreditCodes).taken(credit_code(4251))  # nothing was created for the taken address
    assert [m[0] for m in fake.mails("有人用您的邮箱注册")] == ["md.admin@demo.local"]
    assert fake.mails("注册成功") == []


def test_SEC_1_registration_lost_race_for_the_address_answers_as_a_success(fake, monkeypatch):
    register(fake, email="race@jg.cn")
    monkeypatch.setattr(Users, "email_taken", lambda self, email: False)  # both saw it free
    assert customers.register(fake.ctx(), registration(credit_code=credit_code(4260), email="race@jg.cn")) is None
    assert not fake.repo(CreditCodes).taken(credit_code(4260))
    assert [m[0] for m in fake.mails("有人用您的邮箱注册")] == ["race@jg.cn"]


def test_SEC_1_registration_is_throttled_per_client_address(fake):
    limit = customers.REGISTRATION_THROTTLE.max_failures
    for i in range(limit):  # refused tries count too
        with pytest.raises(Invalid):
            customers.register(fake.ctx(ip="10.0.0.1"), registration(credit_code=credit_code(4300 + i),
                                                                     mobile="123"))
    with pytest.raises(Throttled):
        customers.register(fake.ctx(ip="10.0.0.1"), registration(credit_code=credit_code(4390)))
    assert not fake.repo(CreditCodes).taken(credit_code(4390))
    customer, _user = customers.register(fake.ctx(ip="10.9.8.7"), registration(credit_code=credit_code(4399)))
    assert customer.name  # another address is not affected
    an_hour_on = fake.later(fake.ctx(ip="10.0.0.1"), hours=2, minutes=1)
    assert customers.register(an_hour_on, registration(credit_code=credit_code(4398)))


def test_SEC_1_registration_throttle_window_restarts_after_it_passes(fake):
    for i in range(3):
        customers.register(fake.later(fake.ctx(ip="10.0.0.2"), hours=2 * i), registration())
    from portal.adapters.repos.identity import Throttles

    assert fake.repo(Throttles).failures("register#10.0.0.2") == 1  # each try opened a new window


def _invite(fake, dept="ortho", email="buyer@hdgk.cn"):
    """A prospect with an invitation, as prospects.invite leaves it (ONB-2)."""
    prospect = records.Prospect(prospect_id=str(ULID.from_datetime(fake.now)), dept_id=dept, name="华东骨科医院",
                                email=email, created_by="seed", created_at=fake.now)
    token = f"{prospect.prospect_id}.{'s3cret-Part_' * 2}{'x' * 8}"  # as prospects.invite makes them
    prospect.invite_hash, prospect.invited_at = hashlib.sha256(token.encode()).hexdigest(), fake.now
    with fake.uow() as uow:
        uow.repo(Prospects).put(prospect)
        uow.commit()
    return prospect, token


def test_ONB_2_registering_through_an_invitation_ties_it_to_the_prospect(fake):
    prospect, token = _invite(fake)
    customer, _ctx = register(fake, invitation=token, email="buyer@hdgk.cn")
    assert fake.repo(Prospects).find(prospect.prospect_id).customer_id == customer.customer_id
    assert customer.prospect_id == prospect.prospect_id
    with pytest.raises(Conflict) as used:
        register(fake, invitation=token)  # used once only
    with pytest.raises(NotFound) as forged:
        register(fake, invitation=f"{prospect.prospect_id}.{'forged' * 5}xx")  # well-formed, never issued
    assert "invitation" in used.value.fields and "invitation" in forged.value.fields


def test_ONB_2_an_invitation_used_meanwhile_is_refused_and_nothing_is_written(fake, monkeypatch):
    prospect, token = _invite(fake)
    stale = fake.repo(Prospects).find(prospect.prospect_id)  # read before the other registration used it
    register(fake, invitation=token, email="first@hdgk.cn")
    monkeypatch.setattr(customers, "_invitation", lambda uow, t, now: stale)
    with pytest.raises(Conflict) as exc:
        register(fake, invitation=token, email="second@hdgk.cn", credit_code=credit_code(4444))
    assert "invitation" in exc.value.fields and not fake.repo(CreditCodes).taken(credit_code(4444))
    assert not fake.repo(Users).email_taken("second@hdgk.cn")


def test_ONB_2_a_malformed_invitation_is_a_clear_error(fake):
    for token in (".only-secret", "no-dot", "x" * 300):
        with pytest.raises(Invalid) as exc:
            register(fake, invitation=token)
        assert "invitation" in exc.value.fields


def test_ONB_1_every_customer_is_recorded_each_department_keeps_its_own_list_md_sees_all(fake):
    extra = {"medical": {"hospital_level": "三级甲等", "beds": 800}}
    registered = {kind: register(fake, kind=kind, **extra.get(kind, {}))[0]
                  for kind in ("enterprise", "medical", "retail", "internal")}
    md = fake.ctx("md.admin@demo.local")
    for kind, customer in registered.items():  # direct and internal related-party alike, all visible to MD
        seen = customers.get_customer(md, customer.customer_id)
        assert (seen.kind, seen.name, seen.credit_code) == (kind, customer.name, customer.credit_code)
    stand(registered["enterprise"], "ortho", store=fake.store)
    stand(registered["medical"], "rehab", products=("walker",), store=fake.store)

    def listed(ctx, dept):
        return [s.customer_id for s in applications.standings(ctx, dept).items]

    assert listed(fake.ctx("ortho.clerk@demo.local"), "ortho") == [registered["enterprise"].customer_id]
    assert listed(fake.ctx("rehab.rep@demo.local"), "rehab") == [registered["medical"].customer_id]
    assert (listed(md, "ortho"), listed(md, "rehab")) == (
        [registered["enterprise"].customer_id], [registered["medical"].customer_id])
    with pytest.raises(Forbidden):
        applications.standings(fake.ctx("rehab.rep@demo.local"), "ortho")
    with pytest.raises(Forbidden):  # SEC-1: a customer standing elsewhere only stays out of sight
        customers.get_customer(fake.ctx("ortho.rep@demo.local"), registered["medical"].customer_id)
    assert customers.get_customer(fake.ctx("ortho.rep@demo.local"), registered["enterprise"].customer_id)


def test_ONB_1_standings_come_a_page_at_a_time(fake):
    from tests.factories import admitted

    ids = sorted(admitted("ortho", 5, store=fake.store))
    leader = fake.ctx("ortho.leader@demo.local")
    first = applications.standings(leader, "ortho", limit=3)
    second = applications.standings(leader, "ortho", first.cursor, limit=3)
    assert [s.customer_id for s in first.items + second.items] == ids and second.cursor is None
    with pytest.raises(Invalid):
        applications.standings(leader, "ortho", "{not a cursor")


def test_SEC_1_customer_b_cannot_read_customer_a(fake):
    a, _ctx_a = register(fake)
    _b, ctx_b = register(fake)
    with pytest.raises(NotFound):
        customers.get_customer(ctx_b, a.customer_id)
    with pytest.raises(NotFound):
        customers.overview(ctx_b, a.customer_id)
    with pytest.raises(NotFound):
        customers.get_customer(fake.ctx(), a.customer_id)  # anonymous


def test_SEC_1_a_department_sees_customers_that_applied_to_it_or_that_it_listed(fake):
    from tests.factories import applied

    applicant, _ctx, _app = applied("ortho", fake=fake)
    listed, _ctx2 = register(fake)
    rep, rehab = fake.ctx("ortho.rep@demo.local"), fake.ctx("rehab.rep@demo.local")
    assert customers.get_customer(rep, applicant.customer_id).name == applicant.name
    with pytest.raises(Forbidden):
        customers.get_customer(rehab, applicant.customer_id)
    with fake.uow() as uow:
        from portal.adapters.repos.dynamics import BlacklistEntries

        uow.repo(BlacklistEntries).put(records.BlacklistEntry(entry_id="e1", customer_id=listed.customer_id,
                                                              scope="rehab", listed_at=fake.now, active=False))
        uow.commit()
    assert customers.get_customer(rehab, listed.customer_id).name == listed.name
    with pytest.raises(Forbidden):
        customers.get_customer(rep, listed.customer_id)


def test_overview_shows_the_customer_its_documents_applications_and_standings(fake):
    from tests.factories import applied

    customer, ctx, app_ = applied("ortho", fake=fake)
    stand(customer, "rehab", products=("walker",), store=fake.store)
    view = customers.overview(ctx, customer.customer_id)
    assert view.customer.customer_id == customer.customer_id
    assert {d.status for d in view.documents} == {"verified"} and len(view.documents) >= 2
    assert [a.app_id for a in view.applications] == [app_.app_id]
    assert [s.dept_id for s in view.standings] == ["rehab"]
    assert fake.repo(Applications).of_customer(customer.customer_id)[0].queue_dept == "ortho"
