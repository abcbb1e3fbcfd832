"""Who hears of an event (issue 16 item 1): a customer's users, a department's staff by role, the Marketing
Division; user records read through the repositories, for `notifications.notify`."""

from __future__ import annotations

from portal.adapters.repos.customers import Customers
from portal.adapters.repos.identity import Users
from portal.adapters.repos.org import Departments
from portal.domain.roles import DepartmentKind

QUEUE_ROLES = {"dm", "clerk"}  # who works a department's queues (applications, tickets)


def customer_users(uow, customer=None, customer_id: str | None = None) -> list:
    """The accounts of a customer company (its registered user, by the company's e-mail address)."""
    customer = customer or uow.repo(Customers).find(customer_id)
    if customer is None:
        return []
    user = uow.repo(Users).with_email(customer.email)
    return [user] if user is not None and user.customer_id == customer.customer_id else []


def department_staff(uow, dept_id: str, roles: set[str] = QUEUE_ROLES) -> list:
    """The department's active staff holding one of `roles` (one Query)."""
    return [u for u in uow.repo(Users).active_in(dept_id) if u.role in roles]


def marketing_division(uow) -> list:
    """MD's active staff (the company department's `md` role)."""
    company = [d for d in uow.repo(Departments).every() if d.kind == DepartmentKind.COMPANY.value]
    return [u for d in company for u in department_staff(uow, d.dept_id, {"md"})]


def user(uow, user_id: str | None) -> list:
    """One account as a list of recipients (empty when unknown)."""
    found = uow.repo(Users).find(user_id) if user_id else None
    return [found] if found is not None else []


def leaders_and_md(uow, dept_id: str, cache: dict | None = None) -> list:
    """The department's leaders and MD (INC-2/3, REV-2 escalations); `cache` keeps them across a job's items."""
    cache = {} if cache is None else cache
    if "md" not in cache:
        cache["md"] = marketing_division(uow)
    if dept_id not in cache:
        cache[dept_id] = department_staff(uow, dept_id, {"dm"})
    return cache[dept_id] + cache["md"]


def dept_names(uow, dept_id: str) -> dict:
    """A department's names as notification parameters (`dept` in the reader's language)."""
    dept = uow.repo(Departments).find(dept_id)
    return {"dept_zh": dept.name_zh, "dept_en": dept.name_en} if dept else {"dept": dept_id}
