"""ACT-MD / ACT-DM through the pages: departments, staff accounts, catalogues, disabling, stale forms."""

import re

from portal.adapters.tables import Department, Product, User
from tests.conftest import DEMO_PASSWORD, csrf_token, sign_in, user_id_of


def post_form(client, path, data):
    data = {**data, "csrf_token": csrf_token(client, path)}
    return client.post(path, data=data)


def test_ACT_MD_creates_a_department_and_its_leader(client):
    sign_in(client, "md.admin@demo.local")
    response = post_form(client, "/staff/departments/new",
                         {"dept_id": "spine", "name_zh": "脊柱产品销售部", "name_en": "Spine Sales"})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/departments/spine"
    assert Department.get("org", "spine").kind == "sales"
    response = post_form(client, "/staff/departments/spine/staff/new", {
        "email": "spine.leader@corp.cn", "name": "黄部长", "role": "dm", "password": "spine leader phrase"})
    assert response.status_code == 302
    leader = User.get(user_id_of("spine.leader@corp.cn"))
    assert (leader.role, leader.dept_id, leader.active) == ("dm", "spine", True)
    assert leader.password_hash.startswith("$argon2id$")
    page = client.get("/staff/departments/spine").get_data(as_text=True)
    assert "黄部长" in page and "部门领导" in page


def test_duplicate_department_id_is_refused_next_to_the_field(client):
    sign_in(client, "md.admin@demo.local")
    response = post_form(client, "/staff/departments/new", {"dept_id": "ortho", "name_zh": "重复", "name_en": "Dup"})
    assert response.status_code == 200
    assert re.search(r'id="dept_id-error">已存在使用此编号的部门', response.get_data(as_text=True))
    assert Department.get("org", "ortho").name_zh == "骨科产品销售部"


def test_bad_department_id_is_refused(client):
    sign_in(client, "md.admin@demo.local")
    response = post_form(client, "/staff/departments/new", {"dept_id": "Bad Id!", "name_zh": "x", "name_en": "x"})
    assert re.search(r'id="dept_id-error">', response.get_data(as_text=True))
    assert Department.count("org") == 3


def test_ACT_DM_leader_adds_a_rep_but_may_not_make_a_leader(client):
    sign_in(client, "ortho.leader@demo.local")
    ok = post_form(client, "/staff/departments/ortho/staff/new", {
        "email": "new.rep@demo.local", "name": "新业务员", "role": "rep", "password": "new rep phrase 1"})
    assert ok.status_code == 302
    refused = post_form(client, "/staff/departments/ortho/staff/new", {
        "email": "new.dm@demo.local", "name": "x", "role": "dm", "password": "new dm phrase 1"})
    assert refused.status_code == 403
    assert Department.count("org") == 3
    from portal.services.auth import find_user_by_email

    assert find_user_by_email("new.dm@demo.local") is None


def test_duplicate_email_and_weak_password_get_messages_next_to_their_fields(client):
    sign_in(client, "ortho.leader@demo.local")
    dup = post_form(client, "/staff/departments/ortho/staff/new", {
        "email": "ORTHO.REP@demo.local", "name": "x", "role": "rep", "password": "another phrase 1"})
    assert re.search(r'id="email-error">此邮箱已有账号', dup.get_data(as_text=True))
    weak = post_form(client, "/staff/departments/ortho/staff/new", {
        "email": "weak@demo.local", "name": "x", "role": "rep", "password": "12345678"})
    assert re.search(r'id="password-error">此密码过于常见', weak.get_data(as_text=True))


def test_leader_manages_the_product_catalogue(client):
    sign_in(client, "rehab.leader@demo.local")
    response = post_form(client, "/staff/departments/rehab/products/new",
                         {"product_id": "crutch", "name_zh": "腋拐", "name_en": "Crutch"})
    assert response.status_code == 302
    assert Product.get("rehab", "crutch").name_zh == "腋拐"
    edit = post_form(client, "/staff/departments/rehab/products/crutch",
                     {"name_zh": "铝合金腋拐", "name_en": "Aluminium crutch", "version": "1"})
    assert edit.status_code == 302
    product = Product.get("rehab", "crutch")
    assert (product.name_zh, product.active, product.version) == ("铝合金腋拐", False, 2)


