"""Build customers, documents and applications through the real services (for tests on moto)."""

from __future__ import annotations

import itertools
from datetime import date

from stdnum.cn import uscc

from portal.adapters import aws, files
from portal.adapters.clock import utc_now
from portal.adapters.records import to_item
from portal.adapters.store.expr import Put
from portal.adapters.tables import User
from portal.services import applications, customers, documents
from portal.services.auth import actor_for
from portal.services.context import Ctx

PASSWORD = "Demo-pass-2026!"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + b" " * 400
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 400
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 400
_serial = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    """A valid 统一社会信用代码 (GB 32100-2015 check digit)."""
    body = f"91310115MA{(n if n is not None else next(_serial)):07d}"
    return body + uscc.calc_check_digit(body)


def registration(**overrides) -> customers.Registration:
    """A complete, valid registration."""
    n = next(_serial)
    values = dict(name=f"上海康健医疗器械有限公司{n}", credit_code=credit_code(n), kind="enterprise",
                  region="上海市浦东新区", industry="医疗器械经销", scale="medium", contact_name="张经理",
                  mobile="13800138000", email=f"buyer{n}@kangjian.cn", password=PASSWORD)
    values.update(overrides)
    return customers.Registration(**values)


def register(**overrides):
    """Register a customer; return (customer, its user's service context)."""
    customer, user = customers.register(Ctx(None, utc_now(), "127.0.0.1"), registration(**overrides))
    return customer, customer_ctx(user.user_id)


def customer_ctx(user_id: str) -> Ctx:
    """The service context of a customer's user."""
    return Ctx(actor_for(User.get(user_id)), utc_now(), "127.0.0.1")


def upload(ctx: Ctx, type_id: str, content: bytes = PDF, content_type: str = "application/pdf",
           filename: str = "营业执照.pdf", confirm: bool = True, **dates):
    """Request an upload, store `content` where the presigned POST would, and (by default) confirm it."""
    ticket = documents.request_upload(
        ctx, ctx.actor.customer_id, type_id=type_id, filename=filename, content_type=content_type,
        issue_date=dates.get("issue_date", date(2024, 1, 1)), expiry_date=dates.get("expiry_date"),
        long_term=dates.get("long_term", "expiry_date" not in dates))
    if content is not None:
        aws.client("s3").put_object(Bucket=files._bucket["name"], Key=ticket.document.s3_key, Body=content)
    return documents.confirm(ctx, ticket.document.doc_id) if confirm else ticket.document


def attach(ctx: Ctx, ticket_id: str, content: bytes | None = PDF, content_type: str = "application/pdf",
           filename: str = "送货单.pdf", confirm: bool = True):
    """Attach a file to a ticket as the browser would: request, store where the presigned POST would, confirm."""
    from portal.services import ticket_files

    upload = ticket_files.request(ctx, ticket_id, filename, content_type)
    if content is not None:
        aws.client("s3").put_object(Bucket=files._bucket["name"], Key=upload.event.s3_key, Body=content)
    return ticket_files.confirm(ctx, ticket_id, upload.event.event_id) if confirm else upload.event


def stand(customer, dept_id: str = "ortho", grade: str = "QUALIFIED", products=("bone-plate",)):
    """Put a registered customer in a department's customer list with `grade` (no counters: see `admitted`)."""
    from portal.adapters.tables import Standing

    standing = Standing(dept_id=dept_id, customer_id=customer.customer_id, customer_name=customer.name, grade=grade,
                        dept_grade=f"{dept_id}#{grade}", products=set(products), admitted_at=utc_now())
    standing.save()
    return standing


def all_required_documents(ctx: Ctx) -> list:
    """Upload and verify every document the customer's type requires."""
    kind = customers.get_customer(ctx, ctx.actor.customer_id).kind
    return [upload(ctx, t.type_id) for t in documents.required_types(kind)]


def applied(dept_id: str = "ortho", products=("bone-plate",), **overrides):
    """A registered customer with its documents, applied to `dept_id`; return (customer, ctx, application)."""
    customer, ctx = register(**overrides)
    all_required_documents(ctx)
    return customer, ctx, applications.submit(ctx, dept_id, list(products))


def admitted(dept_id: str, n: int, products=("bone-plate",), store=None) -> list[str]:
    """n customers standing in `dept_id` as 合格, counted as an admission counts them; return their ids."""
    import uuid

    from portal.adapters import records
    from portal.adapters.uow import UnitOfWork

    ids = []
    for i in range(n):
        customer_id = str(uuid.uuid4())
        uow = UnitOfWork(store)
        uow.stage(Put(records.Customer.model, to_item(records.Customer(
            customer_id=customer_id, name=f"客户{i:03d}", credit_code=credit_code(), kind="enterprise",
            region="上海市", industry="医疗器械", scale="small", contact_name="联系人", mobile="+8613800138000",
            email=f"{customer_id}@x.cn", created_at=utc_now(), version=1))))
        count_admission(uow, records.Standing(dept_id=dept_id, customer_id=customer_id,
                                              customer_name=f"客户{i:03d}", grade="QUALIFIED",
                                              products=set(products), admitted_at=utc_now(), version=1))
        uow.commit()
        ids.append(customer_id)
    return ids


def stand_counted(customer_id: str, name: str, dept_id: str, products=("bone-plate",), store=None) -> None:
    """A customer standing in `dept_id` as 合格, counted in the department's and products' counters."""
    from portal.adapters import records
    from portal.adapters.uow import UnitOfWork

    uow = UnitOfWork(store)
    count_admission(uow, records.Standing(dept_id=dept_id, customer_id=customer_id, customer_name=name,
                                          grade="QUALIFIED", products=set(products), admitted_at=utc_now(),
                                          version=1))
    uow.commit()


def count_admission(uow, standing) -> None:
    """Stage a standing and the counters an admission moves with it (QTA-1/2 totals)."""
    from portal.adapters.repos.grading import Counters, Standings

    uow.repo(Standings).admit(standing)
    uow.repo(Counters).admit(standing.dept_id, standing.products)
