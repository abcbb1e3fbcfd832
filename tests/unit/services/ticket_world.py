"""Customers for the ticket and visit tests on the in-memory store: a company, its user and (optionally) its
standing in a department, written straight to the fake world (what registration and admission would leave)."""

from __future__ import annotations

import itertools
import uuid

from portal.adapters import records
from portal.adapters.records import to_item
from portal.adapters.repos.grading import Standings
from portal.adapters.store.expr import Put
from portal.services.context import Ctx
from tests.factories import credit_code

_serial = itertools.count(1)


def customer(fake, dept: str | None = "ortho", grade: str = "QUALIFIED", *, name: str | None = None,
             email: str | None = None) -> tuple[str, Ctx]:
    """A registered customer standing in `dept` as `grade` (None: nowhere), and its user's context now."""
    n = next(_serial)
    customer_id, user_id = str(uuid.uuid4()), str(uuid.uuid4())
    name, email = name or f"上海康健医疗器械有限公司{n}", email or f"buyer{n}@kangjian.cn"
    uow = fake.uow()
    for record in (
            records.Customer(customer_id=customer_id, name=name, credit_code=credit_code(), kind="enterprise",
                             region="上海市", industry="医疗器械经销", scale="medium", contact_name="张经理",
                             mobile="+8613800138000", email=email, created_at=fake.now, version=1),
            records.User(user_id=user_id, email=email, name="张经理", kind="customer", customer_id=customer_id,
                         password_hash="-", active=True, created_at=fake.now, version=1),
            records.Unique(key=f"email#{email}", owner_id=user_id)):
        uow.stage(Put(type(record).model, to_item(record)))
    if dept:
        uow.repo(Standings).admit(records.Standing(dept_id=dept, customer_id=customer_id, customer_name=name,
                                                   grade=grade, products={"bone-plate"}, admitted_at=fake.now,
                                                   version=1))
    uow.commit()
    return customer_id, fake.ctx(email)


def set_grade(fake, dept: str, customer_id: str, grade: str | None) -> None:
    """Change (or, with None, end) a customer's standing behind the services' back, as another use case would."""
    uow = fake.uow()
    standing = uow.repo(Standings).get(dept, customer_id)
    if grade is None:
        uow.repo(Standings).end(standing)
    else:
        from portal.domain.grading import Grade

        uow.repo(Standings).set_grade(standing, Grade(grade))
    uow.commit()
