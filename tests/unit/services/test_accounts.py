"""Issue 15 items 2-4 on the in-memory store: verified addresses, colleagues, profiles, and their bad input."""

import re
from datetime import timedelta

import pytest

from portal.adapters.repos.customers import Customers
from portal.adapters.repos.identity import Sessions, Users
from portal.domain.throttle import ThrottlePolicy
from portal.services import applications, auth, colleagues, profile, tickets, verification
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound, Throttled
from tests.factories import register

URL = "https://portal.example.cn"


def _link(fake, to: str, kind: str) -> str:
    """The token of the newest mailed link of `kind` (verify | invitation) to `to`."""
    bodies = [body for addr, _subject, body in fake.sent if addr == to and f"/account/{kind}/" in body]
    assert bodies, f"no {kind} mail to {to}"
    return re.search(rf"/account/{kind}/(\S+)", bodies[-1]).group(1)


def _later(ctx, delta):
    from dataclasses import replace
    return replace(ctx, now=ctx.now + delta)


def _fresh(fake, ctx):
    """The context again, with the actor as its record now reads (as the next request would see it)."""
    from dataclasses import replace
    return replace(ctx, actor=auth.actor_for(fake.repo(Users).get(ctx.actor.user_id)))


# --- item 2: verified e-mail -----------------------------------------------------------------

def test_registration_mails_a_link_and_until_verified_no_application_or_ticket(fake):
    customer, ctx = register(fake, verified=False, email="new@kangjian.cn")
    assert not ctx.actor.verified
    with pytest.raises(Forbidden) as refused:
        applications.submit(ctx, "ortho", ["tka"])
    assert "Verify your e-mail" in str(refused.value.message)
    with pytest.raises(Forbidden):
        tickets.file(ctx, "company", "complaint", "Late", "Late delivery")
    assert verification.verify(fake.ctx(), _link(fake, "new@kangjian.cn", "verify")) == "new@kangjian.cn"
    assert _fresh(fake, ctx).actor.verified


def test_a_verification_link_works_once_and_not_after_24_hours(fake):
    _c, ctx = register(fake, verified=False, email="once@kangjian.cn")
    token = _link(fake, "once@kangjian.cn", "verify")
    with pytest.raises(NotFound):
        verification.verify(_later(fake.ctx(), timedelta(hours=24, seconds=1)), token)
    verification.verify(fake.ctx(), token)
    with pytest.raises(NotFound):
        verification.verify(fake.ctx(), token)


def test_forged_and_other_account_verification_tokens_are_refused(fake):
    _a, a_ctx = register(fake, verified=False, email="a@kangjian.cn")
    _b, b_ctx = register(fake, verified=False, email="b@kangjian.cn")
    a_token = _link(fake, "a@kangjian.cn", "verify")
    secret = a_token.split(".", 1)[1]
    for forged in (f"{b_ctx.actor.user_id}.{secret}", f"{a_ctx.actor.user_id}.{'x' * 43}", "nonsense", "." * 300):
        with pytest.raises(NotFound):
            verification.verify(fake.ctx(), forged)
    assert not fake.repo(Users).get(b_ctx.actor.user_id).email_verified


def test_a_verification_link_after_the_address_changed_is_void(fake):
    _c, ctx = register(fake, verified=False, email="old@kangjian.cn")
    old_link = _link(fake, "old@kangjian.cn", "verify")
    profile.change_email(ctx, "new@kangjian.cn", URL)
    with pytest.raises(NotFound):
        verification.verify(fake.ctx(), old_link)  # the registration's link no longer verifies anything
    user = fake.repo(Users).get(ctx.actor.user_id)
    assert user.email == "old@kangjian.cn" and not user.email_verified  # the new address awaits its own link


def test_a_new_address_takes_effect_only_once_verified_and_the_old_one_is_told(fake):
    _c, ctx = register(fake, email="before@kangjian.cn")
    profile.change_email(ctx, "after@kangjian.cn", URL)
    assert fake.repo(Users).get(ctx.actor.user_id).email == "before@kangjian.cn"
    assert auth.find_user_by_email("after@kangjian.cn", fake.uow()) is None
    verification.verify(fake.ctx(), _link(fake, "after@kangjian.cn", "verify"))
    assert fake.repo(Users).get(ctx.actor.user_id).email == "after@kangjian.cn"
    assert auth.find_user_by_email("before@kangjian.cn", fake.uow()) is None
    told = [s for to, s, _b in fake.sent if to == "before@kangjian.cn" and "changed" in s]
    assert told


def test_changing_to_an_address_with_an_account_answers_the_same_and_changes_nothing(fake):
    _a, _ = register(fake, email="owner@kangjian.cn")
    _b, b_ctx = register(fake, email="other@kangjian.cn")
    links = [b for to, _s, b in fake.sent if to == "owner@kangjian.cn" and "/account/verify/" in b]
    profile.change_email(b_ctx, "owner@kangjian.cn", URL)  # no error: the same answer as for a free address
    assert [b for to, _s, b in fake.sent if to == "owner@kangjian.cn" and "/account/verify/" in b] == links
    assert [s for to, s, _b in fake.sent if to == "owner@kangjian.cn" and "Someone tried" in s]
    assert fake.repo(Users).get(b_ctx.actor.user_id).verify_email is None


