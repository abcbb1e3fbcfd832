"""CMP-1 / SEC-1 on moto: files on tickets use the documents' presigned upload and server-side check."""

import pytest

from portal.adapters import aws, files
from portal.adapters.tables import AuditEvent, TicketEvent
from portal.domain.customers import MAX_UPLOAD_BYTES
from portal.domain.tickets import MAX_ATTACHMENTS
from portal.domain.timeutil import shanghai_day
from portal.services import ticket_files, tickets
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import staff_ctx as staff
from tests.factories import EXE, PNG, attach
from tests.integration.test_tickets import admitted_customer, fresh


def stored_keys(ticket_id):
    listing = aws.client("s3").list_objects_v2(Bucket=files._bucket["name"], Prefix=f"tickets/{ticket_id}/")
    return [o["Key"] for o in listing.get("Contents", [])]


def test_CMP_1_customer_and_department_attach_files_shown_on_the_timeline(app):
    _customer, ctx = admitted_customer()
    ticket = tickets.file(ctx, "ortho", "service", "设备损坏", "外壳破裂，见照片")
    photo = attach(ctx, ticket.ticket_id, PNG, "image/png", "C:\\照片\\破损.png")
    rep = staff("ortho.rep@demo.local")
    note = attach(rep, ticket.ticket_id, filename="维修报告.pdf")
    assert (photo.file_state, photo.file_name, photo.size) == ("verified", "破损.png", len(PNG))
    assert note.by_staff and note.file_state == "verified"
    shown = [e.file_name for e in tickets.timeline(ctx, tickets.get(ctx, ticket.ticket_id)) if e.kind == "attachment"]
    assert shown == ["破损.png", "维修报告.pdf"]
    url = ticket_files.open_file(rep, ticket.ticket_id, photo.event_id)
    assert "X-Amz-Signature" in url and "attachment" in url
    assert stored_keys(ticket.ticket_id) and all(k.startswith(f"tickets/{ticket.ticket_id}/") for k in
                                                 stored_keys(ticket.ticket_id))


def test_fake_pdf_is_rejected_deleted_and_not_shown(app):
    _customer, ctx = admitted_customer()
    ticket = tickets.file(ctx, "ortho", "complaint", "发票错误", "金额不符")
    fake = attach(ctx, ticket.ticket_id, EXE, "application/pdf", "发票.pdf")
    assert (fake.file_state, fake.reject_reason) == ("rejected", "wrong_type")
    assert stored_keys(ticket.ticket_id) == []  # no object without a verified record
    assert all(e.kind != "attachment" for e in tickets.timeline(ctx, tickets.get(ctx, ticket.ticket_id)))
    with pytest.raises(NotFound):
        ticket_files.open_file(ctx, ticket.ticket_id, fake.event_id)


def test_oversized_empty_missing_and_wrong_declared_type(app):
    _customer, ctx = admitted_customer()
    ticket = tickets.file(ctx, "ortho", "complaint", "照片", "见附件")
    big = attach(ctx, ticket.ticket_id, PNG + b"\x00" * MAX_UPLOAD_BYTES, "image/png", "大.png")
    assert big.reject_reason == "too_large"
    assert attach(ctx, ticket.ticket_id, b"", "image/png", "空.png").reject_reason == "empty"
    assert attach(ctx, ticket.ticket_id, None, "image/png", "无.png").reject_reason == "missing"
    with pytest.raises(Invalid) as exc:
        ticket_files.request(ctx, ticket.ticket_id, "病毒.exe", "application/x-msdownload")
    assert "file" in exc.value.fields
    assert stored_keys(ticket.ticket_id) == []


def test_SEC_1_other_customers_and_departments_cannot_attach_or_open(app):
    _a, ctx_a = admitted_customer()
    _b, ctx_b = admitted_customer()
    ticket = tickets.file(ctx_a, "ortho", "complaint", "投诉", "内容")
    photo = attach(ctx_a, ticket.ticket_id)
    with pytest.raises(NotFound):
        ticket_files.request(ctx_b, ticket.ticket_id, "x.pdf", "application/pdf")
    with pytest.raises(NotFound):
        ticket_files.open_file(ctx_b, ticket.ticket_id, photo.event_id)
    with pytest.raises(Forbidden):
        ticket_files.request(staff("rehab.rep@demo.local"), ticket.ticket_id, "x.pdf", "application/pdf")
    with pytest.raises(Forbidden):
        ticket_files.open_file(staff("rehab.rep@demo.local"), ticket.ticket_id, photo.event_id)
    with pytest.raises(NotFound):  # a forged file id, and a reply's id passed as a file's
        ticket_files.open_file(ctx_a, ticket.ticket_id, "01ZZZZZZZZZZZZZZZZZZZZZZZZ")
    status_event = next(e for e in TicketEvent.query(ticket.ticket_id) if e.kind == "status")
    with pytest.raises(NotFound):
        ticket_files.open_file(ctx_a, ticket.ticket_id, status_event.event_id)
    day = shanghai_day(fresh(ctx_a).now).isoformat()
    opened = [e for e in AuditEvent.query(day) if e.action == "ticket.attachment_opened"]
    assert opened == []  # refused openings leave no "opened" record


