"""Organisation: departments, staff accounts and product catalogues (ACT-*, SEC-1)."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l

from portal.adapters import records
from portal.adapters.repos.base import Repo
from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.identity import Users
from portal.adapters.repos.org import Departments, Products
from portal.adapters.uow import UnitOfWork, WriteConflict
from portal.domain.org import valid_slug
from portal.domain.roles import DepartmentKind, Perm, Role, may_grant, may_manage_user, roles_for_department
from portal.services import audit
from portal.services.access import authorize, refuse
from portal.services.auth import check_new_password, end_all_sessions, hash_password, normalise_email
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound, Unauthenticated
from portal.services.paging import Page, encode_cursor, parse_cursor

EMAIL_TAKEN = _l("An account with this e-mail exists already.")
SLUG = _l("2-32 lower-case letters, digits or dashes, starting with a letter.")


# --- departments --------------------------------------------------------------------------------

def list_departments(ctx: Ctx, uow=None) -> list:
    """Departments the actor may see: all for MD and leadership, its own for everyone else."""
    authorize(ctx, Perm.VIEW_DEPARTMENT)
    if ctx.actor.company_wide:
        return (uow or ctx.uow()).repo(Departments).every()
    return [get_department(ctx, ctx.actor.dept_id, uow)]


def sales_scopes(ctx: Ctx) -> list[str]:
    """The sales departments the actor may see, by id (the catalogue's copy: one GetItem)."""
    authorize(ctx, Perm.VIEW_DEPARTMENT)
    catalogue = ctx.uow().repo(Catalogue).read()
    seen = catalogue.departments if ctx.actor.company_wide else [catalogue.department(ctx.actor.dept_id)]
    return [d.dept_id for d in seen if d is not None and d.kind == DepartmentKind.SALES.value]


def department_names(uow=None) -> dict:
    """Every department by id, for showing names (customers see them in the sales catalogue too); one GetItem of
    the catalogue's read copy."""
    return {d.dept_id: d for d in (uow or UnitOfWork()).repo(Catalogue).read().departments}


def product_names(uow=None) -> dict:
    """Every department's products by (department id, product id), for showing names; the same GetItem of the
    catalogue's read copy as department_names (a request reads it once)."""
    return {(p.dept_id, p.product_id): p for p in (uow or UnitOfWork()).repo(Catalogue).read().products}


def get_department(ctx: Ctx, dept_id: str, uow=None):
    """One department, if the actor may see it."""
    authorize(ctx, Perm.VIEW_DEPARTMENT, dept_id, target=dept_id)
    dept = (uow or ctx.uow()).repo(Departments).find(dept_id)
    if dept is None:
        raise NotFound()
    return dept


def create_department(ctx: Ctx, dept_id: str, name_zh: str, name_en: str,
                      kind: DepartmentKind = DepartmentKind.SALES):
    """MD creates a department; its id must be new."""
    authorize(ctx, Perm.MANAGE_DEPARTMENTS)
    if not valid_slug(dept_id):
        raise Invalid(fields={"dept_id": [SLUG]})
    dept = records.Department(dept_id=dept_id, name_zh=name_zh.strip(), name_en=name_en.strip(), kind=kind.value,
                              created_at=ctx.now)
    with ctx.uow() as uow:
        uow.repo(Departments).create(dept)
        audit.stage(uow, ctx, "department.created", target_type="department", target_id=dept_id, dept_id=dept_id,
                    detail={"name_zh": name_zh, "name_en": name_en})
        _commit_new(uow, "dept_id", _l("A department with this id exists already."))
    return dept


def update_department(ctx: Ctx, dept_id: str, name_zh: str, name_en: str, version: int):
    """MD renames a department; a stale form (old version) is refused with Conflict."""
    authorize(ctx, Perm.MANAGE_DEPARTMENTS, target=dept_id)
    with ctx.uow() as uow:
        dept = get_department(ctx, dept_id, uow)
        _check_version(dept, version)
        before = {"name_zh": dept.name_zh, "name_en": dept.name_en}
        dept.name_zh, dept.name_en = name_zh.strip(), name_en.strip()
        _save_with_audit(uow, ctx, Departments, dept, "department.updated", "department", dept_id, dept_id,
                         {"before": before, "after": {"name_zh": dept.name_zh, "name_en": dept.name_en}})
    return dept


# --- staff ----------------------------------------------------------------------------------

def list_staff(ctx: Ctx, dept_id: str, limit: int = 50, cursor: str | None = None) -> Page:
    """Staff of one department, by e-mail, a page at a time (Query on the by_dept index)."""
    authorize(ctx, Perm.VIEW_STAFF, dept_id, target=dept_id)
    items, last = ctx.uow().repo(Users).in_department(dept_id, after=parse_cursor(cursor), limit=limit)
    return Page(items, encode_cursor(last) if last else None)


def get_staff(ctx: Ctx, user_id: str, uow=None):
    """One staff account, if it is in a department the actor may see."""
    user = (uow or ctx.uow()).repo(Users).find(user_id)
    if user is None or user.kind != "staff":
        raise NotFound()
    authorize(ctx, Perm.VIEW_STAFF, user.dept_id, target=user_id)
    return user


def create_staff(ctx: Ctx, *, email: str, name: str, role: str, dept_id: str, password: str):
    """MD creates any staff account; a department leader creates clerks and reps of its own department."""
    authorize(ctx, Perm.MANAGE_STAFF, dept_id, target=dept_id)
    with ctx.uow() as uow:
        dept = get_department(ctx, dept_id, uow)
        role_value = _role(role)
        if not may_grant(ctx.actor, role_value, dept_id, DepartmentKind(dept.kind)):
            raise _role_refused(ctx, role_value, dept)
        email = normalise_email(email)
        problems = {}
        try:
            check_new_password(password, email)
        except Invalid as exc:
            problems.update(exc.fields)
        users = uow.repo(Users)
        if users.email_taken(email):
            problems["email"] = [EMAIL_TAKEN]
        if problems == {"email": [EMAIL_TAKEN]}:  # nothing wrong with the request itself: it conflicts with an account
            raise Conflict(EMAIL_TAKEN, fields=problems)
        if problems:
            raise Invalid(fields=problems)  # every problem at once, the taken address too
        user = records.User(user_id=str(uuid.uuid4()), email=email, name=name.strip(), kind="staff",
                            role=role_value.value, dept_id=dept_id, password_hash=hash_password(password),
                            must_change_password=True, active=True, created_at=ctx.now)  # a temporary password
        users.create(user)
        audit.stage(uow, ctx, "staff.created", target_type="user", target_id=user.user_id, dept_id=dept_id,
                    detail={"email": email, "role": role_value.value})
        _commit_new(uow, "email", EMAIL_TAKEN)  # a lost race for the same address
    return user


def update_staff(ctx: Ctx, user_id: str, *, name: str, role: str, version: int):
    """Change a staff member's name or role; a role change ends its sessions."""
    with ctx.uow() as uow:
        user = get_staff(ctx, user_id, uow)
        authorize(ctx, Perm.MANAGE_STAFF, user.dept_id, target=user_id)
        dept = get_department(ctx, user.dept_id, uow)
        role_value = _role(role)
        if not may_manage_user(ctx.actor, Role(user.role), user.dept_id, user.user_id) or not may_grant(
            ctx.actor, role_value, user.dept_id, DepartmentKind(dept.kind)
        ):
            raise _role_refused(ctx, role_value, dept, user_id)
        _check_version(user, version)
        before = {"name": user.name, "role": user.role}
        role_changed = user.role != role_value.value
        user.name, user.role = name.strip(), role_value.value
        if role_changed:
            user.tokens_after = ctx.now  # API tokens of the old role end with its sessions
        _save_with_audit(uow, ctx, Users, user, "staff.updated", "user", user_id, user.dept_id,
                         {"before": before, "after": {"name": user.name, "role": user.role}})
    if role_changed:
        end_all_sessions(ctx, user_id)
    return user


def set_staff_active(ctx: Ctx, user_id: str, active: bool, version: int):
    """Disable (ending every session at once) or re-enable a staff account."""
    with ctx.uow() as uow:
        user = get_staff(ctx, user_id, uow)
        authorize(ctx, Perm.MANAGE_STAFF, user.dept_id, target=user_id)
        if not may_manage_user(ctx.actor, Role(user.role), user.dept_id, user.user_id):
            raise refuse(ctx, "staff.set_active", user_id, user.dept_id)
        _check_version(user, version)
        user.active = active
        if not active:
            user.tokens_after = ctx.now  # its API tokens stay dead after it is enabled again
        _save_with_audit(uow, ctx, Users, user, "staff.enabled" if active else "staff.disabled", "user", user_id,
                         user.dept_id, None)
    if not active:
        end_all_sessions(ctx, user_id)
    return user


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise Invalid(fields={"role": [_l("Not a valid role.")]}) from exc


def _role_refused(ctx: Ctx, role: Role, dept, target: str | None = None):
    """ACT-*: a role the department has no place for is Invalid; one the actor may not grant is refused."""
    if role not in roles_for_department(DepartmentKind(dept.kind)):
        message = _l("This role does not exist in this department.")
        return Conflict(message, fields={"role": [message]})  # the department's kind decides its roles
    return refuse(ctx, f"grant_role:{role.value}", target or dept.dept_id, dept.dept_id)


# --- products -------------------------------------------------------------------------------

def list_products(ctx: Ctx, dept_id: str, uow=None) -> list:
    """A department's product catalogue."""
    authorize(ctx, Perm.VIEW_DEPARTMENT, dept_id, target=dept_id)
    return (uow or ctx.uow()).repo(Products).of_department(dept_id)


def get_product(ctx: Ctx, dept_id: str, product_id: str, uow=None):
    """One product of a department the actor may see."""
    authorize(ctx, Perm.VIEW_DEPARTMENT, dept_id, target=dept_id)
    product = (uow or ctx.uow()).repo(Products).find(dept_id, product_id)
    if product is None:
        raise NotFound()
    return product


def create_product(ctx: Ctx, dept_id: str, product_id: str, name_zh: str, name_en: str):
    """The department leader (or MD) adds a product to a sales department's catalogue."""
    authorize(ctx, Perm.MANAGE_PRODUCTS, dept_id, target=dept_id)
    with ctx.uow() as uow:
        dept = get_department(ctx, dept_id, uow)
        if dept.kind != DepartmentKind.SALES.value:
            message = _l("Only sales departments have a product catalogue.")
            raise Conflict(message, fields={"dept_id": [message]})
        if not valid_slug(product_id):
            raise Invalid(fields={"product_id": [SLUG]})
        product = records.Product(dept_id=dept_id, product_id=product_id, name_zh=name_zh.strip(),
                                  name_en=name_en.strip(), active=True, created_at=ctx.now)
        uow.repo(Products).create(product)
        audit.stage(uow, ctx, "product.created", target_type="product", target_id=product_id, dept_id=dept_id,
                    detail={"name_zh": name_zh, "name_en": name_en})
        _commit_new(uow, "product_id", _l("A product with this id exists already in this department."))
    return product


def update_product(ctx: Ctx, dept_id: str, product_id: str, *, name_zh: str, name_en: str, active: bool,
                   version: int, discounts: dict[str, int | None] | None = None):
    """Rename, withdraw or restore a product; a stale form is refused with Conflict."""
    authorize(ctx, Perm.MANAGE_PRODUCTS, dept_id, target=product_id)
    with ctx.uow() as uow:
        product = get_product(ctx, dept_id, product_id, uow)
        _check_version(product, version)
        before = {"name_zh": product.name_zh, "name_en": product.name_en, "active": product.active}
        product.name_zh, product.name_en, product.active = name_zh.strip(), name_en.strip(), active
        if discounts is not None:  # RGT-1 a: price tier per grade, in percent off the list price
            product.discounts = {grade: int(v) for grade, v in discounts.items() if v is not None} or None
        _save_with_audit(uow, ctx, Products, product, "product.updated", "product", product_id, dept_id,
                         {"before": before, "after": {"name_zh": product.name_zh, "name_en": product.name_en,
                                                      "active": product.active}})
    return product


def sales_catalogue(ctx: Ctx) -> list[tuple]:
    """Sales departments with their products on sale: what a signed-in customer may apply for."""
    if ctx.actor is None:
        raise Unauthenticated()
    catalogue = ctx.uow().repo(Catalogue).read()  # one GetItem: the catalogue's read copy
    return [(d, catalogue.products_of(d.dept_id, on_sale=True)) for d in catalogue.sales()]


# --- shared helpers ---------------------------------------------------------------------------

def _check_version(record, version: int) -> None:
    """Optimistic lock: the form must have been loaded from the current version of the record."""
    if version is None or int(version) != int(record.version or 0):
        raise Conflict()


def _commit_new(uow, field: str, message) -> None:
    """Commit a new record; if its id (or e-mail) was taken, before or meanwhile, say so next to `field`."""
    try:
        uow.commit()
    except WriteConflict as exc:
        raise Conflict(message, fields={field: [message]}) from exc


def _save_with_audit(uow, ctx: Ctx, repo: type[Repo], record, action: str, target_type: str, target_id: str,
                     dept_id: str | None, detail: dict | None) -> None:
    """Save a versioned record and its audit event in one transaction; a lost race is a Conflict."""
    uow.repo(repo).save(record)
    audit.stage(uow, ctx, action, target_type=target_type, target_id=target_id, dept_id=dept_id, detail=detail)
    try:
        uow.commit()
    except WriteConflict as exc:
        raise Conflict() from exc


def find_department(dept_id: str, uow=None):
    """A department record for display (names only; callers have checked access to the record it labels)."""
    return (uow or UnitOfWork()).repo(Departments).find(dept_id)