def test_resending_the_link_is_throttled(fake):
    _c, ctx = register(fake, verified=False, email="resend@kangjian.cn")
    for _ in range(3):
        verification.resend(ctx, URL)
    with pytest.raises(Throttled):
        verification.resend(ctx, URL)


def test_accounts_from_before_verification_count_as_verified(fake):
    from portal.adapters.records import from_item
    from portal.adapters.tables import User

    legacy = from_item(User, {"user_id": "u1", "email": "old@x.cn", "name": "老用户", "kind": "customer",
                              "customer_id": "c1", "password_hash": "x", "created_at": fake.now})
    actor = auth.actor_for(legacy)
    assert actor.verified and actor.company_admin  # no attribute: verified, and the company's (first) admin


# --- item 3: colleagues ----------------------------------------------------------------------

def _with_colleague(fake, role="member", email="colleague@kangjian.cn"):
    customer, admin = register(fake, email=f"admin.{email}")
    colleagues.invite(admin, email, role, URL)
    token = _link(fake, email, "invitation")
    person = colleagues.accept(fake.ctx(), token, "李四", "a long passphrase 2027")
    return customer, admin, fake.ctx(email), person, token


def test_an_invited_colleague_joins_verified_and_may_file_a_ticket(fake):
    customer, admin, colleague, person, _t = _with_colleague(fake)
    assert colleague.actor.customer_id == customer.customer_id and colleague.actor.verified
    assert not colleague.actor.company_admin
    ticket = tickets.file(colleague, "company", "complaint", "Late", "Late delivery")
    assert ticket.customer_id == customer.customer_id
    assert auth.authenticate(fake.ctx(), "colleague@kangjian.cn", "a long passphrase 2027",
                             auth.Throttles(ThrottlePolicy(), ThrottlePolicy()))
    names = colleagues.listing(admin).names
    assert names[person.user_id] == "李四"


def test_an_invitation_works_once(fake):
    _c, _a, _col, _p, token = _with_colleague(fake)
    with pytest.raises(NotFound):
        colleagues.accept(fake.ctx(), token, "王五", "another long passphrase")


def test_an_invitation_expires_after_7_days(fake):
    _c, admin = register(fake, email="admin@late.cn")
    colleagues.invite(admin, "late@late.cn", "member", URL)
    token = _link(fake, "late@late.cn", "invitation")
    with pytest.raises(NotFound):
        colleagues.accept(_later(fake.ctx(), timedelta(days=7, seconds=1)), token, "迟到", "a long passphrase 2027")


def test_forged_and_other_company_invitation_tokens_are_refused(fake):
    _c, admin = register(fake, email="admin@forge.cn")
    colleagues.invite(admin, "x@forge.cn", "member", URL)
    token = _link(fake, "x@forge.cn", "invitation")
    _d, other_admin = register(fake, email="admin@other.cn")
    for forged in (f"{other_admin.actor.user_id}.{token.split('.', 1)[1]}", token[:-2] + "zz", ""):
        with pytest.raises(NotFound):
            colleagues.accept(fake.ctx(), forged, "伪造", "a long passphrase 2027")


def test_a_member_may_not_invite_or_disable(fake):
    _c, admin, member, _p, _t = _with_colleague(fake)
    with pytest.raises(Forbidden):
        colleagues.invite(member, "more@kangjian.cn", "member", URL)
    with pytest.raises(Forbidden):
        colleagues.set_active(member, admin.actor.user_id, False)
    with pytest.raises(Forbidden):
        colleagues.set_role(member, member.actor.user_id, "admin")
    assert fake.repo(Users).get(admin.actor.user_id).active


def test_a_disabled_colleague_is_signed_out_everywhere(fake):
    _c, admin, member, person, _t = _with_colleague(fake)
    raw = auth.start_session(member, fake.repo(Users).get(person.user_id), timedelta(hours=2))
    assert auth.load_session(raw, fake.now, fake.uow()) is not None
    colleagues.set_active(admin, person.user_id, False)
    assert auth.load_session(raw, fake.now, fake.uow()) is None
    assert fake.repo(Sessions).of_user(person.user_id) == []


def test_the_last_active_administrator_cannot_be_disabled_or_demoted(fake):
    _c, admin, _member, _p, _t = _with_colleague(fake, role="admin")
    # two administrators: the other may go; then the last one stays
    colleagues.set_active(admin, _p.user_id, False)
    with pytest.raises(Conflict):
        colleagues.set_role(admin, admin.actor.user_id, "member")
    with pytest.raises(Forbidden):
        colleagues.set_active(admin, admin.actor.user_id, False)  # nobody disables itself
    assert fake.repo(Users).get(admin.actor.user_id).active


