"""ACT-* and SEC-1 for the organisation on the in-memory store: departments, staff accounts and roles (who may
grant what), product catalogues, stale forms, refusals audited."""

from datetime import timedelta

import pytest

from portal.adapters.repos.identity import AuditTrail, Sessions, Users
from portal.adapters.repos.org import Departments, Products
from portal.domain.throttle import ThrottlePolicy
from portal.domain.timeutil import shanghai_day
from portal.services import auth, org, recipients
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from tests.fakes import Fake

MD = "md.admin@demo.local"
LEAD = "leader@demo.local"
ORTHO_DM = "ortho.leader@demo.local"
PHRASE = "a long enough phrase 1"
HOURS_8 = timedelta(hours=8)


def refusals(world: Fake) -> list[tuple]:
    """(what, target, actor e-mail) of the day's refused accesses."""
    events = world.repo(AuditTrail).all(shanghai_day(world.now).isoformat())
    return [(e.target_type, e.target_id, e.actor_email) for e in events if e.action == "access.refused"]


def actions(world: Fake) -> list[str]:
    """The actions of the day's audit events, oldest first."""
    return [e.action for e in world.repo(AuditTrail).all(shanghai_day(world.now).isoformat())]


def new_staff(world: Fake, actor: str, role: str, dept: str = "ortho", email: str = "new.person@demo.local"):
    return org.create_staff(world.ctx(actor), email=email, name="新同事", role=role, dept_id=dept, password=PHRASE)


# --- departments --------------------------------------------------------------------------------

def test_ACT_MD_creates_a_department_and_its_leader(fake):
    dept = org.create_department(fake.ctx(MD), "spine", " 脊柱产品销售部 ", "Spine Sales")
    assert (dept.name_zh, dept.kind, dept.version) == ("脊柱产品销售部", "sales", 1)
    leader = new_staff(fake, MD, "dm", "spine", "Spine.Leader@Corp.cn")
    stored = fake.repo(Users).get(leader.user_id)
    assert (stored.email, stored.role, stored.dept_id, stored.active) == ("spine.leader@corp.cn", "dm", "spine", True)
    assert stored.password_hash.startswith("$argon2id$")
    assert auth.find_user_by_email("SPINE.LEADER@corp.cn", fake.uow()).user_id == leader.user_id
    assert actions(fake)[-2:] == ["department.created", "staff.created"]


def test_ACT_MD_only_md_creates_departments_and_ids_are_new_slugs(fake):
    for actor in (LEAD, ORTHO_DM):
        with pytest.raises(Forbidden):
            org.create_department(fake.ctx(actor), "spine", "脊柱", "Spine")
    with pytest.raises(Conflict) as exc:
        org.create_department(fake.ctx(MD), "ortho", "重复", "Dup")
    assert list(exc.value.fields) == ["dept_id"]
    with pytest.raises(Invalid) as exc:
        org.create_department(fake.ctx(MD), "Bad Id!", "x", "x")
    assert list(exc.value.fields) == ["dept_id"]
    assert fake.repo(Departments).find("ortho").name_zh == "骨科产品销售部"
    assert len(fake.repo(Departments).every()) == 3


def test_SEC_1_staff_see_their_own_department_md_and_leadership_see_all(fake):
    assert [d.dept_id for d in org.list_departments(fake.ctx("rehab.rep@demo.local"))] == ["rehab"]
    for actor in (MD, LEAD):
        assert [d.dept_id for d in org.list_departments(fake.ctx(actor))] == ["md", "ortho", "rehab"]
    with pytest.raises(Forbidden):
        org.get_department(fake.ctx("rehab.rep@demo.local"), "ortho")
    with pytest.raises(NotFound):
        org.get_department(fake.ctx(MD), "nowhere")
    assert ("view_department", "ortho", "rehab.rep@demo.local") in refusals(fake)


def test_SEC_2_a_stale_department_form_is_refused_and_nothing_is_lost(fake):
    org.update_department(fake.ctx(MD), "ortho", "骨科 A", "Ortho A", 1)
    with pytest.raises(Conflict):
        org.update_department(fake.ctx(MD), "ortho", "骨科 B", "Ortho B", 1)
    stored = fake.repo(Departments).find("ortho")
    assert (stored.name_zh, stored.version) == ("骨科 A", 2)


# --- staff and roles --------------------------------------------------------------------------

