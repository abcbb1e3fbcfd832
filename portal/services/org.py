"""Organisation: departments, staff accounts and product catalogues (ACT-*, SEC-1)."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError

from portal.adapters.tables import Department, Product, Unique, User, transaction
from portal.domain.org import valid_slug
from portal.domain.roles import DepartmentKind, Perm, Role, may_grant, may_manage_user, roles_for_department
from portal.services import audit
from portal.services.access import authorize, refuse
from portal.services.auth import check_new_password, end_all_sessions, hash_password, normalise_email
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound, Unauthenticated
from portal.services.paging import Page, after, page_of

EMAIL_TAKEN = _l("An account with this e-mail exists already.")


# --- departments --------------------------------------------------------------------------------

def list_departments(ctx: Ctx) -> list[Department]:
    """Departments the actor may see: all for MD and leadership, its own for everyone else."""
    authorize(ctx, Perm.VIEW_DEPARTMENT)
    if ctx.actor.company_wide:
        return list(Department.query("org"))
    return [get_department(ctx, ctx.actor.dept_id)]


def department_names() -> dict[str, Department]:
    """Every department by id, for showing names (customers see them in the sales catalogue too); one Query."""
    return {d.dept_id: d for d in Department.query("org")}


def get_department(ctx: Ctx, dept_id: str) -> Department:
    """One department, if the actor may see it."""
    authorize(ctx, Perm.VIEW_DEPARTMENT, dept_id, target=dept_id)
    try:
        return Department.get("org", dept_id)
    except DoesNotExist as exc:
        raise NotFound() from exc


def create_department(ctx: Ctx, dept_id: str, name_zh: str, name_en: str,
                      kind: DepartmentKind = DepartmentKind.SALES) -> Department:
    """MD creates a department; its id must be new."""
    authorize(ctx, Perm.MANAGE_DEPARTMENTS)
    if not valid_slug(dept_id):
        raise Invalid(fields={"dept_id": [_l("2-32 lower-case letters, digits or dashes, starting with a letter.")]})
    dept = Department(org="org", dept_id=dept_id, name_zh=name_zh.strip(), name_en=name_en.strip(),
                      kind=kind.value, created_at=ctx.now)
    try:
        with transaction() as tx:
            tx.save(dept, condition=Department.dept_id.does_not_exist())
            tx.save(audit.event(ctx, "department.created", target_type="department", target_id=dept_id,
                                dept_id=dept_id, detail={"name_zh": name_zh, "name_en": name_en}))
    except TransactWriteError as exc:
        raise Conflict(_l("A department with this id exists already."), fields={"dept_id": [
            _l("A department with this id exists already.")]}) from exc
    return dept


def update_department(ctx: Ctx, dept_id: str, name_zh: str, name_en: str, version: int) -> Department:
    """MD renames a department; a stale form (old version) is refused with Conflict."""
    authorize(ctx, Perm.MANAGE_DEPARTMENTS, target=dept_id)
    dept = get_department(ctx, dept_id)
    _check_version(dept, version)
    before = {"name_zh": dept.name_zh, "name_en": dept.name_en}
    dept.name_zh, dept.name_en = name_zh.strip(), name_en.strip()
    _save_with_audit(ctx, dept, "department.updated", "department", dept_id, dept_id,
                     {"before": before, "after": {"name_zh": dept.name_zh, "name_en": dept.name_en}})
    return dept


# --- staff ----------------------------------------------------------------------------------

def list_staff(ctx: Ctx, dept_id: str, limit: int = 50, cursor: str | None = None) -> Page:
    """Staff of one department, by e-mail, a page at a time (Query on the by_dept index)."""
    authorize(ctx, Perm.VIEW_STAFF, dept_id, target=dept_id)
    return page_of(User.by_dept.query(dept_id, after(User.email, cursor), limit=limit), "email")


def get_staff(ctx: Ctx, user_id: str) -> User:
    """One staff account, if it is in a department the actor may see."""
    try:
        user = User.get(user_id)
    except DoesNotExist as exc:
        raise NotFound() from exc
    if user.kind != "staff":
        raise NotFound()
    authorize(ctx, Perm.VIEW_STAFF, user.dept_id, target=user_id)
    return user


def create_staff(ctx: Ctx, *, email: str, name: str, role: str, dept_id: str, password: str) -> User:
    """MD creates any staff account; a department leader creates clerks and reps of its own department."""
    authorize(ctx, Perm.MANAGE_STAFF, dept_id, target=dept_id)
    dept = get_department(ctx, dept_id)
    role_value = _role(role)
    if not may_grant(ctx.actor, role_value, dept_id, DepartmentKind(dept.kind)):
        raise _role_refused(ctx, role_value, dept)
    email = normalise_email(email)
    problems = {}
    try:
        check_new_password(password, email)
    except Invalid as exc:
        problems.update(exc.fields)
    if Unique.count(f"email#{email}"):
        problems["email"] = [EMAIL_TAKEN]
    if problems == {"email": [EMAIL_TAKEN]}:  # nothing wrong with the request itself: it conflicts with an account
        raise Conflict(EMAIL_TAKEN, fields=problems)
    if problems:
        raise Invalid(fields=problems)  # every problem at once, the taken address too
    user = User(user_id=str(uuid.uuid4()), email=email, name=name.strip(), kind="staff", role=role_value.value,
                dept_id=dept_id, password_hash=hash_password(password), active=True, created_at=ctx.now)
    try:
        with transaction() as tx:
            tx.save(Unique(f"email#{email}", owner_id=user.user_id), condition=Unique.key.does_not_exist())
            tx.save(user, condition=User.user_id.does_not_exist())
            tx.save(audit.event(ctx, "staff.created", target_type="user", target_id=user.user_id,
                                dept_id=dept_id, detail={"email": email, "role": role_value.value}))
    except TransactWriteError as exc:  # lost a race for the same address
        raise Conflict(EMAIL_TAKEN, fields={"email": [EMAIL_TAKEN]}) from exc
    return user


def update_staff(ctx: Ctx, user_id: str, *, name: str, role: str, version: int) -> User:
    """Change a staff member's name or role; a role change ends its sessions."""
    user = get_staff(ctx, user_id)
    authorize(ctx, Perm.MANAGE_STAFF, user.dept_id, target=user_id)
    dept = get_department(ctx, user.dept_id)
    role_value = _role(role)
    if not may_manage_user(ctx.actor, Role(user.role), user.dept_id, user.user_id) or not may_grant(
        ctx.actor, role_value, user.dept_id, DepartmentKind(dept.kind)
    ):
        raise _role_refused(ctx, role_value, dept, user_id)
    _check_version(user, version)
    before = {"name": user.name, "role": user.role}
    role_changed = user.role != role_value.value
    user.name, user.role = name.strip(), role_value.value
    _save_with_audit(ctx, user, "staff.updated", "user", user_id, user.dept_id,
                     {"before": before, "after": {"name": user.name, "role": user.role}})
    if role_changed:
        end_all_sessions(user_id)
    return user


