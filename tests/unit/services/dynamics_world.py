"""Helpers for the dynamic-management service tests on the in-memory store: customers with their users and
documents written straight to the store (registration and uploads have their own tests), and readers."""

from __future__ import annotations

import uuid
from datetime import datetime

from portal.adapters import records
from portal.adapters.clock import utc_now
from portal.adapters.records import to_item
from portal.adapters.repos.grading import Counters, Standings
from portal.adapters.store.expr import Put
from portal.adapters.tables import AuditEvent
from portal.domain.timeutil import shanghai_day
from tests.factories import admitted, credit_code, stand_counted

LEADER = "ortho.leader@demo.local"
MD = "md.admin@demo.local"
WRITES = {"TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem"}


def put(world, *items) -> None:
    """Write records as they are (test setup)."""
    uow = world.uow()
    for item in items:
        uow.stage(Put(type(item).model, to_item(item)))
    uow.commit()


def customer(world, name: str = "上海康健医疗器械有限公司", email: str | None = None):
    """A registered customer with one user; return (customer id, that user's e-mail)."""
    customer_id, user_id, code = str(uuid.uuid4()), str(uuid.uuid4()), credit_code()
    email = email or f"{customer_id[:8]}@kangjian.cn"
    put(world,
        records.Customer(customer_id=customer_id, name=name, credit_code=code, kind="enterprise",
                         region="上海市", industry="医疗器械", scale="small", contact_name="张经理",
                         mobile="+8613800138000", email=email, created_at=utc_now(), version=1),
        records.Unique(key=f"uscc#{code}", owner_id=customer_id),
        records.Unique(key=f"email#{email}", owner_id=user_id),
        records.User(user_id=user_id, email=email, name="张经理", kind="customer", customer_id=customer_id,
                     password_hash="-", active=True, created_at=utc_now(), version=1))
    return customer_id, email


def credit_code_of(world, customer_id: str) -> str:
    """The customer's registered credit code."""
    return world.store.get(records.Customer.model, {"customer_id": customer_id})["credit_code"]


def verified_document(world, customer_id: str, type_id: str = "business-licence") -> str:
    """A verified qualification document of the customer; return its id."""
    doc_id = str(uuid.uuid4())
    put(world, records.Document(doc_id=doc_id, customer_id=customer_id, type_id=type_id, status="verified",
                                original_name="营业执照.pdf", content_type="application/pdf",
                                s3_key=f"documents/{customer_id}/{doc_id}.pdf", issue_date="2024-01-01",
                                uploaded_by="buyer", created_at=utc_now(), version=1))
    return doc_id


def counts(world, dept: str = "ortho", key: str = "all") -> tuple[int, int, int]:
    """(total, vip, preferred) of a department's (or a product's) counter."""
    c = world.repo(Counters).get(dept, key)
    return int(c.total or 0), int(c.vip or 0), int(c.preferred or 0)


def standing(world, dept: str, customer_id: str):
    """The customer's standing in the department, or None."""
    return world.repo(Standings).get(dept, customer_id)


def audit_of(world, day: str, action: str) -> list[dict]:
    """The audit events of a Shanghai day with this action."""
    return [e for e in world.store.query(AuditEvent, day).items if e["action"] == action]


def today(world) -> str:
    """The world's day in Shanghai (the audit trail's partition)."""
    return shanghai_day(world.now).isoformat()


def writes_during(world, run) -> list[str]:
    """The write calls the store received while `run()` ran (DESIGN rule 7: a second run makes none)."""
    before = len(world.store.calls)
    run()
    return [c for c in world.store.calls[before:] if c in WRITES]


def vip_customers(world, ctx_now: datetime | None = None) -> list[str]:
    """20 customers of ortho, the first promoted to VIP by the leader."""
    from portal.services import grading

    customers = admitted("ortho", 20, store=world.store)
    grading.change(world.ctx(LEADER, now=ctx_now), "ortho", customers[0], "VIP", "优秀",
                   no_evaluation_reason="测试准备：不经评价直接调整")
    return customers


__all__ = ["LEADER", "MD", "admitted", "audit_of", "counts", "credit_code_of", "customer", "put", "stand_counted",
           "standing", "today", "verified_document", "vip_customers", "writes_during"]