def test_ACT_DM_leader_adds_clerks_and_reps_but_may_not_make_a_leader(fake):
    assert new_staff(fake, ORTHO_DM, "rep").role == "rep"
    assert new_staff(fake, ORTHO_DM, "clerk", email="new.clerk@demo.local").role == "clerk"
    with pytest.raises(Forbidden):
        new_staff(fake, ORTHO_DM, "dm", email="new.dm@demo.local")
    assert auth.find_user_by_email("new.dm@demo.local", fake.uow()) is None
    assert ("grant_role:dm", "ortho", ORTHO_DM) in refusals(fake)


def test_ACT_DM_leader_adds_nobody_to_another_department(fake):
    with pytest.raises(Forbidden):
        new_staff(fake, ORTHO_DM, "rep", "rehab")
    assert auth.find_user_by_email("new.person@demo.local", fake.uow()) is None


@pytest.mark.parametrize(("actor", "role"), [("ortho.clerk@demo.local", "rep"), ("ortho.rep@demo.local", "rep"),
                                             (LEAD, "rep")])
def test_ACT_clerks_reps_and_leadership_manage_no_accounts(fake, actor, role):
    with pytest.raises(Forbidden):
        new_staff(fake, actor, role)


def test_ACT_MD_grants_every_role_where_it_fits_the_department(fake):
    assert new_staff(fake, MD, "dm", "rehab").role == "dm"
    assert new_staff(fake, MD, "lead", "md", "second.leader@demo.local").role == "lead"
    with pytest.raises(Conflict) as exc:  # no department leader in the Marketing Division, no MD in sales
        new_staff(fake, MD, "dm", "md", "x1@demo.local")
    assert list(exc.value.fields) == ["role"]
    with pytest.raises(Conflict):
        new_staff(fake, MD, "md", "ortho", "x2@demo.local")
    with pytest.raises(Invalid):  # not a role at all
        new_staff(fake, MD, "boss", "ortho", "x3@demo.local")


def test_duplicate_email_and_weak_password_are_said_next_to_their_fields(fake):
    with pytest.raises(Invalid) as exc:
        org.create_staff(fake.ctx(ORTHO_DM), email=" ORTHO.REP@demo.local", name="x", role="rep", dept_id="ortho",
                         password="12345678")
    assert sorted(exc.value.fields) == ["email", "password"]
    assert str(exc.value.fields["email"][0]) == "An account with this e-mail exists already."


def test_two_accounts_for_one_address_at_once_one_wins(fake, monkeypatch):
    new_staff(fake, ORTHO_DM, "rep")
    monkeypatch.setattr(Users, "email_taken", lambda *_: False)  # as if both had checked before either wrote
    with pytest.raises(Conflict) as exc:
        new_staff(fake, ORTHO_DM, "clerk")
    assert list(exc.value.fields) == ["email"]
    assert [u.role for u in fake.repo(Users).of_department("ortho") if u.email == "new.person@demo.local"] == ["rep"]


def test_SEC_1_staff_of_another_department_are_out_of_sight(fake):
    rehab_rep = fake.ctx("rehab.rep@demo.local")
    with pytest.raises(Forbidden):
        org.get_staff(rehab_rep, fake.user("ortho.rep@demo.local").user_id)
    with pytest.raises(Forbidden):
        org.list_staff(rehab_rep, "ortho")
    for missing in ("not-a-real-id", "x" * 2000):
        with pytest.raises(NotFound):
            org.get_staff(fake.ctx(MD), missing)


def test_a_customers_user_is_no_staff_account(fake):
    customer = new_staff(fake, MD, "rep")
    with fake.uow() as uow:
        user = uow.repo(Users).get(customer.user_id)
        user.kind, user.role, user.dept_id, user.customer_id = "customer", None, None, "cust-1"
        uow.repo(Users).save(user)
        uow.commit()
    with pytest.raises(NotFound):
        org.get_staff(fake.ctx(MD), customer.user_id)


def test_staff_are_listed_by_email_a_page_at_a_time(fake):
    for n in range(3):
        new_staff(fake, ORTHO_DM, "rep", email=f"p{n}@demo.local")
    first = org.list_staff(fake.ctx(ORTHO_DM), "ortho", limit=4)
    second = org.list_staff(fake.ctx(ORTHO_DM), "ortho", limit=4, cursor=first.cursor)
    emails = [u.email for u in first.items + second.items]
    assert emails == sorted(emails) and len(emails) == 6 and second.cursor is None
    with pytest.raises(Invalid) as exc:
        org.list_staff(fake.ctx(ORTHO_DM), "ortho", cursor="{nope")
    assert list(exc.value.fields) == ["cursor"]


