"""ADM-2 (a)/(e), SEC-1, SEC-2 on the in-memory store (files in `fake.bucket`): uploads checked by their bytes,
history kept, documents opened under SEC-1 and audited, MD's document types, the licence-expiry watch and the
clean-up of uploads nobody confirmed."""

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.adapters.repos.customers import Documents, DocumentTypes
from portal.adapters.repos.grading import Standings
from portal.adapters.tables import AuditEvent
from portal.domain.timeutil import shanghai_day
from portal.services import documents, upload_cleanup
from portal.services.context import system_ctx
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.factories import EXE, PDF, PNG, applied, register, stand, upload


def audited(fake, action):
    day = shanghai_day(fake.now).isoformat()
    return [e for e in fake.store.query(AuditEvent, day).items if e["action"] == action]


# --- uploads (SEC-2: nothing silently lost, nothing unchecked kept) -------------------------------------

def test_SEC_2_upload_is_verified_by_its_real_bytes_and_the_key_never_holds_the_name(fake):
    _customer, ctx = register(fake)
    doc = upload(ctx, "business-licence", filename="营业执照 2027.pdf", fake=fake)
    assert doc.status == "verified" and doc.original_name == "营业执照 2027.pdf"
    assert "营业执照" not in doc.s3_key and doc.s3_key.endswith(".pdf") and not doc.s3_key.startswith("incoming/")
    assert list(fake.bucket.objects) == [doc.s3_key]  # the checked copy only: the upload key is emptied
    stored = fake.repo(Documents).find(doc.doc_id)
    assert (stored.status, stored.s3_key, stored.size, stored.pending_key) == ("verified", doc.s3_key, len(PDF), None)
    assert stored.expiry_key is None  # long-term (长期): not watched


def test_SEC_2_executable_named_pdf_is_rejected_and_its_object_deleted(fake):
    _customer, ctx = register(fake)
    doc = upload(ctx, "business-licence", content=EXE, filename="licence.pdf", fake=fake)
    assert doc.status == "rejected" and doc.reject_reason == "wrong_type"
    assert fake.bucket.objects == {}
    assert "not a real PDF" in documents.rejection_message(fake.repo(Documents).find(doc.doc_id))


def test_SEC_2_jpg_php_name_never_reaches_the_key_and_php_type_is_refused(fake):
    _customer, ctx = register(fake)
    with pytest.raises(Invalid) as exc:
        upload(ctx, "business-licence", content_type="application/x-php", filename="photo.jpg.php", fake=fake)
    assert "file" in exc.value.fields
    doc = upload(ctx, "business-licence", content=PNG, content_type="image/jpeg", filename="photo.jpg.php",
                 fake=fake)
    assert doc.status == "rejected" and ".php" not in doc.s3_key and fake.bucket.objects == {}


def test_SEC_2_eleven_megabyte_file_is_rejected_and_deleted(fake):
    _customer, ctx = register(fake)
    doc = upload(ctx, "business-licence", content=PDF + b"0" * (11 * 1024 * 1024), fake=fake)
    assert doc.status == "rejected" and doc.reject_reason == "too_large" and fake.bucket.objects == {}


def test_SEC_2_confirming_a_document_never_uploaded_rejects_it_and_a_second_confirmation_is_409(fake):
    _customer, ctx = register(fake)
    doc = upload(ctx, "business-licence", content=None, fake=fake)
    assert doc.status == "rejected" and doc.reject_reason == "missing"
    with pytest.raises(Conflict):
        documents.confirm(ctx, doc.doc_id)
    assert [e["target_id"] for e in audited(fake, "document.rejected")] == [doc.doc_id]


