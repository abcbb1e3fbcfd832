"""Build customers, documents and applications through the real services (for tests on moto)."""

from __future__ import annotations

import itertools
from datetime import date

from stdnum.cn import uscc

from portal.adapters import aws, files
from portal.adapters.clock import utc_now
from portal.adapters.records import to_item
from portal.adapters.repos.identity import Users
from portal.adapters.store.expr import Put
from portal.adapters.tables import User
from portal.adapters.uow import UnitOfWork
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


def register(fake=None, verified: bool = True, **overrides):
    """Register a customer; return (customer, its user's service context). `fake`: in that in-memory world.
    Its user's address counts as verified (issue 15) unless `verified` is False, as if the mailed link was opened."""
    anonymous = fake.ctx() if fake is not None else Ctx(None, utc_now(), "127.0.0.1")
    customer, user = customers.register(anonymous, registration(**overrides))
    if verified:
        mark_verified(user.user_id, fake)
    return customer, customer_ctx(user.user_id, fake)


def mark_verified(user_id: str, fake=None) -> None:
    """Count a user's address as verified, as opening its link would (test set-up only)."""
    uow = fake.uow() if fake is not None else UnitOfWork()
    user = uow.repo(Users).get(user_id)
    user.email_verified, user.verify_email, user.verify_hash, user.verify_expires = True, None, None, None
    uow.repo(Users).save(user)
    uow.commit()


def customer_ctx(user_id: str, fake=None) -> Ctx:
    """The service context of a customer's user (in the `fake` world, or on moto)."""
    if fake is not None:
        return fake.ctx(fake.repo(Users).get(user_id).email)
    return Ctx(actor_for(User.get(user_id)), utc_now(), "127.0.0.1")


def _store_object(key: str, content: bytes, fake=None) -> None:
    """Put bytes where the browser's presigned POST would (S3 on moto, the fake's bucket in memory)."""
    if fake is not None:
        fake.bucket.objects[key] = content
    else:
        aws.client("s3").put_object(Bucket=files._bucket["name"], Key=key, Body=content)


def upload(ctx: Ctx, type_id: str, content: bytes = PDF, content_type: str = "application/pdf",
           filename: str = "营业执照.pdf", confirm: bool = True, fake=None, **dates):
    """Request an upload, store `content` where the presigned POST would, and (by default) confirm it."""
    ticket = documents.request_upload(
        ctx, ctx.actor.customer_id, type_id=type_id, filename=filename, content_type=content_type,
        issue_date=dates.get("issue_date", date(2024, 1, 1)), expiry_date=dates.get("expiry_date"),
        long_term=dates.get("long_term", "expiry_date" not in dates))
    if content is not None:
        _store_object(ticket.document.s3_key, content, fake)
    return documents.confirm(ctx, ticket.document.doc_id) if confirm else ticket.document


def attach(ctx: Ctx, ticket_id: str, content: bytes | None = PDF, content_type: str = "application/pdf",
           filename: str = "送货单.pdf", confirm: bool = True, fake=None):
    """Attach a file to a ticket as the browser would: request, store where the presigned POST would, confirm."""
    from portal.services import ticket_files

    upload = ticket_files.request(ctx, ticket_id, filename, content_type)
    if content is not None:
        _store_object(upload.event.s3_key, content, fake)
    return ticket_files.confirm(ctx, ticket_id, upload.event.event_id) if confirm else upload.event


def stand(customer, dept_id: str = "ortho", grade: str = "QUALIFIED", products=("bone-plate",), store=None):
    """Put a registered customer in a department's customer list with `grade` (no counters: see `admitted`)."""
    from portal.adapters import records
    from portal.adapters.repos.grading import Standings
    from portal.adapters.uow import UnitOfWork

    standing = records.Standing(dept_id=dept_id, customer_id=customer.customer_id, customer_name=customer.name,
                                grade=grade, products=set(products), admitted_at=utc_now(), version=1)
    uow = UnitOfWork(store)
    uow.repo(Standings).admit(standing)
    uow.commit()
    return standing