def set_staff_active(ctx: Ctx, user_id: str, active: bool, version: int) -> User:
    """Disable (ending every session at once) or re-enable a staff account."""
    user = get_staff(ctx, user_id)
    authorize(ctx, Perm.MANAGE_STAFF, user.dept_id, target=user_id)
    if not may_manage_user(ctx.actor, Role(user.role), user.dept_id, user.user_id):
        raise refuse(ctx, "staff.set_active", user_id, user.dept_id)
    _check_version(user, version)
    user.active = active
    _save_with_audit(ctx, user, "staff.enabled" if active else "staff.disabled", "user", user_id, user.dept_id, None)
    if not active:
        end_all_sessions(user_id)
    return user


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise Invalid(fields={"role": [_l("Not a valid role.")]}) from exc


def _role_refused(ctx: Ctx, role: Role, dept: Department, target: str | None = None):
    if role.value not in {r.value for r in _roles_of(dept)}:
        message = _l("This role does not exist in this department.")
        return Conflict(message, fields={"role": [message]})  # the department's kind decides its roles
    return refuse(ctx, f"grant_role:{role.value}", target or dept.dept_id, dept.dept_id)


def _roles_of(dept: Department):
    return roles_for_department(DepartmentKind(dept.kind))


# --- products -------------------------------------------------------------------------------

def list_products(ctx: Ctx, dept_id: str) -> list[Product]:
    """A department's product catalogue."""
    authorize(ctx, Perm.VIEW_DEPARTMENT, dept_id, target=dept_id)
    return list(Product.query(dept_id))


def get_product(ctx: Ctx, dept_id: str, product_id: str) -> Product:
    """One product of a department the actor may see."""
    authorize(ctx, Perm.VIEW_DEPARTMENT, dept_id, target=dept_id)
    try:
        return Product.get(dept_id, product_id)
    except DoesNotExist as exc:
        raise NotFound() from exc