def test_bad_dates_and_unknown_types_are_refused_by_field(fake):
    _customer, ctx = register(fake)
    tomorrow = shanghai_day(ctx.now) + timedelta(days=1)
    with pytest.raises(Invalid) as exc:
        upload(ctx, "business-licence", issue_date=tomorrow, expiry_date=None, long_term=False, fake=fake)
    assert set(exc.value.fields) == {"issue_date", "expiry_date"}
    with pytest.raises(Invalid) as exc:
        upload(ctx, "business-licence", issue_date=date(2024, 1, 1), expiry_date=date(2023, 1, 1), fake=fake)
    assert "expiry_date" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        upload(ctx, "no-such-type", fake=fake)
    assert "type_id" in exc.value.fields
    assert fake.repo(Documents).of_customer(ctx.actor.customer_id) == []


def test_SEC_2_a_new_document_version_keeps_the_old_one_in_history(fake):
    _customer, ctx = register(fake)
    first = upload(ctx, "business-licence", fake=fake, expiry_date=shanghai_day(ctx.now) + timedelta(days=90))
    assert fake.repo(Documents).find(first.doc_id).expiry_key  # watched
    second = upload(fake.later(ctx, minutes=1), "business-licence", filename="新营业执照.pdf", fake=fake)
    old, new = fake.repo(Documents).find(first.doc_id), fake.repo(Documents).find(second.doc_id)
    assert (old.status, old.expiry_key) == ("superseded", None) and new.status == "verified"
    assert len(fake.bucket.objects) == 2  # the old file is kept with its record


def test_SEC_1_only_the_customers_own_users_upload_its_documents(fake):
    customer, _ctx = register(fake)
    _other, ctx_b = register(fake)
    stand(customer, "ortho", store=fake.store)
    with pytest.raises(NotFound):
        documents.request_upload(ctx_b, customer.customer_id, type_id="business-licence", filename="x.pdf",
                                 content_type="application/pdf", issue_date=date(2024, 1, 1), expiry_date=None,
                                 long_term=True)
    with pytest.raises(Forbidden):
        documents.check_may_upload(fake.ctx("ortho.clerk@demo.local"), customer.customer_id)


def test_SEC_1_customer_b_cannot_read_customer_a_documents_or_applications(fake):
    from portal.services import applications

    _a, ctx_a, app_a = applied(fake=fake)
    _b, ctx_b = register(fake)
    doc_a = fake.repo(Documents).of_customer(ctx_a.actor.customer_id)[0]
    with pytest.raises(NotFound):
        documents.get_document(ctx_b, doc_a.doc_id)
    with pytest.raises(NotFound):
        documents.open_document(ctx_b, doc_a.doc_id)
    with pytest.raises(NotFound):
        documents.confirm(ctx_b, doc_a.doc_id)
    with pytest.raises(NotFound):
        applications.get_application(ctx_b, app_a.app_id)
    with pytest.raises(NotFound):
        documents.get_document(ctx_b, "no-such-document")


def test_SEC_1_every_opening_is_audited_and_only_staff_who_may_see_the_customer_open(fake):
    _c, ctx, _app = applied(fake=fake)
    doc = fake.repo(Documents).of_customer(ctx.actor.customer_id)[0]
    url = documents.open_document(fake.ctx("ortho.clerk@demo.local"), doc.doc_id)
    assert doc.s3_key.split("/")[-1] in url  # a link to the checked copy (S3's presigned GET: tests/integration)
    with pytest.raises(Forbidden):
        documents.open_document(fake.ctx("rehab.rep@demo.local"), doc.doc_id)
    assert documents.open_document(ctx, doc.doc_id)  # the customer itself
    opened = audited(fake, "document.opened")
    assert [e["actor_email"] for e in opened] == ["ortho.clerk@demo.local", ctx.actor.email]
    rejected = upload(ctx, "business-licence", content=EXE, fake=fake)
    with pytest.raises(NotFound):  # nothing to open
        documents.open_document(ctx, rejected.doc_id)


# --- document types (MD) ------------------------------------------------------------------------------