def test_ACT_DM_leader_renames_a_rep_and_a_role_change_ends_its_sessions(fake):
    rep = fake.user("ortho.rep@demo.local")
    raw = auth.start_session(fake.ctx(), rep, HOURS_8)
    org.update_staff(fake.ctx(ORTHO_DM), rep.user_id, name="刘洋", role="rep", version=1)
    assert auth.load_session(raw, fake.now, fake.uow()) is not None  # a new name alone keeps the sessions
    updated = org.update_staff(fake.ctx(ORTHO_DM), rep.user_id, name="刘洋", role="clerk", version=2)
    assert (updated.role, updated.version) == ("clerk", 3)
    assert auth.load_session(raw, fake.now, fake.uow()) is None
    with pytest.raises(Conflict):
        org.update_staff(fake.ctx(ORTHO_DM), rep.user_id, name="旧表单", role="rep", version=2)
    assert fake.repo(Users).get(rep.user_id).name == "刘洋"


def test_ACT_DM_leader_may_not_promote_or_touch_a_leader(fake):
    rep = fake.user("ortho.rep@demo.local")
    with pytest.raises(Forbidden):
        org.update_staff(fake.ctx(ORTHO_DM), rep.user_id, name="x", role="dm", version=1)
    with pytest.raises(Forbidden):
        org.set_staff_active(fake.ctx(ORTHO_DM), fake.user(ORTHO_DM).user_id, False, 1)  # not even itself
    with pytest.raises(Forbidden):
        org.set_staff_active(fake.ctx(MD), fake.user(MD).user_id, False, 1)  # nobody disables themself
    assert fake.repo(Users).get(rep.user_id).role == "rep"
    assert ("staff.set_active", fake.user(MD).user_id, MD) in refusals(fake)


def test_SEC_1_disabling_an_account_ends_every_session_at_once_and_audits_it(fake):
    rep = fake.user("ortho.rep@demo.local")
    raws = [auth.start_session(fake.ctx(), rep, HOURS_8) for _ in range(2)]
    disabled = org.set_staff_active(fake.ctx(ORTHO_DM), rep.user_id, False, 1)
    assert (disabled.active, disabled.version) == (False, 2)
    assert all(auth.load_session(raw, fake.now, fake.uow()) is None for raw in raws)
    assert fake.repo(Sessions).of_user(rep.user_id) == []
    with pytest.raises(Unauthenticated, match="disabled"):
        auth.authenticate(fake.ctx(), "ortho.rep@demo.local", "Demo-pass-2026!",
                          auth.Throttles(ThrottlePolicy(), ThrottlePolicy()))
    assert org.set_staff_active(fake.ctx(ORTHO_DM), rep.user_id, True, 2).active is True
    assert actions(fake).count("staff.disabled") == actions(fake).count("staff.enabled") == 1


# --- products -------------------------------------------------------------------------------

def test_ACT_DM_leader_manages_the_product_catalogue_with_price_tiers(fake):
    leader = fake.ctx("rehab.leader@demo.local")
    org.create_product(leader, "rehab", "crutch", "腋拐", "Crutch")
    edited = org.update_product(leader, "rehab", "crutch", name_zh="铝合金腋拐", name_en="Aluminium crutch",
                                active=False, version=1, discounts={"VIP": 10, "PREFERRED": 5, "QUALIFIED": None})
    stored = fake.repo(Products).find("rehab", "crutch")
    assert (stored.name_zh, stored.active, stored.version, stored.discounts) == (
        "铝合金腋拐", False, 2, {"VIP": 10, "PREFERRED": 5}) and edited.version == 2
    with pytest.raises(Conflict) as exc:
        org.create_product(leader, "rehab", "crutch", "重复", "Dup")
    assert list(exc.value.fields) == ["product_id"]
    with pytest.raises(Forbidden):
        org.create_product(leader, "ortho", "crutch", "腋拐", "Crutch")
    with pytest.raises(Forbidden):
        org.create_product(fake.ctx("rehab.rep@demo.local"), "rehab", "cane", "手杖", "Cane")