def test_only_the_uploader_confirms_once(app):
    _customer, ctx = admitted_customer()
    ticket = tickets.file(ctx, "ortho", "complaint", "投诉", "内容")
    pending = attach(ctx, ticket.ticket_id, confirm=False)
    with pytest.raises(NotFound):
        ticket_files.confirm(staff("ortho.rep@demo.local"), ticket.ticket_id, pending.event_id)
    assert ticket_files.confirm(ctx, ticket.ticket_id, pending.event_id).file_state == "verified"
    with pytest.raises(Conflict):
        ticket_files.confirm(ctx, ticket.ticket_id, pending.event_id)


def test_closed_ticket_and_file_limit(app):
    _customer, ctx = admitted_customer()
    ticket = tickets.file(ctx, "ortho", "complaint", "投诉", "内容")
    for _ in range(MAX_ATTACHMENTS - 1):
        attach(ctx, ticket.ticket_id)
    assert attach(ctx, ticket.ticket_id, EXE).file_state == "rejected"  # refused files do not count
    attach(ctx, ticket.ticket_id, confirm=False)  # one still uploading does
    with pytest.raises(Invalid) as exc:
        ticket_files.request(ctx, ticket.ticket_id, "再一个.pdf", "application/pdf")
    assert "file" in exc.value.fields
    other = tickets.file(ctx, "ortho", "complaint", "另一个", "内容")
    rep = staff("ortho.rep@demo.local")
    tickets.advance(rep, other.ticket_id, "resolved", "已处理")
    tickets.close(fresh(ctx), other.ticket_id, 5, None)
    with pytest.raises(Conflict):
        ticket_files.request(fresh(ctx), other.ticket_id, "迟到.pdf", "application/pdf")


def test_a_checked_file_cannot_be_swapped_through_its_upload_form(app):
    _customer, ctx = admitted_customer()
    ticket = tickets.file(ctx, "ortho", "complaint", "发票", "见附件")
    upload = ticket_files.request(ctx, ticket.ticket_id, "发票.png", "image/png")
    s3 = aws.client("s3")
    s3.put_object(Bucket=files._bucket["name"], Key=upload.event.s3_key, Body=PNG)
    checked = ticket_files.confirm(ctx, ticket.ticket_id, upload.event.event_id)
    assert checked.file_state == "verified" and checked.s3_key != upload.event.s3_key
    # the presigned POST still lives a few minutes: bytes sent to it now land where nobody reads them
    s3.put_object(Bucket=files._bucket["name"], Key=upload.event.s3_key, Body=EXE)
    kept = TicketEvent.get(ticket.ticket_id, upload.event.event_id).s3_key
    assert s3.get_object(Bucket=files._bucket["name"], Key=kept)["Body"].read() == PNG


def test_CMP_1_two_attaches_at_once_never_make_eleven_files(app, atomic_moto):
    import threading

    from portal.adapters.tables import Counter

    _customer, ctx = admitted_customer()
    ticket = tickets.file(ctx, "ortho", "complaint", "投诉", "内容")
    for _ in range(MAX_ATTACHMENTS - 2):
        attach(ctx, ticket.ticket_id)
    results: list[str] = []

    def one(n: int) -> None:
        try:
            ticket_files.request(fresh(ctx), ticket.ticket_id, f"同时{n}.pdf", "application/pdf")
            results.append("ok")
        except Invalid:
            results.append("full")

    for _round in range(3):  # ten requests race for the last two places
        threads = [threading.Thread(target=one, args=(n,)) for n in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results.count("ok") == 2 and results.count("full") == 28
    kept = [a for a in ticket_files.attachments(ticket.ticket_id) if a.file_state != "rejected"]
    assert len(kept) == MAX_ATTACHMENTS == int(Counter.get(f"ticket#{ticket.ticket_id}", "files").total)