def create_product(ctx: Ctx, dept_id: str, product_id: str, name_zh: str, name_en: str) -> Product:
    """The department leader (or MD) adds a product to a sales department's catalogue."""
    authorize(ctx, Perm.MANAGE_PRODUCTS, dept_id, target=dept_id)
    dept = get_department(ctx, dept_id)
    if dept.kind != DepartmentKind.SALES.value:
        message = _l("Only sales departments have a product catalogue.")
        raise Conflict(message, fields={"dept_id": [message]})
    if not valid_slug(product_id):
        raise Invalid(fields={"product_id": [_l("2-32 lower-case letters, digits or dashes, starting with a letter.")]})
    product = Product(dept_id=dept_id, product_id=product_id, name_zh=name_zh.strip(), name_en=name_en.strip(),
                      active=True, created_at=ctx.now)
    try:
        with transaction() as tx:
            tx.save(product, condition=Product.product_id.does_not_exist())
            tx.save(audit.event(ctx, "product.created", target_type="product", target_id=product_id,
                                dept_id=dept_id, detail={"name_zh": name_zh, "name_en": name_en}))
    except TransactWriteError as exc:
        msg = _l("A product with this id exists already in this department.")
        raise Conflict(msg, fields={"product_id": [msg]}) from exc
    return product


def update_product(ctx: Ctx, dept_id: str, product_id: str, *, name_zh: str, name_en: str, active: bool,
                   version: int, discounts: dict[str, int | None] | None = None) -> Product:
    """Rename, withdraw or restore a product; a stale form is refused with Conflict."""
    authorize(ctx, Perm.MANAGE_PRODUCTS, dept_id, target=product_id)
    product = get_product(ctx, dept_id, product_id)
    _check_version(product, version)
    before = {"name_zh": product.name_zh, "name_en": product.name_en, "active": product.active}
    product.name_zh, product.name_en, product.active = name_zh.strip(), name_en.strip(), active
    if discounts is not None:  # RGT-1 a: price tier per grade, in percent off the list price
        product.discounts = {grade: int(v) for grade, v in discounts.items() if v is not None} or None
    _save_with_audit(ctx, product, "product.updated", "product", product_id, dept_id,
                     {"before": before, "after": {"name_zh": product.name_zh, "name_en": product.name_en,
                                                  "active": product.active}})
    return product


# --- shared helpers ---------------------------------------------------------------------------

def _check_version(record, version: int) -> None:
    """Optimistic lock: the form must have been loaded from the current version of the record."""
    if version is None or int(version) != int(record.version or 0):
        raise Conflict()


def _save_with_audit(ctx: Ctx, record, action: str, target_type: str, target_id: str,
                     dept_id: str | None, detail: dict | None) -> None:
    """Save a versioned record and its audit event in one transaction; a lost race is a Conflict."""
    try:
        with transaction() as tx:
            tx.save(record)
            tx.save(audit.event(ctx, action, target_type=target_type, target_id=target_id, dept_id=dept_id,
                                detail=detail))
    except (TransactWriteError, PutError, UpdateError) as exc:
        raise Conflict() from exc


def sales_catalogue(ctx: Ctx) -> list[tuple[Department, list[Product]]]:
    """Sales departments with their products on sale: what a signed-in customer may apply for."""
    if ctx.actor is None:
        raise Unauthenticated()
    departments = [d for d in Department.query("org") if d.kind == DepartmentKind.SALES.value]
    return [(d, [p for p in Product.query(d.dept_id) if p.active]) for d in departments]


def find_department(dept_id: str) -> Department | None:
    """A department record for display (names only; callers have checked access to the record it labels)."""
    try:
        return Department.get("org", dept_id)
    except DoesNotExist:
        return None


def leaders_and_md() -> dict[str, list[str]]:
    """E-mail addresses of every sales department's leaders, and of MD (key "md"), for notifications."""
    out: dict[str, list[str]] = {}
    for dept in Department.query("org"):
        wanted = {"dm"} if dept.kind == DepartmentKind.SALES.value else {"md"}
        emails = [u.email for u in User.by_dept.query(dept.dept_id) if u.active and u.role in wanted]
        out["md" if dept.kind == DepartmentKind.COMPANY.value else dept.dept_id] = emails
    return out
