"""ACT-* and SEC-1: who may do what, and where."""

import pytest

from portal.domain.roles import Actor, DepartmentKind, Perm, Role, may, may_grant, may_manage_user


def staff(role: Role, dept: str, uid: str = "u1") -> Actor:
    return Actor(user_id=uid, email=f"{uid}@x.cn", name=uid, kind="staff", role=role, dept_id=dept)


CUSTOMER = Actor(user_id="c1", email="c@x.cn", name="c", kind="customer", customer_id="cust-1")


def test_SEC_1_staff_see_their_own_department_only():
    clerk = staff(Role.CLERK, "rehab")
    assert may(clerk, Perm.VIEW_DEPARTMENT, "rehab")
    assert not may(clerk, Perm.VIEW_DEPARTMENT, "ortho")
    assert not may(clerk, Perm.VIEW_STAFF, "ortho")


@pytest.mark.parametrize("role", [Role.MD, Role.LEAD])
def test_SEC_1_marketing_division_and_leadership_see_every_department(role):
    actor = staff(role, "md")
    assert may(actor, Perm.VIEW_DEPARTMENT, "ortho")
    assert may(actor, Perm.VIEW_STAFF, "rehab")


def test_SEC_1_customers_and_anonymous_have_no_staff_permission():
    for perm in Perm:
        assert not may(None, perm)
        assert not may(CUSTOMER, perm, "ortho")


def test_ACT_MD_only_md_manages_departments_and_reads_the_audit():
    assert may(staff(Role.MD, "md"), Perm.MANAGE_DEPARTMENTS)
    assert may(staff(Role.MD, "md"), Perm.VIEW_AUDIT)
    for role in (Role.LEAD, Role.DM, Role.CLERK, Role.REP):
        assert not may(staff(role, "ortho"), Perm.MANAGE_DEPARTMENTS)
        assert not may(staff(role, "ortho"), Perm.VIEW_AUDIT)


def test_ACT_DM_leader_manages_staff_and_products_of_its_own_department_only():
    leader = staff(Role.DM, "ortho")
    assert may(leader, Perm.MANAGE_STAFF, "ortho") and may(leader, Perm.MANAGE_PRODUCTS, "ortho")
    assert not may(leader, Perm.MANAGE_STAFF, "rehab")
    assert not may(leader, Perm.MANAGE_PRODUCTS, "rehab")
    assert not may(staff(Role.CLERK, "ortho"), Perm.MANAGE_STAFF, "ortho")
    assert not may(staff(Role.REP, "ortho"), Perm.MANAGE_PRODUCTS, "ortho")


def test_ACT_DM_leader_grants_clerk_and_rep_only_in_its_department():
    leader = staff(Role.DM, "ortho")
    assert may_grant(leader, Role.CLERK, "ortho", DepartmentKind.SALES)
    assert may_grant(leader, Role.REP, "ortho", DepartmentKind.SALES)
    assert not may_grant(leader, Role.DM, "ortho", DepartmentKind.SALES)
    assert not may_grant(leader, Role.REP, "rehab", DepartmentKind.SALES)


def test_ACT_roles_fit_their_department_kind():
    md = staff(Role.MD, "md")
    assert may_grant(md, Role.DM, "rehab", DepartmentKind.SALES)
    assert not may_grant(md, Role.MD, "rehab", DepartmentKind.SALES)
    assert may_grant(md, Role.LEAD, "md", DepartmentKind.COMPANY)
    assert not may_grant(md, Role.REP, "md", DepartmentKind.COMPANY)


def test_ACT_nobody_manages_their_own_account_and_leaders_not_other_leaders():
    md = staff(Role.MD, "md", "me")
    assert not may_manage_user(md, Role.MD, "md", "me")
    assert may_manage_user(md, Role.DM, "ortho", "other")
    leader = staff(Role.DM, "ortho", "boss")
    assert may_manage_user(leader, Role.REP, "ortho", "rep1")
    assert not may_manage_user(leader, Role.DM, "ortho", "boss2")
    assert not may_manage_user(leader, Role.REP, "rehab", "rep2")