def test_SEC_2_stale_product_form_is_refused_and_nothing_is_lost(app):
    first, second = app.test_client(), app.test_client()
    sign_in(first, "ortho.leader@demo.local")
    sign_in(second, "md.admin@demo.local")
    path = "/staff/departments/ortho/products/bone-plate"
    assert post_form(first, path, {"name_zh": "接骨板 A", "name_en": "Plate A", "active": "y", "version": "1"}
                     ).status_code == 302
    stale = post_form(second, path, {"name_zh": "接骨板 B", "name_en": "Plate B", "active": "y", "version": "1"})
    assert stale.status_code == 200
    assert "此记录已被他人修改" in stale.get_data(as_text=True)
    assert Product.get("ortho", "bone-plate").name_zh == "接骨板 A"


def test_disabling_a_user_ends_all_its_sessions_at_once(app):
    rep_laptop, rep_phone, leader = app.test_client(), app.test_client(), app.test_client()
    sign_in(rep_laptop, "ortho.rep@demo.local")
    sign_in(rep_phone, "ortho.rep@demo.local")
    assert rep_laptop.get("/staff/").status_code == 200
    sign_in(leader, "ortho.leader@demo.local")
    rep_id = user_id_of("ortho.rep@demo.local")
    token = csrf_token(leader, f"/staff/users/{rep_id}")
    response = leader.post(f"/staff/users/{rep_id}/active", data={"csrf_token": token, "version": "1",
                                                                  "action": "disable"})
    assert response.status_code == 302
    assert rep_laptop.get("/staff/").status_code == 302
    assert rep_phone.get("/staff/").status_code == 302
    again = sign_in(app.test_client(), "ortho.rep@demo.local")
    assert "此账号已停用" in again.get_data(as_text=True)


def test_disabled_users_old_cookie_is_worthless_even_if_sessions_linger(app):
    from portal.adapters.tables import Session

    rep = app.test_client()
    sign_in(rep, "ortho.rep@demo.local")
    user = User.get(user_id_of("ortho.rep@demo.local"))
    user.update(actions=[User.active.set(False)])  # sessions not deleted: the user check alone refuses
    assert Session.by_user.query(user.user_id).next() is not None
    assert rep.get("/staff/").status_code == 302


def test_rehab_clerk_cannot_open_ortho_pages_or_records_by_id(app, client):
    md = app.test_client()
    sign_in(md, "md.admin@demo.local")
    post_form(md, "/staff/departments/rehab/staff/new", {
        "email": "rehab.clerk@demo.local", "name": "康复内勤", "role": "clerk", "password": DEMO_PASSWORD})
    sign_in(client, "rehab.clerk@demo.local")
    assert client.get("/staff/departments/rehab").status_code == 302  # MD set the password: change it first
    post_form(client, "/account/password", {"current_password": DEMO_PASSWORD, "new_password": "my own phrase 2027",
                                            "confirm": "my own phrase 2027"})
    assert client.get("/staff/departments/ortho").status_code == 403
    assert client.get(f"/staff/users/{user_id_of('ortho.rep@demo.local')}").status_code == 403
    assert client.get("/staff/departments/rehab").status_code == 200
    assert client.get("/staff/users/not-a-real-id").status_code == 404


def test_leader_sees_every_department_but_cannot_manage(client):
    sign_in(client, "leader@demo.local")
    page = client.get("/staff/").get_data(as_text=True)
    assert "骨科产品销售部" in page and "康复器具销售部" in page
    assert client.get("/staff/departments/ortho/staff/new").status_code == 403
