"""Issue 17: 文件已检查 (the portal checked type, size and first bytes) versus 已审核 (a person confirmed the content):
the review by MD or a department the customer deals with, its queue, the customer's notices (ADM-2 a/e, SEC-1)."""

import pytest

from portal.adapters.repos.customers import Documents
from portal.adapters.repos.grading import Standings
from portal.services import document_review, notifications
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.pages import document_review as pages
from tests.factories import applied, register, stand, upload


def kinds(ctx):
    return [i.kind for i in notifications.inbox_page(ctx, "zh").items]


def test_ADM_2_a_checked_file_is_only_file_checked_and_waits_for_a_person(fake):
    customer, ctx = register(fake)
    doc = upload(ctx, "business-licence", fake=fake)
    stored = fake.repo(Documents).find(doc.doc_id)
    assert stored.status == "verified" and stored.reviewed_at is None  # 文件已检查, not 已审核
    assert "document_accepted" not in kinds(ctx)  # nobody looked at the content yet
    queue = pages.review_queue(fake.ctx("md.admin@demo.local"))
    assert [w.document.doc_id for w in queue.items] == [doc.doc_id]
    assert queue.items[0].customer.customer_id == customer.customer_id


def test_ADM_2_a_md_confirms_a_document_with_who_and_when_and_the_customer_hears_it(fake):
    _customer, ctx = register(fake)
    doc = upload(ctx, "business-licence", fake=fake)
    md = fake.ctx("md.admin@demo.local")
    document_review.review(md, doc.doc_id, accept=True, version=fake.repo(Documents).find(doc.doc_id).version)
    stored = fake.repo(Documents).find(doc.doc_id)
    assert stored.status == "verified" and stored.reviewed_at == fake.now
    assert stored.reviewed_by == md.actor.user_id and stored.reviewed_by_name == md.actor.name
    assert kinds(ctx).count("document_accepted") == 1
    assert pages.review_queue(md).items == []  # left the queue
    assert [d.doc_id for d in fake.repo(Documents).verified_of(stored.customer_id)] == [doc.doc_id]  # still counts
    with pytest.raises(Conflict):  # a second review of the same document
        document_review.review(md, doc.doc_id, accept=False, reason="late")


def test_ADM_2_a_a_refusal_needs_a_reason_takes_the_document_out_of_use_and_tells_the_customer_why(fake):
    customer, ctx = register(fake)
    doc = upload(ctx, "business-licence", fake=fake)
    stand(customer, "ortho", store=fake.store)
    md = fake.ctx("md.admin@demo.local")
    with pytest.raises(Invalid) as exc:
        document_review.review(md, doc.doc_id, accept=False, reason="  ")
    assert "reason" in exc.value.fields
    assert fake.repo(Documents).find(doc.doc_id).reviewed_at is None  # nothing changed
    document_review.review(md, doc.doc_id, accept=False, reason="营业执照上的名称与注册名称不符")
    stored = fake.repo(Documents).find(doc.doc_id)
    assert (stored.status, stored.refusal_note) == ("refused", "营业执照上的名称与注册名称不符")
    assert fake.repo(Documents).verified_of(customer.customer_id) == []  # no longer counts for ADM-2 (a)
    assert "business-licence" in fake.repo(Standings).get("ortho", customer.customer_id).licence_flags
    refused = notifications.inbox_page(ctx, "zh").items[0]
    assert refused.kind == "document_refused" and "营业执照上的名称与注册名称不符" in refused.detail


def test_SEC_1_a_department_reviews_only_documents_of_customers_it_deals_with(fake):
    customer, ctx, _app = applied("ortho", fake=fake)
    doc = fake.repo(Documents).verified_of(customer.customer_id)[0]
    rehab = fake.ctx("rehab.leader@demo.local")
    with pytest.raises(Forbidden):
        document_review.review(rehab, doc.doc_id, accept=True)
    assert pages.review_queue(rehab).items == []  # others' documents are not in its queue
    ortho = fake.ctx("ortho.rep@demo.local")
    assert doc.doc_id in [w.document.doc_id for w in pages.review_queue(ortho).items]
    document_review.review(ortho, doc.doc_id, accept=True)
    assert fake.repo(Documents).find(doc.doc_id).reviewed_by_name == ortho.actor.name


def test_SEC_1_a_customer_cannot_review_and_a_forged_id_is_404(fake):
    _customer, ctx = register(fake)
    doc = upload(ctx, "business-licence", fake=fake)
    with pytest.raises(Forbidden):
        document_review.review(ctx, doc.doc_id, accept=True)
    with pytest.raises(NotFound):
        document_review.review(fake.ctx("md.admin@demo.local"), "01JFORGED0000000000000000", accept=True)
    assert fake.repo(Documents).find(doc.doc_id).reviewed_at is None


def test_ADM_4_admission_still_relies_on_file_checked_documents(fake):
    _customer, _ctx, app = applied("ortho", fake=fake)  # applied with unreviewed, file-checked documents
    assert app.status == "submitted"


def test_ADM_2_a_documents_checked_before_the_review_existed_join_the_queue_once(fake):
    from portal.adapters.store.expr import attr
    from portal.services import backfill
    from portal.services.context import system_ctx

    _customer, ctx = register(fake)
    doc = upload(ctx, "business-licence", fake=fake)
    uow = fake.uow()  # as a version checked before this change left it: current, unreviewed, not queued
    uow.repo(Documents).update((doc.doc_id,), [attr("review_bucket").remove()])
    uow.commit()
    md = fake.ctx("md.admin@demo.local")
    assert pages.review_queue(md).items == []
    assert backfill.run(system_ctx(fake.now, store=fake.store)).get("documents_to_review") == 1
    assert [w.document.doc_id for w in pages.review_queue(md).items] == [doc.doc_id]
    assert "documents_to_review" not in backfill.run(system_ctx(fake.now, store=fake.store))  # a second run: none