def test_a_member_made_administrator_may_then_disable_the_first(fake):
    _c, admin, member, person, _t = _with_colleague(fake)
    colleagues.set_role(admin, person.user_id, "admin")
    member = _fresh(fake, member)
    colleagues.set_active(member, admin.actor.user_id, False)  # the company keeps working without its first user
    assert not fake.repo(Users).get(admin.actor.user_id).active


def test_inviting_an_address_with_an_account_answers_the_same(fake):
    _x, _ = register(fake, email="taken@kangjian.cn")
    _c, admin = register(fake, email="admin@same.cn")
    colleagues.invite(admin, "taken@kangjian.cn", "member", URL)  # no error, as for a free address
    colleagues.invite(admin, "free@same.cn", "member", URL)
    taken = fake.mails("Invitation")
    assert {to for to, _s, _b in taken} >= {"taken@kangjian.cn", "free@same.cn"}
    with pytest.raises(Conflict):  # only the mailbox's owner learns it has an account
        colleagues.accept(fake.ctx(), _link(fake, "taken@kangjian.cn", "invitation"), "某人", "a long passphrase 27")


# --- item 4: profile -------------------------------------------------------------------------

def test_a_person_edits_name_mobile_and_language(fake):
    _c, ctx = register(fake)
    with pytest.raises(Invalid) as bad:
        profile.update_me(ctx, "", "12345", "fr")
    assert set(bad.value.fields) == {"name", "mobile", "language"}
    user = profile.update_me(ctx, "张三丰", "139 0013 9000", "en")
    assert (user.name, user.mobile, user.language) == ("张三丰", "+8613900139000", "en")


def test_only_the_administrator_edits_the_company_contact(fake):
    customer, _admin, member, _p, _t = _with_colleague(fake)
    values = {"contact_name": "王经理", "mobile": "13700137000", "email": "office@kangjian.cn", "region": "上海市",
              "mailing_address": "上海市浦东新区张江路 1 号"}
    with pytest.raises(Forbidden):
        profile.edit_company(member, values, None)
    edited = profile.edit_company(_admin, values, None)
    stored = fake.repo(Customers).find(customer.customer_id)
    assert stored.mailing_address == values["mailing_address"] and stored.mobile == "+8613700137000"
    assert stored.name == customer.name and edited.contact_name == "王经理"


# --- ONB-2: prospect invitations expire after 14 days ---------------------------------------

def test_ONB_2_a_prospect_invitation_expires_after_14_days(fake):
    from portal.services import prospects
    from tests.factories import registration

    prospect = prospects.create(fake.ctx("ortho.rep@demo.local"), "ortho", name="华东骨科医院", email="p@hdgk.cn")
    token = prospects.invite(fake.ctx("ortho.rep@demo.local"), prospect.prospect_id, URL).split("invitation=")[1]
    late = _later(fake.ctx(), timedelta(days=14, seconds=1))
    with pytest.raises(NotFound) as expired:
        from portal.services import customers
        customers.register(late, registration(invitation=token))
    assert "14" in str(expired.value.fields["invitation"][0])
    customer, _ctx = register(fake, invitation=token)  # still fine within the 14 days
    assert customer.prospect_id == prospect.prospect_id


def test_demo_customers_count_as_verified_administrators():
    from tests.fakes import Fake

    world = Fake(with_customers=True)
    from portal.adapters.seed import DEMO_CUSTOMER

    actor = world.ctx(DEMO_CUSTOMER).actor
    assert actor.verified and actor.company_admin


def test_two_administrators_disabling_each_other_leave_one(fake):
    """The second of two crossing disables would leave no active administrator: refused, nothing changes."""
    _c, first, second, person, _t = _with_colleague(fake, role="admin")
    colleagues.set_active(first, person.user_id, False)
    with pytest.raises(Conflict) as refused:
        colleagues.set_active(second, first.actor.user_id, False)  # its page was read before it was disabled
    assert "至少" in str(refused.value.message) or "at least one" in str(refused.value.message)
    assert fake.repo(Users).get(first.actor.user_id).active


def test_a_disabled_colleagues_api_token_ends_too(fake):
    from portal.services.errors import Unauthenticated

    _c, admin, member, person, _t = _with_colleague(fake)
    token = auth.issue_token(member, fake.repo(Users).get(person.user_id), "k", timedelta(hours=1))
    assert auth.read_token(token, "k", fake.now, fake.uow()).user_id == person.user_id
    colleagues.set_active(_later(admin, timedelta(seconds=1)), person.user_id, False)
    with pytest.raises(Unauthenticated):
        auth.read_token(token, "k", fake.now, fake.uow())
    colleagues.set_active(_later(admin, timedelta(seconds=2)), person.user_id, True)
    with pytest.raises(Unauthenticated):  # and stays dead after enabling again
        auth.read_token(token, "k", fake.now + timedelta(seconds=3), fake.uow())