def test_ONB_1_md_keeps_the_document_types_and_stale_forms_are_409(fake):
    md = fake.ctx("md.admin@demo.local")
    with pytest.raises(Forbidden):
        documents.save_type(fake.ctx("ortho.leader@demo.local"), "gsp", name_zh="x", name_en="x",
                            required_for=set(), version=None)
    added = documents.save_type(md, "gsp-certificate", name_zh=" GSP 认证证书 ", name_en="GSP certificate",
                                required_for={"enterprise"}, version=None)
    assert (added.version, added.name_zh) == (1, "GSP 认证证书")
    assert "gsp-certificate" in [t.type_id for t in documents.required_types("enterprise", fake.uow())]
    with pytest.raises(Conflict) as exc:
        documents.save_type(md, "gsp-certificate", name_zh="x", name_en="x", required_for=set(), version=None)
    assert "type_id" in exc.value.fields
    changed = documents.save_type(md, "tax-registration", name_zh="税务登记证", name_en="Tax registration",
                                  required_for=set(), version=1)
    assert changed.version == 2 and fake.repo(DocumentTypes).find("tax-registration").required_for is None
    with pytest.raises(Conflict):
        documents.save_type(md, "tax-registration", name_zh="税务登记", name_en="Tax", required_for=set(), version=1)
    assert fake.repo(DocumentTypes).find("tax-registration").name_zh == "税务登记证"
    with pytest.raises(NotFound):
        documents.save_type(md, "never-made", name_zh="x", name_en="x", required_for=set(), version=1)
    for bad, field in (("Bad Id", "type_id"), ("ok-id", "required_for")):
        with pytest.raises(Invalid) as exc:
            documents.save_type(md, bad, name_zh="x", name_en="x", required_for={"alien"} if bad == "ok-id"
                                else set(), version=None)
        assert field in exc.value.fields


# --- licence expiry (ADM-2 a/e; the daily job) ----------------------------------------------------------

def test_ADM_2_licence_warnings_once_each_then_the_flag_and_a_new_version_lifts_it(fake):
    fake.now = datetime(2026, 11, 20, 2, tzinfo=UTC)  # uploaded before the fixed dates below

    def run(when):
        return documents.watch_expiry(system_ctx(when, store=fake.store))

    customer, ctx = register(fake)
    stand(customer, "ortho", store=fake.store)
    with fake.uow() as uow:  # the designated person hears of it too
        held = uow.repo(Standings).get("ortho", customer.customer_id)
        held.designated_staff = fake.user("ortho.rep@demo.local").user_id
        uow.repo(Standings).put(held)
        uow.commit()
    doc = upload(ctx, "business-licence", expiry_date=date(2027, 3, 1), fake=fake)
    assert run(datetime(2026, 12, 30, 1, tzinfo=UTC)).warned == []
    assert run(datetime(2026, 12, 31, 1, tzinfo=UTC)).warned == [f"{doc.doc_id}:60"]
    assert run(datetime(2026, 12, 31, 5, tzinfo=UTC)).warned == []
    assert run(datetime(2027, 1, 30, 1, tzinfo=UTC)).warned == [f"{doc.doc_id}:30"]
    assert run(datetime(2027, 2, 22, 1, tzinfo=UTC)).warned == [f"{doc.doc_id}:7"]
    midnight = run(datetime(2027, 2, 28, 16, 0, tzinfo=UTC))  # 00:00 on 1 March in Shanghai: expires today
    assert midnight.warned == [] and midnight.flagged == []  # valid through its expiry day
    assert run(datetime(2027, 3, 1, 16, 0, tzinfo=UTC)).flagged == [f"{doc.doc_id}:expired"]
    assert fake.repo(Standings).get("ortho", customer.customer_id).licence_flags == {"business-licence"}
    assert run(datetime(2027, 3, 5, 1, tzinfo=UTC)).flagged == []
    warnings = fake.mails("资质即将到期")
    assert len(warnings) == 3 * 2 and len(fake.mails("资质已过期")) == 2  # the customer and its designated rep
    assert {m[0] for m in warnings} == {customer.email, "ortho.rep@demo.local"}
    upload(fake.later(ctx, minutes=1), "business-licence", filename="新营业执照.pdf", long_term=True, fake=fake)
    assert fake.repo(Standings).get("ortho", customer.customer_id).licence_flags is None