def test_products_belong_to_sales_departments_under_slug_ids(fake):
    with pytest.raises(Conflict) as exc:  # the request is well-formed; the department has no catalogue
        org.create_product(fake.ctx(MD), "md", "crutch", "腋拐", "Crutch")
    assert list(exc.value.fields) == ["dept_id"]
    with pytest.raises(Invalid) as exc:
        org.create_product(fake.ctx(MD), "rehab", "Crutch 2", "腋拐", "Crutch")
    assert list(exc.value.fields) == ["product_id"]
    with pytest.raises(NotFound):
        org.get_product(fake.ctx(MD), "rehab", "x" * 2000)


def test_SEC_2_a_stale_product_form_is_refused_and_nothing_is_lost(fake):
    def edit(actor, name):
        return org.update_product(fake.ctx(actor), "ortho", "bone-plate", name_zh=name, name_en=name, active=True,
                                  version=1)

    edit(ORTHO_DM, "接骨板 A")
    with pytest.raises(Conflict):
        edit(MD, "接骨板 B")
    assert fake.repo(Products).find("ortho", "bone-plate").name_zh == "接骨板 A"


def test_customers_see_the_sales_departments_products_on_sale(fake):
    leader = fake.ctx(ORTHO_DM)
    org.update_product(leader, "ortho", "im-nail", name_zh="髓内钉", name_en="Nail", active=False, version=1)
    with pytest.raises(Unauthenticated):
        org.sales_catalogue(fake.ctx())
    catalogue = {d.dept_id: [p.product_id for p in products] for d, products in org.sales_catalogue(leader)}
    assert catalogue == {"ortho": ["bone-plate", "knee-joint", "spinal-screw"],
                         "rehab": ["brace", "cpm", "walker", "wheelchair"]}


def test_notices_go_to_each_sales_departments_active_leaders_and_to_md(fake):
    new_staff(fake, MD, "dm", "ortho", "second.dm@demo.local")
    org.set_staff_active(fake.ctx(MD), fake.user(ORTHO_DM).user_id, False, 1)
    assert recipients.leaders_and_md(fake.uow()) == {"md": [MD], "ortho": ["second.dm@demo.local"],
                                              "rehab": ["rehab.leader@demo.local"]}
    assert set(org.department_names(fake.uow())) == {"md", "ortho", "rehab"}
    assert org.find_department("rehab", fake.uow()).name_en == "Rehabilitation Equipment Sales"
    assert org.find_department("", fake.uow()) is None


def test_the_catalogue_copy_follows_departments_products_and_document_types(fake):
    from portal.adapters.repos.catalogue import Catalogue
    from portal.services import documents

    before = fake.repo(Catalogue).read()
    assert [d.dept_id for d in before.departments] == [d.dept_id for d in fake.repo(Departments).every()]
    org.create_department(fake.ctx(MD), "dental", "口腔部", "Dental")
    org.create_product(fake.ctx(ORTHO_DM), "ortho", "new-plate", "新板", "New plate")
    product = fake.repo(Products).find("ortho", "new-plate")
    org.update_product(fake.ctx(ORTHO_DM), "ortho", "new-plate", name_zh="新钢板", name_en="New plate",
                       active=False, version=product.version, discounts={"VIP": 10})
    dept = fake.repo(Departments).find("ortho")
    org.update_department(fake.ctx(MD), "ortho", "骨科事业部", "Orthopaedics", dept.version)
    documents.save_type(fake.ctx(MD), "iso-cert", name_zh="ISO证书", name_en="ISO", required_for={"medical"},
                        version=None)
    view = fake.repo(Catalogue).read()
    assert view.department("dental").name_en == "Dental" and view.department("ortho").name_zh == "骨科事业部"
    copy = next(p for p in view.products_of("ortho") if p.product_id == "new-plate")
    assert (copy.name_zh, copy.active, copy.discounts) == ("新钢板", False, {"VIP": 10})
    assert "new-plate" not in {p.product_id for p in view.products_of("ortho", on_sale=True)}
    assert next(t for t in view.types if t.type_id == "iso-cert").required_for == {"medical"}
    assert fake.repo(Departments).find("~catalogue") is None
    assert "~catalogue" not in {d.dept_id for d in fake.repo(Departments).every()}
