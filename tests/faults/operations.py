"""Every operation that writes, as one entry each: how to prepare the world for it, and how to run it.

A new write operation (or scheduled function) is one more `Operation` in OPERATIONS; the fault-injection test
then fails each of its calls in turn and checks the world.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyotp

from portal.adapters import records
from portal.adapters.repos.dynamics import BlacklistEntries
from portal.services import (
    applications,
    auth,
    backfill,
    blacklist,
    changes,
    colleagues,
    contract_changes,
    contracts,
    customers,
    device_classes,
    document_review,
    documents,
    eligibility,
    evaluations,
    export_jobs,
    grading,
    incidents,
    mfa,
    misconduct,
    onboarding_run,
    password_reset,
    profile,
    prospects,
    sales_import,
    sales_import_jobs,
    sessions,
    signin_link,
    ticket_files,
    ticket_lifecycle,
    tickets,
    tokens,
    verification,
    visits,
)
from portal.services.context import system_ctx
from tests.factories import PDF, all_required_documents, applied, register, registration, review_to_admission
from tests.unit.services import ticket_world
from tests.unit.services.dynamics_world import customer, verified_document

LEADER, REP, MD, LEAD = "ortho.leader@demo.local", "ortho.rep@demo.local", "md.admin@demo.local", "leader@demo.local"
CLERK = "ortho.clerk@demo.local"
GOOD = {"scale": "三级甲等", "annual_volume": 800, "payment": "按时回款，无逾期", "reputation": "信誉良好，无违规",
        "loyalty_years": 5, "qualification": "齐全有效"}
T0 = datetime(2027, 3, 10, 2, tzinfo=UTC)  # the world's clock: a Wednesday, 10:00 in Shanghai


@dataclass(frozen=True)
class Operation:
    """A write: `setup(world)` prepares it (returns what `run` needs); `run(world, state)` does it once. A job's
    run returns its result; items it lists as `failed` count as a failure to retry."""

    name: str
    setup: Callable[[Any], Any]
    run: Callable[[Any, Any], Any]
    # mail handed to SES by a function that then died before recording it goes again (at least once): the one
    # duplicate nobody can prevent without the mail service's own idempotency
    sends_mail: bool = False


def job(run: Callable, after: timedelta = timedelta()) -> Callable:
    """A scheduled function's `run(event)` at the world's clock plus `after`."""
    def call(world, _state):
        return run({"now": (world.now + after).isoformat()})
    return call


def _written_export(world):
    """An export written a while ago (its file in the bucket), to be removed a week later."""
    _standing_customer(world)
    export = export_jobs.request_customers(world.ctx(REP), "ortho", None)
    export_jobs.run_exports(system_ctx(world.now, store=world.store))
    return export


def _proposed(world):
    """An open proposal to make a standing customer 优选 (room in the quota)."""
    customer_id = _standing_customer(world)[0]
    return grading.propose(world.ctx(REP), "ortho", customer_id, "PREFERRED", "回款及时", None)


def _standing_customer(world, depts=("ortho",), grade="QUALIFIED", n=6):
    """A customer with its user, standing (counted) in `depts`, among `n` others in ortho (quota room)."""
    from tests.factories import admitted, stand_counted

    admitted("ortho", n, store=world.store)
    customer_id, email = customer(world)
    for dept in depts:
        product = "bone-plate" if dept == "ortho" else "walker"
        stand_counted(customer_id, "上海康健医疗器械有限公司", dept, (product,), store=world.store)
    if grade != "QUALIFIED":
        grading.change(world.ctx(LEADER), "ortho", customer_id, grade, "年度评审优秀",
                       no_evaluation_reason="测试准备：不经评价直接调整")
    return customer_id, email


def _import_file(world) -> bytes:
    """An import file: a VIP in ortho (room among 10 more) that also stands in rehab, and a retail customer."""
    from tests.factories import admitted
    from tests.unit.services.onboarding_world import csv_file, row

    admitted("ortho", 10, store=world.store)
    vip = row(grade="VIP")
    rehab = {**vip, "department": "rehab", "products": "walker", "grade": "", "designated": "rehab.rep@demo.local"}
    return csv_file([vip, rehab, row(kind="零售")])
def _credit_code_of_standing(world) -> str:
    """The credit code of a customer standing in ortho (issue 18 item 2: the ERP's rows name customers by it)."""
    from portal.adapters.tables import Customer

    customer_id = _standing_customer(world)[0]
    return next(c["credit_code"] for c in world.store._tables[Customer].values() if c["customer_id"] == customer_id)


def _erp_rows(kind: str, code: str, n: int, **overrides) -> sales_import.Source:
    if kind == "orders":
        rows = [{"order_no": f"SO-{i}", "credit_code": code, "product": "bone-plate", "quantity": 1,
                 "amount_yuan": "100", "ordered_on": "2027-03-01", "status": "open", **overrides} for i in range(n)]
    else:
        rows = [{"invoice_no": f"INV-{i}", "credit_code": code, "amount_yuan": "100", "invoiced_on": "2027-01-01",
                 "due_on": f"2027-02-{1 + i % 28:02d}", **overrides} for i in range(n)]
    return sales_import.rows_source(rows)


def _invoices_imported(world) -> str:
    """A customer with 35 unpaid invoices imported (the run pays the first 5 and adds 30 more: two transactions)."""
    code = _credit_code_of_standing(world)
    sales_import.import_now(world.ctx(REP), "ortho", "receivables", _erp_rows("receivables", code, 35))
    return code


def _sales_file_uploaded(world, confirmed: bool = True):
    """A 200-row orders file uploaded for the import job (confirmed: waiting for the job)."""
    code = _credit_code_of_standing(world)
    record, _form = sales_import_jobs.request_upload(world.ctx(REP), "ortho", "orders", "orders.csv")
    world.bucket.objects[record.upload_key] = "\n".join(
        ["order_no,credit_code,product,quantity,amount_yuan,ordered_on,status"]
        + [f"SO-{i},{code},bone-plate,1,10,2027-03-01,open" for i in range(200)]).encode()
    if confirmed:
        sales_import_jobs.confirm(world.ctx(REP), record.import_id)
    return record.import_id


def _upload_waiting(world):
    _c, ctx = register(world)
    ticket = documents.request_upload(ctx, ctx.actor.customer_id, type_id="business-licence", filename="执照.pdf",
                                      content_type="application/pdf", issue_date=date(2024, 1, 1),
                                      expiry_date=None, long_term=True)
    world.bucket.objects[ticket.document.s3_key] = PDF
    return ctx, ticket.document.doc_id


def _checked_document(world):
    """A customer standing in ortho with a file-checked document waiting for a person's review (issue 17)."""
    from tests.factories import stand, upload

    customer_, ctx = register(world)
    stand(customer_, "ortho", store=world.store)
    return upload(ctx, "business-licence", fake=world).doc_id


def _ticket(world, **kw):
    customer_id, ctx = ticket_world.customer(world)
    return ctx, tickets.file(ctx, "ortho", "complaint", "交货延迟", "订单延迟两周", **kw)


def _drafts_uploaded(world):
    """A customer's user with two files uploaded for the ticket it is writing (issue 17: nothing recorded yet)."""
    from portal.services import ticket_drafts

    _customer_id, ctx = ticket_world.customer(world)
    files = []
    for name in ("送货单.pdf", "破损照片.pdf"):
        draft = ticket_drafts.request_draft(ctx, name, "application/pdf")
        world.bucket.objects[draft.fields["key"]] = PDF
        files.append((draft.upload_id, name))
    return ctx, files


def _file_waiting(world):
    ctx, ticket = _ticket(world)
    upload = ticket_files.request(ctx, ticket.ticket_id, "送货单.pdf", "application/pdf")
    world.bucket.objects[upload.event.s3_key] = PDF
    return ctx, ticket.ticket_id, upload.event.event_id


def _with_documents(world):
    _c, ctx = register(world)
    all_required_documents(ctx, world)
    return ctx


def _reviewed(world):
    _c, _ctx, app = applied(fake=world)
    return review_to_admission(app, fake=world)


def _reentry(world):
    customer_obj, ctx = register(world)
    all_required_documents(ctx, world)
    with world.uow() as uow:
        uow.repo(BlacklistEntries).put(records.BlacklistEntry(
            entry_id="e-lifted", customer_id=customer_obj.customer_id, scope="ortho", listed_at=world.now,
            active=False))
        uow.commit()
    app = review_to_admission(applications.submit(ctx, "ortho", ["bone-plate"]), fake=world)
    return applications.decide(world.ctx(LEADER), app.app_id, True, "部门同意", app.version)


def _listed(world, scope="ortho", expires_on=None):
    customer_id, _email = _standing_customer(world)
    who = MD if scope == "company" else LEADER
    return blacklist.list_customer(world.ctx(who), customer_id, scope, "严重违约", expires_on)


def _before_the_backfill(world):
    """Records as the tables held them before the page indexes and counters (issue 12 item 4)."""
    from tests.unit.services.test_backfill import forget_markers

    _ticket(world)
    _ticket(world, category="产品质量 | Product quality")
    _listed(world)
    forget_markers(world)


def _major_loss(world):
    customer_id, _email = _standing_customer(world)
    return incidents.record(world.ctx(LEADER), "ortho", customer_id, "major_loss", "造成重大损失")


def _misconduct(world):
    customer_id, email = _standing_customer(world)
    code = world.store.get(records.Customer.model, {"customer_id": customer_id})["credit_code"]
    reporter, _ = customer(world, email="reporter@x.cn")
    return misconduct.submit(world.ctx("reporter@x.cn"), "上海康健医疗器械有限公司", code, "虚开发票")


def _visit(world):
    customer_id, _email = _standing_customer(world)
    return visits.plan(world.ctx(REP), "ortho", customer_id, planned_on=date(2027, 3, 20), mode="on_site",
                       purpose="季度回访", assignee_id=world.user(REP).user_id)


def _contract(world, to: str = "draft", amount: int = 200_000, end: date = date(2027, 12, 31)):
    """A contract of a standing customer in ortho, taken to `to` (draft, submitted, approved, signed)."""
    customer_id, _email = _standing_customer(world)
    head = contracts.create(world.ctx(REP), "ortho", customer_id,
                            contracts.Terms("GK-2027-001", "骨板年度购销合同", amount, date(2027, 1, 1), end))
    if to == "draft":
        return head
    contracts.submit(world.ctx(REP), head.contract_id)
    if to == "submitted":
        return head
    contracts.approve(world.ctx(LEADER), head.contract_id)
    scan = _contract_scan(world, customer_id)
    if to == "approved":
        return head, scan
    return contracts.sign(world.ctx(CLERK), head.contract_id, scan)


def _contract_scan(world, customer_id: str) -> str:
    """The customer's signed scan, file-checked and confirmed by a person."""
    from portal.adapters.repos.customers import Documents

    doc_id = verified_document(world, customer_id, "signed-contract")
    uow = world.uow()
    doc = uow.repo(Documents).get(doc_id)
    doc.reviewed_at, doc.reviewed_by = world.now, "ortho.leader"
    uow.repo(Documents).save(doc)
    uow.commit()
    return doc_id


def _reminders_due(world):
    """A department listing that expires in 7 days and a visit planned for today (T0 is 2027-03-10 in Shanghai)."""
    _listed(world, expires_on=date(2027, 3, 17))
    customer_id, _email = _standing_customer(world)
    return visits.plan(world.ctx(REP), "ortho", customer_id, planned_on=date(2027, 3, 10), mode="phone",
                       purpose="回访", assignee_id=world.user(REP).user_id)


def _with_licence(world):
    customer_id, email = _standing_customer(world)
    return customer_id, email, verified_document(world, customer_id)


def _change_task(world):
    customer_id, email = _standing_customer(world)
    licence = verified_document(world, customer_id)
    return changes.report(world.ctx(email), "change", {"name": "新名称有限公司"}, licence)[0]


def _expiring_document(world):
    _c, ctx = register(world)
    from tests.factories import upload

    return upload(ctx, "business-licence", expiry_date=date(2027, 4, 1), fake=world)


def _resolved(world):
    ctx, ticket = _ticket(world)
    return ctx, tickets.advance(world.ctx(LEADER), ticket.ticket_id, "resolved", "已补发")


def _reset_requested(world):
    password_reset.request_reset(world.ctx(), REP, "https://portal.example.cn")
    return re.search(r"/password/reset/(\S+)", world.mails("重设密码")[-1][2]).group(1)


URL = "https://portal.example.cn"


def _mailed_link(world, to: str, kind: str) -> str:
    """The token of the newest mailed link of `kind` (verify | invitation) to `to`."""
    body = [b for addr, _s, b in world.sent if addr == to and f"/account/{kind}/" in b][-1]
    return re.search(rf"/account/{kind}/(\S+)", body).group(1)


def _unverified(world):
    _c, ctx = register(world, verified=False, email="unverified@x.cn")
    return _mailed_link(world, "unverified@x.cn", "verify")


def _email_change_requested(world):
    _c, ctx = register(world, email="before@x.cn")
    profile.change_email(ctx, "after@x.cn", URL)
    return _mailed_link(world, "after@x.cn", "verify")


def _invited(world):
    _c, admin = register(world, email="admin@x.cn")
    colleagues.invite(admin, "colleague@x.cn", "member", URL)
    return _mailed_link(world, "colleague@x.cn", "invitation")


def _colleague(world, active: bool = True):
    person = colleagues.accept(world.ctx(), _invited(world), "李四", "a long passphrase 2027")
    auth.start_session(world.ctx("colleague@x.cn"), world.user("colleague@x.cn"), timedelta(hours=2))
    if not active:
        colleagues.set_active(world.ctx("admin@x.cn"), person.user_id, False)
    return world.ctx("admin@x.cn"), person.user_id


CONTACT = {"contact_name": "王经理", "mobile": "13700137000", "email": "office@x.cn", "region": "上海市",
           "mailing_address": "上海市浦东新区张江路 1 号"}
def _totp_begun(world):
    from portal.services import mfa

    return mfa.start_setup(world.ctx(LEADER)).secret


def _totp_on(world):
    from portal.services import mfa

    secret = _totp_begun(world)
    codes = mfa.confirm_setup(world.ctx(LEADER), pyotp.TOTP(secret).at(world.now))
    return secret, codes


def _totp_on_optional(world):
    from portal.services import mfa

    secret = mfa.start_setup(world.ctx(CLERK)).secret
    return secret, mfa.confirm_setup(world.ctx(CLERK), pyotp.TOTP(secret).at(world.now))


def _later(world, email=None, **delta):
    return world.later(world.ctx(email), **delta)


def _signin_link(world):
    from portal.services import signin_link

    signin_link.send(world.ctx(), world.user(MD), "https://portal.example.cn")
    return re.search(r"/login/link/(\S+)", world.mails("登录链接")[-1][2]).group(1)


def _nineteen_failures(world):
    from portal.services import auth
    from portal.services.errors import Unauthenticated

    for n in range(19):
        try:
            auth.check_password(world.ctx(ip=f"203.0.113.{n}"), MD, "wrong-password-1", auth.Throttles())
        except Unauthenticated:
            pass


def _twentieth_failure(world, _state):
    from portal.services import auth
    from portal.services.errors import Unauthenticated

    try:
        auth.check_password(_later(world, minutes=1), MD, "wrong-password-1", auth.Throttles())
    except Unauthenticated:
        return None
    raise AssertionError("the wrong password signed in")


def _two_sessions(world):
    from portal.services import auth

    user = world.user(REP)
    return [auth.start_session(world.ctx(), user, timedelta(hours=8)) for _ in range(2)]


def _staged_mail(world):
    from portal.services import outbox

    with world.uow() as uow:
        outbox.stage(uow, world.ctx(), ["a@x.cn", "b@x.cn"], "【测试】outbox", "正文")
        uow.commit()


def _notified(world, mode: str = "immediate"):
    """Two notifications in the rep's inbox (mailed at once, or waiting for the digest)."""
    from portal.services import notifications

    if mode != "immediate":
        notifications.set_preferences(world.ctx(REP), {"applications": mode}, "zh")
    ctx = system_ctx(world.now, store=world.store)
    with world.uow() as uow:
        ids = notifications.notify(uow, ctx, [world.user(REP), world.user(LEADER)], "application_new",
                                   "/staff/applications/A1", customer="上海仁济", dept="骨科")
        ids += notifications.notify(uow, ctx, [world.user(REP)], "ticket_new", "/staff/tickets/T1",
                                    customer="上海仁济", subject="破损")
        uow.commit()
    return ids


def _open_cycle(world):
    from portal.services import reviews
    from tests.factories import admitted

    admitted("ortho", 2, store=world.store)
    return reviews.open_cycle(system_ctx(datetime(2027, 7, 1, 1, tzinfo=UTC), store=world.store))


def _before_the_todo_counters(world):
    """A ticket and a planned visit as written before the staff to-do counters (issue 16 item 5)."""
    from portal.adapters import tables
    from portal.adapters.repos.todo_tallies import COUNTED

    _ticket(world)
    _visit(world)
    for model in COUNTED:
        for item in world.store._tables.get(model, {}).values():
            item.pop("todo_counted", None)
    for key in [k for k, i in world.store._tables[tables.Counter].items() if i["dept_id"].startswith("todo#")]:
        del world.store._tables[tables.Counter][key]


def _empty_past_buckets(world):
    """Two to-do day buckets of a past day that count nothing any more (issue 16 item 5)."""
    from portal.adapters import tables

    for scope in ("ortho", "*"):
        uow = world.uow()
        uow.tally(tables.Counter, {"dept_id": f"todo#{scope}", "key": "due#2026-01-05"}, {"visits": 0})
        uow.commit()


def _submitted_review(world):
    """A standing customer's review task of 2027H2, submitted (issue 16: its decision tells the customer)."""
    from portal.services import reviews

    customer_id, _email = _standing_customer(world)
    reviews.open_cycle(system_ctx(datetime(2027, 7, 1, 1, tzinfo=UTC), store=world.store))
    form = reviews.StageEvaluation("good", "on_time", "good", 0, 88, "PREFERRED")
    task = reviews.get_task(world.ctx(LEADER), "2027H2", "ortho", customer_id)
    return reviews.submit(world.ctx(REP), "2027H2", "ortho", customer_id, form, task.version)


def _decide_review(world, task):
    from portal.services import reviews

    return reviews.decide(world.ctx(LEADER), "2027H2", "ortho", task.customer_id, "PREFERRED", "表现良好",
                          task.version)


OPERATIONS: list[Operation] = [
    # --- customers ---
    Operation("registration", lambda w: registration(),
              lambda w, reg: customers.register(w.ctx(), reg)),
    Operation("registration_with_a_taken_email", lambda w: registration(email=register(w)[1].actor.email),
              lambda w, reg: customers.register(w.ctx(), reg)),
    Operation("password_reset_request", lambda w: None,
              lambda w, _: password_reset.request_reset(w.ctx(), REP, "https://portal.example.cn")),
    Operation("password_reset", _reset_requested,
              lambda w, token: password_reset.reset_password(w.ctx(), token, "a brand new phrase 2027")),
    # --- accounts (issue 15 items 2-4) ---
    Operation("email_verification", _unverified, lambda w, token: verification.verify(w.ctx(), token)),
    Operation("email_verification_resend", lambda w: register(w, verified=False)[1],
              lambda w, ctx: verification.resend(ctx, URL)),
    Operation("email_change_request", lambda w: register(w)[1],
              lambda w, ctx: profile.change_email(ctx, "after@x.cn", URL)),
    Operation("email_change_verification", _email_change_requested,
              lambda w, token: verification.verify(w.ctx(), token)),
    Operation("colleague_invitation", lambda w: register(w)[1],
              lambda w, ctx: colleagues.invite(ctx, "colleague@x.cn", "admin", URL)),
    Operation("colleague_joins", _invited,
              lambda w, token: colleagues.accept(w.ctx(), token, "李四", "a long passphrase 2027")),
    Operation("colleague_role_change", _colleague, lambda w, s: colleagues.set_role(s[0], s[1], "admin")),
    Operation("colleague_disable", _colleague, lambda w, s: colleagues.set_active(s[0], s[1], False)),
    Operation("colleague_enable", lambda w: _colleague(w, active=False),
              lambda w, s: colleagues.set_active(s[0], s[1], True)),
    Operation("profile_update", lambda w: register(w)[1],
              lambda w, ctx: profile.update_me(ctx, "张三丰", "13900139000", "en")),
    Operation("company_contact_edit", lambda w: register(w)[1],
              lambda w, ctx: profile.edit_company(ctx, CONTACT, None)),
    # --- sign-in (issue 15 items 5-7) ---
    Operation("totp_setup_start", lambda w: None, lambda w, _: mfa.start_setup(w.ctx(LEADER))),
    Operation("totp_setup_confirm", _totp_begun,
              lambda w, secret: mfa.confirm_setup(w.ctx(LEADER), pyotp.TOTP(secret).at(w.now)), sends_mail=True),
    Operation("totp_sign_in", _totp_on,
              lambda w, s: mfa.verify_code(_later(w, seconds=60), w.user(LEADER).user_id,
                                           pyotp.TOTP(s[0]).at(w.now + timedelta(seconds=60)))),
    Operation("recovery_code_sign_in", _totp_on,
              lambda w, s: mfa.verify_code(_later(w, seconds=60), w.user(LEADER).user_id, s[1][0])),
    Operation("totp_turned_off", _totp_on_optional,
              lambda w, s: mfa.turn_off(_later(w, CLERK, seconds=60),
                                        pyotp.TOTP(s[0]).at(w.now + timedelta(seconds=60)), frozenset({"md"})),
              sends_mail=True),
    Operation("totp_reset_by_md", lambda w: (_totp_on(w), _two_sessions(w)),
              lambda w, _: mfa.reset(w.ctx(MD), w.user(LEADER).user_id), sends_mail=True),
    Operation("signin_link_sent", lambda w: None,
              lambda w, _: signin_link.send(w.ctx(), w.user(MD), "https://portal.example.cn"), sends_mail=True),
    Operation("signin_link_used", _signin_link, lambda w, token: signin_link.use(w.ctx(), token)),
    Operation("owner_told_of_many_failures", _nineteen_failures, _twentieth_failure, sends_mail=True),
    Operation("api_token_issued", lambda w: None,
              lambda w, _: tokens.issue_token(w.ctx(), w.user(REP), "k" * 40, timedelta(minutes=15))),
    Operation("session_signed_out_one", _two_sessions,
              lambda w, raws: sessions.end_one(w.ctx(REP), sessions.sid_hash(raws[1])[:sessions.HANDLE])),
    Operation("signed_out_everywhere", _two_sessions, lambda w, _: sessions.end_everywhere(w.ctx(REP))),
    Operation("last_seen", _two_sessions,
              lambda w, raws: sessions.seen(sessions.sid_hash(raws[0]), w.now + timedelta(minutes=2), w.store)),
    Operation("document_upload_confirm", _upload_waiting,
              lambda w, s: documents.confirm(s[0], s[1])),
    Operation("document_review_confirm", _checked_document,
              lambda w, doc_id: document_review.review(w.ctx(REP), doc_id, accept=True)),
    Operation("document_review_refuse", _checked_document,
              lambda w, doc_id: document_review.review(w.ctx(MD), doc_id, accept=False, reason="名称与注册不符")),
    Operation("prospect_invitation",
              lambda w: prospects.create(w.ctx(REP), "ortho", name="上海某医院", email="p@hospital.cn",
                                         contact_name="王主任", note="展会"),
              lambda w, p: prospects.invite(w.ctx(REP), p.prospect_id, "http://portal")),
    # --- admission ---
    Operation("application", _with_documents, lambda w, ctx: applications.submit(ctx, "ortho", ["bone-plate"])),
    Operation("decision", _reviewed,
              lambda w, app: applications.decide(w.ctx(LEADER), app.app_id, True, "同意", app.version)),
    Operation("re_entry", _reentry,
              lambda w, app: applications.approve_reentry(w.ctx(LEAD), app.app_id, "公司领导同意", app.version)),
    # --- grading ---
    Operation("grade_change", lambda w: _standing_customer(w)[0],
              lambda w, c: grading.change(w.ctx(LEADER), "ortho", c, "VIP", "年度评审优秀",
                                          no_evaluation_reason="测试准备：不经评价直接调整")),
    Operation("proposal", lambda w: _standing_customer(w)[0],
              lambda w, c: grading.propose(w.ctx(REP), "ortho", c, "PREFERRED", "回款及时", None)),
    Operation("proposal_accepted", lambda w: _proposed(w),
              lambda w, p: grading.accept(w.ctx(LEADER), "ortho", p.customer_id, p.change_id,
                                          no_evaluation_reason="测试准备：不经评价直接调整")),
    Operation("proposal_declined", lambda w: _proposed(w),
              lambda w, p: grading.decline(w.ctx(LEADER), "ortho", p.customer_id, p.change_id, "暂不调整")),
    Operation("evaluation", lambda w: _standing_customer(w)[0],
              lambda w, c: evaluations.evaluate(w.ctx(REP), "ortho", c, GOOD, {},
                                                 reasons={"loyalty_years": "合作始于本系统上线之前"})),
    # --- dynamic management ---
    Operation("department_listing", lambda w: _standing_customer(w)[0],
              lambda w, c: blacklist.list_customer(w.ctx(LEADER), c, "ortho", "严重违约")),
    Operation("company_listing", lambda w: _standing_customer(w, ("ortho", "rehab"))[0],
              lambda w, c: blacklist.list_customer(w.ctx(MD), c, "company", "重大损失")),
    Operation("lifting", _listed, lambda w, e: blacklist.lift(w.ctx(LEADER), e.entry_id, "整改完成")),
    Operation("incident_major_loss", lambda w: _standing_customer(w)[0],
              lambda w, c: incidents.record(w.ctx(LEADER), "ortho", c, "major_loss", "造成重大损失")),
    Operation("incident_filed_with_md", lambda w: _standing_customer(w)[0],
              lambda w, c: incidents.record(w.ctx(LEADER), "ortho", c, "late_payment", "逾期回款")),
    Operation("review_decided", _submitted_review, _decide_review),
    Operation("report_decided_by_listing", _major_loss,
              lambda w, i: incidents.decide_report(w.ctx(MD), i.customer_id, i.incident_id, True, "核实属实")),
    Operation("misconduct_report", lambda w: (_standing_customer(w), customer(w, email="reporter@x.cn")),
              lambda w, s: misconduct.submit(w.ctx("reporter@x.cn"), "上海康健医疗器械有限公司", None, "虚开发票")),
    Operation("misconduct_to_incident", _misconduct,
              lambda w, r: misconduct.to_incident(w.ctx(MD), r.report_id, "ortho", "major_loss")),
    Operation("change_report", lambda w: _with_licence(w),
              lambda w, s: changes.report(w.ctx(s[1]), "change", {"name": "新名称有限公司"}, s[2])),
    Operation("change_handled", _change_task,
              lambda w, t: changes.handle(w.ctx(LEADER), "ortho", t.task_id, "已更新档案")),
    # --- tickets and visits ---
    Operation("ticket_filing", lambda w: ticket_world.customer(w)[1],
              lambda w, ctx: tickets.file(ctx, "ortho", "complaint", "交货延迟", "订单延迟两周")),
    Operation("ticket_filing_with_files", _drafts_uploaded,
              lambda w, s: tickets.file(s[0], "ortho", "complaint", "货损", "两箱破损", files=s[1])),
    Operation("ticket_file_confirm", _file_waiting,
              lambda w, s: ticket_files.confirm(s[0], s[1], s[2])),
    Operation("ticket_acknowledged", lambda w: _ticket(w)[1],
              lambda w, t: tickets.advance(w.ctx(LEADER), t.ticket_id, "acknowledged", None)),
    Operation("ticket_reply", lambda w: _ticket(w),
              lambda w, s: ticket_lifecycle.reply(s[0], s[1].ticket_id, "请尽快处理")),
    Operation("ticket_resolved", lambda w: _ticket(w)[1],
              lambda w, t: tickets.advance(w.ctx(LEADER), t.ticket_id, "resolved", "已补发")),
    Operation("ticket_closed", _resolved,
              lambda w, s: ticket_lifecycle.close(s[0], s[1].ticket_id, 5, "满意")),
    Operation("ticket_reopened", _resolved,
              lambda w, s: ticket_lifecycle.reopen(s[0], s[1].ticket_id, "问题仍在")),
    Operation("visit_planned", lambda w: _standing_customer(w)[0],
              lambda w, c: visits.plan(w.ctx(REP), "ortho", c, planned_on=date(2027, 3, 20), mode="on_site",
                                       purpose="季度回访", assignee_id=w.user(REP).user_id)),
    Operation("visit_planned_today_for_another", lambda w: _standing_customer(w)[0],  # with its visit_due notice
              lambda w, c: visits.plan(w.ctx(LEADER), "ortho", c, planned_on=date(2027, 3, 10), mode="phone",
                                       purpose="当天回访", assignee_id=w.user(REP).user_id)),
    Operation("visit_recorded", _visit,
              lambda w, v: visits.record(w.later(w.ctx(REP), days=10), v.visit_id, "done", "客户反馈良好",
                                         v.version)),  # on its day (2027-03-20)
    # --- contracts (REL-3) ---
    Operation("contract_created", lambda w: _standing_customer(w)[0],
              lambda w, c: contracts.create(w.ctx(REP), "ortho", c, contracts.Terms(
                  "GK-2027-002", "骨板年度购销合同", 300_000, date(2027, 4, 1), date(2028, 3, 31)))),
    Operation("contract_submitted", _contract, lambda w, h: contracts.submit(w.ctx(REP), h.contract_id)),
    Operation("contract_approved", lambda w: _contract(w, "submitted"),
              lambda w, h: contracts.approve(w.ctx(LEADER), h.contract_id)),
    Operation("contract_signed", lambda w: _contract(w, "approved"),
              lambda w, s: contracts.sign(w.ctx(CLERK), s[0].contract_id, s[1])),
    Operation("contract_amended", lambda w: _contract(w, "signed"),
              lambda w, h: contract_changes.amend(w.ctx(REP), h.contract_id, contracts.Terms(
                  "GK-2027-001", "骨板年度购销合同", 250_000, date(2027, 1, 1), date(2028, 6, 30)), "延长期限")),
    Operation("contract_terminated", lambda w: _contract(w, "signed"),
              lambda w, h: contract_changes.terminate(w.ctx(LEADER), h.contract_id, "客户停业")),
    Operation("contract_threshold", lambda w: None,
              lambda w, _s: contract_changes.set_threshold(w.ctx(MD), 800_000)),
    Operation("job_daily_reminders_contracts",  # one contract ending in 30 days, one ended yesterday
              lambda w: (_contract(w, "signed", end=date(2027, 4, 9)), _contract(w, "signed", end=date(2027, 3, 9))),
              job(lambda e: __import__("functions.daily_reminders").daily_reminders.run(e))),
    # --- every scheduled function ---
    Operation("job_open_review_cycle", lambda w: _standing_customer(w),
              job(lambda e: __import__("functions.open_review_cycle").open_review_cycle.run(
                  {**e, "now": "2027-07-01T01:00:00+00:00"}))),
    Operation("job_expire_blacklist", lambda w: _listed(w, expires_on=date(2027, 4, 1)),
              job(lambda e: __import__("functions.expire_blacklist").expire_blacklist.run(e),
                  timedelta(days=30))),
    Operation("job_escalate_downgrades",
              lambda w: incidents.record(w.ctx(LEADER), "ortho", _standing_customer(w, grade="VIP")[0],
                                         "late_payment", "逾期回款"),
              job(lambda e: __import__("functions.escalate_downgrades").escalate_downgrades.run(e),
                  timedelta(days=7))),
    Operation("job_escalate_reviews", _open_cycle,
              job(lambda e: __import__("functions.escalate_reviews").escalate_reviews.run(
                  {**e, "now": "2027-08-15T01:00:00+00:00"}))),
    Operation("job_ticket_sla", lambda w: _ticket(w),
              job(lambda e: __import__("functions.ticket_sla").ticket_sla.run(e), timedelta(days=10))),
    Operation("job_licence_expiry", _expiring_document,
              job(lambda e: __import__("functions.licence_expiry").licence_expiry.run(e), timedelta(days=1))),
    Operation("job_finish_uploads", lambda w: (_upload_waiting(w), _file_waiting(w)),
              job(lambda e: __import__("functions.finish_uploads").finish_uploads.run(e), timedelta(hours=2))),
    Operation("backfill_page_indexes", _before_the_backfill,
              lambda w, _s: backfill.run(system_ctx(T0, store=w.store))),
    Operation("job_fan_out_a_listing", lambda w: _listed(w, scope="company"),  # issue 16 item 4: inbox items
              job(lambda e: __import__("functions.deliver_outbox").deliver_outbox.run(e)), sends_mail=True),
    Operation("backfill_todo_counters", _before_the_todo_counters,
              lambda w, _s: backfill.todo_counters(system_ctx(T0, store=w.store))),
    Operation("job_daily_reminders_prunes", _empty_past_buckets,
              job(lambda e: __import__("functions.daily_reminders").daily_reminders.run(e))),
    Operation("job_deliver_outbox", _staged_mail,
              job(lambda e: __import__("functions.deliver_outbox").deliver_outbox.run(e)), sends_mail=True),
    # --- notifications (issue 16) ---
    Operation("notification_read", _notified,
              lambda w, ids: __import__("portal.services.notifications").services.notifications.mark_read(
                  w.ctx(REP), ids[-1])),
    Operation("notifications_all_read", _notified,
              lambda w, _ids: __import__("portal.services.notifications").services.notifications.mark_all_read(
                  w.ctx(REP))),
    Operation("notification_preferences", lambda w: None,
              lambda w, _s: __import__("portal.services.notifications").services.notifications.set_preferences(
                  w.ctx(REP), {"applications": "digest", "tickets": "off"}, "en")),
    Operation("job_deliver_notifications", _notified,
              job(lambda e: __import__("functions.deliver_outbox").deliver_outbox.run(e)), sends_mail=True),
    Operation("job_notification_digest", lambda w: _notified(w, "digest"),
              job(lambda e: __import__("functions.notification_digest").notification_digest.run(e))),
    # --- exports (issue 12 item 4) ---
    Operation("export_requested", lambda w: _standing_customer(w),
              lambda w, _s: export_jobs.request_customers(w.ctx(REP), "ortho", None)),
    Operation("job_write_exports", lambda w: (_standing_customer(w),
                                              export_jobs.request_customers(w.ctx(REP), "ortho", "QUALIFIED")),
              job(lambda e: __import__("functions.write_exports").write_exports.run(e))),
    Operation("job_remove_exports", _written_export,
              job(lambda e: __import__("functions.write_exports").write_exports.run(e), timedelta(days=8))),
    Operation("job_daily_reminders", _reminders_due,
              job(lambda e: __import__("functions.daily_reminders").daily_reminders.run(e))),
    # --- may we sell? (issue 18 item 4): MD's device classes, and the audited answers ---
    Operation("device_class_set", lambda w: None,
              lambda w, _s: device_classes.set_product_class(w.ctx(MD), "rehab", "walker", "II")),
    Operation("device_class_rules", lambda w: None,
              lambda w, _s: device_classes.set_class_rules(w.ctx(MD), {
                  "class_iii_trader": "device-trading-licence", "class_iii_medical": "medical-institution-licence",
                  "class_ii_trader": "device-trading-licence", "class_ii_medical": "medical-institution-licence"})),
    Operation("eligibility_asked", lambda w: _standing_customer(w)[0],
              lambda w, c: eligibility.may_we_sell(w.ctx(REP), c, "ortho", "bone-plate")),
    Operation("eligibility_batch", lambda w: _standing_customer(w)[0],
              lambda w, c: eligibility.may_we_sell_batch(w.ctx(MD), [
                  eligibility.Question(c, "ortho", "bone-plate"), eligibility.Question(c, "rehab", "walker")])),
    # --- bringing in existing customers (issue 18 item 6, ONB-1): two companies, one VIP in two departments ---
    Operation("customers_imported", _import_file,
              lambda w, f: onboarding_run.run(w.ctx(MD), "老客户.csv", f, "https://portal.example"), sends_mail=True),
    # --- the ERP's orders and receivables (issue 18 item 2): written a transaction at a time, a retry finishes ---
    Operation("orders_imported", _credit_code_of_standing,
              lambda w, code: sales_import.import_now(w.ctx(REP), "ortho", "orders", _erp_rows("orders", code, 95))),
    Operation("sales_import_requested", _credit_code_of_standing,
              lambda w, _c: sales_import_jobs.request_upload(w.ctx(REP), "ortho", "orders", "orders.xlsx")),
    Operation("sales_import_confirmed", lambda w: _sales_file_uploaded(w, confirmed=False),
              lambda w, i: sales_import_jobs.confirm(w.ctx(REP), i)),
    Operation("job_import_sales", _sales_file_uploaded,
              job(lambda e: __import__("functions.import_sales").import_sales.run(e))),
    Operation("receivables_imported", _invoices_imported,
              lambda w, code: sales_import.import_now(w.ctx(REP), "ortho", "receivables", sales_import.rows_source(
                  [{"invoice_no": f"INV-{i}", "credit_code": code, "amount_yuan": "100", "invoiced_on": "2027-01-01",
                    "due_on": f"2027-02-{1 + i % 28:02d}", "paid_on": "2027-03-01"} for i in range(5)]
                  + [{"invoice_no": f"NEW-{i}", "credit_code": code, "amount_yuan": "70.5",
                      "invoiced_on": "2027-03-01", "due_on": "2027-04-01"} for i in range(30)]))),
]