def test_ADM_2_documents_not_required_for_the_customer_type_are_not_watched(fake):
    fake.now = datetime(2026, 11, 20, 2, tzinfo=UTC)
    _customer, ctx = register(fake, kind="retail")
    doc = upload(ctx, "tax-registration", expiry_date=date(2027, 1, 10), fake=fake)
    assert documents.watch_expiry(system_ctx(datetime(2027, 1, 5, 1, tzinfo=UTC), store=fake.store)).warned == []
    assert doc.status == "verified" and fake.mails("到期") == fake.mails("过期") == []  # no expiry mail


# --- uploads nobody confirmed (SEC-2; the daily clean-up job) --------------------------------------------

def test_SEC_2_unconfirmed_uploads_are_finished_after_an_hour_exactly_once(fake):
    _customer, ctx = register(fake)
    good = upload(ctx, "business-licence", PDF, confirm=False, fake=fake)  # stored, the confirmation never came
    empty = upload(ctx, "tax-registration", None, confirm=False, fake=fake)  # nothing was ever stored
    sure = upload(ctx, "device-trading-licence", fake=fake)  # confirmed as usual: never touched
    soon = upload_cleanup.finish_pending(system_ctx(ctx.now + timedelta(minutes=30), store=fake.store))
    assert soon.documents == []  # an upload may still be under way
    later = system_ctx(ctx.now + timedelta(hours=2), store=fake.store)
    fake.store.calls.clear()
    result = upload_cleanup.finish_pending(later)
    assert sorted(result.documents) == sorted([f"{good.doc_id}:verified", f"{empty.doc_id}:rejected"])
    kept = fake.repo(Documents).find(good.doc_id)
    assert kept.status == "verified" and kept.s3_key in fake.bucket.objects and not kept.s3_key.startswith("incoming/")
    assert good.s3_key not in fake.bucket.objects  # the upload key is emptied once checked
    assert fake.repo(Documents).find(empty.doc_id).reject_reason == "missing"
    assert fake.repo(Documents).find(sure.doc_id).status == "verified"
    fake.store.calls.clear()
    assert upload_cleanup.finish_pending(later).documents == []
    assert fake.store.calls == ["Query", "Query"]  # nothing pending: one read of each sparse index, no Scan


def test_SEC_2_an_old_upload_finished_late_does_not_replace_the_newer_version(fake):
    _customer, ctx = register(fake)
    today = shanghai_day(ctx.now)
    old_expiry, new_expiry = today + timedelta(days=180), today + timedelta(days=2 * 365)
    forgotten = upload(ctx, "business-licence", PDF, confirm=False, expiry_date=old_expiry, fake=fake)
    newer = upload(fake.later(ctx, minutes=1), "business-licence", PDF, expiry_date=new_expiry, fake=fake)
    later = system_ctx(ctx.now + timedelta(hours=2), store=fake.store)
    assert upload_cleanup.finish_pending(later).documents == [f"{forgotten.doc_id}:superseded"]
    current, old = fake.repo(Documents).find(newer.doc_id), fake.repo(Documents).find(forgotten.doc_id)
    assert current.status == "verified" and current.expiry_key.startswith(new_expiry.isoformat())  # still watched
    assert old.status == "superseded" and old.expiry_key is None and old.s3_key in fake.bucket.objects


def test_SEC_2_a_second_check_at_once_cannot_overwrite_the_first(fake):
    _customer, ctx = register(fake)
    pending = upload(ctx, "business-licence", PDF, confirm=False, fake=fake)
    read_by_the_customer = fake.repo(Documents).find(pending.doc_id)  # the confirmation read it awaiting its file
    later = system_ctx(ctx.now + timedelta(hours=2), store=fake.store)
    assert upload_cleanup.finish_pending(later).documents == [f"{pending.doc_id}:verified"]  # the job was first
    with pytest.raises(Conflict):  # the confirmation finds the upload key emptied: it must not reject the file
        documents.check(ctx, read_by_the_customer)
    kept = fake.repo(Documents).find(pending.doc_id)
    assert kept.status == "verified" and kept.s3_key in fake.bucket.objects
