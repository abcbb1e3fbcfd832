"""Issue 16 item 1: a customer hears that a document was accepted or refused; the refusal's reason is kept as its
code and rendered in the reader's language."""

from portal.services import document_review, notifications
from portal.services.notification_text import render
from tests.factories import register, upload


def test_accepted_and_refused_documents_reach_the_customer_with_the_reason_in_its_language(fake):
    customer, ctx = register(fake)
    sound = upload(ctx, "business-licence", fake=fake)
    # issue 17: "accepted" is told when a person reviews the content, not when the file passes the check
    document_review.review(fake.ctx("md.admin@demo.local"), sound.doc_id, accept=True)
    upload(ctx, "business-licence", content=b"", filename="空文件.pdf", fake=fake)
    refused, accepted = notifications.inbox_page(ctx, "zh").items  # newest first
    assert (accepted.kind, accepted.target, refused.kind) == ("document_accepted", "/customer/documents",
                                                             "document_refused")
    assert "营业执照.pdf" in accepted.title and "空文件.pdf" in refused.title
    assert refused.detail == "理由：上传的文件为空。"
    assert notifications.inbox_page(ctx, "en").items[0].detail == "Reason: The uploaded file is empty."
    assert [m for m in fake.sent if "空文件.pdf" in m[1]]  # mailed too


def test_an_unknown_reason_code_renders_as_nothing_rather_than_the_code():
    assert render("document_refused", {"document": "a.pdf", "reason_code": "no_such_code"}, "zh").detail == "理由："