def all_required_documents(ctx: Ctx, fake=None) -> list:
    """Upload and verify every document the customer's type requires."""
    kind = customers.get_customer(ctx, ctx.actor.customer_id).kind
    return [upload(ctx, t.type_id, fake=fake) for t in documents.required_types(kind, ctx.uow())]


def applied(dept_id: str = "ortho", products=("bone-plate",), fake=None, **overrides):
    """A registered customer with its documents, applied to `dept_id`; return (customer, ctx, application)."""
    customer, ctx = register(fake, **overrides)
    all_required_documents(ctx, fake)
    return customer, ctx, applications.submit(ctx, dept_id, list(products))


def review_to_admission(app, leader="ortho.leader@demo.local", rep="ortho.rep@demo.local", codes="abcdef",
                        fake=None):
    """Assign, check the background, record the conditions `codes` (all six by default) as met."""
    from portal.adapters.repos.customers import Documents
    from portal.adapters.uow import UnitOfWork
    from portal.services.applications import ConditionRecord

    if fake is not None:
        lead, person, rep_id = fake.ctx(leader), fake.ctx(rep), fake.user(rep).user_id
    else:
        from tests.conftest import staff_ctx, user_id_of

        lead, person, rep_id = staff_ctx(leader), staff_ctx(rep), user_id_of(rep)
    app = applications.assign(lead, app.app_id, rep_id, app.version)
    app = applications.record_background_check(person, app.app_id, "工商信息、涉诉记录已核查，无异常。", app.version)
    doc = UnitOfWork(fake.store if fake else None).repo(Documents).verified_of(app.customer_id)[0]
    contract_id = signed_contract(app.customer_id, app.dept_id, fake=fake) if "c" in codes else None
    for code in codes:
        record = ConditionRecord(code=code, met=True, evidence_doc=doc.doc_id if code in "ae" else None,
                                 contract_id=contract_id if code == "c" else None,
                                 note=None if code in "ace" else "已核实")
        app = applications.record_condition(person, app.app_id, record, app.version)
    return app


def signed_contract(customer_id: str, dept_id: str = "ortho", fake=None, state: str = "signed",
                    end: str = "2099-12-31") -> str:
    """A contract of the customer with the department, signed and in force since 2024 (REL-3; the steps that lead
    there have their own tests), written straight to the store; return its id."""
    from ulid import ULID

    from portal.adapters import records
    from portal.adapters.repos.contracts import Contracts
    from portal.adapters.uow import UnitOfWork

    now = fake.now if fake is not None else utc_now()  # the world's clock: ULIDs made at it stay in order
    common = dict(contract_id=str(ULID.from_datetime(now)), dept_id=dept_id, customer_id=customer_id,
                  contract_no="GX-2027-001", title="年度购销合同", amount=100_000, start_date="2024-01-01",
                  end_date=end, state=state, created_by="ortho.rep@demo.local", created_at=now)
    uow = UnitOfWork(fake.store if fake else None)
    head = records.Contract(**common, signed_version=1 if state != "draft" else None, latest_version=1)
    if state == "signed":
        head.expiry_bucket, head.expiry_key = "signed", f"{end}#{common['contract_id']}"
    uow.repo(Contracts).create(head, records.Contract(**common, version_no=1))
    uow.commit()
    return common["contract_id"]


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


def fresh(ctx: Ctx) -> Ctx:
    """The same person at the current moment (a request's clock)."""
    return Ctx(ctx.actor, utc_now(), ctx.ip)


def admitted_customer(dept: str = "ortho", grade: str | None = None):
    """A registered customer standing in `dept` as `grade` (合格 by default, no counters); (customer, its ctx)."""
    customer, ctx = register()
    stand(customer, dept, grade or "QUALIFIED")
    return customer, ctx
