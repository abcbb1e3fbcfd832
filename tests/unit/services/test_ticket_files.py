"""CMP-1 / SEC-1 on the in-memory store and bucket: files on tickets use the documents' presigned upload and
server-side check; at most 10 kept per ticket, even when attached at once."""

import threading

import pytest

from portal.adapters.repos.grading import Counters
from portal.adapters.repos.identity import AuditTrail
from portal.adapters.repos.tickets import TicketEvents
from portal.domain.customers import MAX_UPLOAD_BYTES
from portal.domain.tickets import MAX_ATTACHMENTS
from portal.domain.timeutil import shanghai_day
from portal.services import ticket_files, tickets
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.factories import EXE, PDF, PNG
from tests.unit.services.ticket_world import customer

REP = "ortho.rep@demo.local"


def attach(fake, ctx, ticket_id, content=PDF, content_type="application/pdf", filename="送货单.pdf", confirm=True):
    """Attach a file as the browser would: request, store where the presigned POST would, confirm."""
    upload = ticket_files.request(ctx, ticket_id, filename, content_type)
    if content is not None:
        fake.bucket.objects[upload.event.s3_key] = content
    return ticket_files.confirm(ctx, ticket_id, upload.event.event_id) if confirm else upload.event


def stored_keys(fake, ticket_id):
    """Every object the bucket holds for the ticket, uploads and kept copies alike."""
    return sorted(k for k in fake.bucket.objects if f"tickets/{ticket_id}/" in k)


def test_CMP_1_customer_and_department_attach_files_shown_on_the_timeline(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "service", "设备损坏", "外壳破裂，见照片")
    photo = attach(fake, ctx, ticket.ticket_id, PNG, "image/png", "C:\\照片\\破损.png")
    note = attach(fake, fake.ctx(REP), ticket.ticket_id, filename="维修报告.pdf")
    assert (photo.file_state, photo.file_name, photo.size) == ("verified", "破损.png", len(PNG))
    assert note.by_staff and note.file_state == "verified"
    shown = [e.file_name for e in tickets.timeline(ctx, tickets.get(ctx, ticket.ticket_id)) if e.kind == "attachment"]
    assert shown == ["破损.png", "维修报告.pdf"]
    url = ticket_files.open_file(fake.ctx(REP), ticket.ticket_id, photo.event_id)
    assert photo.s3_key in url.replace("%2F", "/") and "filename=" in url
    assert stored_keys(fake, ticket.ticket_id) == sorted([photo.s3_key, note.s3_key])  # the uploads are emptied
    assert all(k.startswith(f"tickets/{ticket.ticket_id}/") for k in stored_keys(fake, ticket.ticket_id))
    stored = fake.repo(TicketEvents).get(ticket.ticket_id, photo.event_id)
    assert (stored.file_state, stored.pending_key, stored.s3_key) == ("verified", None, photo.s3_key)
    day = shanghai_day(ctx.now).isoformat()
    opened = [e for e in fake.repo(AuditTrail).all(day) if e.action == "ticket.attachment_opened"]
    assert [(e.actor_email, e.target_id) for e in opened] == [(REP, ticket.ticket_id)]


def test_fake_pdf_is_rejected_deleted_and_not_shown(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "complaint", "发票错误", "金额不符")
    forged = attach(fake, ctx, ticket.ticket_id, EXE, "application/pdf", "发票.pdf")
    assert (forged.file_state, forged.reject_reason) == ("rejected", "wrong_type")
    assert stored_keys(fake, ticket.ticket_id) == []  # no object without a verified record
    assert all(e.kind != "attachment" for e in tickets.timeline(ctx, tickets.get(ctx, ticket.ticket_id)))
    with pytest.raises(NotFound):
        ticket_files.open_file(ctx, ticket.ticket_id, forged.event_id)
    assert fake.repo(Counters).ticket_files(ticket.ticket_id) == 0  # a refused file frees its place


def test_oversized_empty_missing_and_wrong_declared_type(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "complaint", "照片", "见附件")
    big = attach(fake, ctx, ticket.ticket_id, PNG + b"\x00" * MAX_UPLOAD_BYTES, "image/png", "大.png")
    assert big.reject_reason == "too_large"
    assert attach(fake, ctx, ticket.ticket_id, b"", "image/png", "空.png").reject_reason == "empty"
    assert attach(fake, ctx, ticket.ticket_id, None, "image/png", "无.png").reject_reason == "missing"
    for name, kind in (("病毒.exe", "application/x-msdownload"), ("", "application/pdf")):
        with pytest.raises(Invalid) as exc:
            ticket_files.request(ctx, ticket.ticket_id, name, kind)
        assert "file" in exc.value.fields
    assert stored_keys(fake, ticket.ticket_id) == []


def test_SEC_1_other_customers_and_departments_cannot_attach_or_open(fake):
    _a, ctx_a = customer(fake)
    _b, ctx_b = customer(fake)
    ticket = tickets.file(ctx_a, "ortho", "complaint", "投诉", "内容")
    photo = attach(fake, ctx_a, ticket.ticket_id)
    with pytest.raises(NotFound):
        ticket_files.request(ctx_b, ticket.ticket_id, "x.pdf", "application/pdf")
    with pytest.raises(NotFound):
        ticket_files.open_file(ctx_b, ticket.ticket_id, photo.event_id)
    with pytest.raises(Forbidden):
        ticket_files.request(fake.ctx("rehab.rep@demo.local"), ticket.ticket_id, "x.pdf", "application/pdf")
    with pytest.raises(Forbidden):
        ticket_files.open_file(fake.ctx("rehab.rep@demo.local"), ticket.ticket_id, photo.event_id)
    for forged in ("01ZZZZZZZZZZZZZZZZZZZZZZZZ", "x" * 2000):  # a forged file id
        with pytest.raises(NotFound):
            ticket_files.open_file(ctx_a, ticket.ticket_id, forged)
    status_event = next(e for e in fake.repo(TicketEvents).timeline(ticket.ticket_id) if e.kind == "status")
    with pytest.raises(NotFound):  # a status step's id passed as a file's
        ticket_files.open_file(ctx_a, ticket.ticket_id, status_event.event_id)
    other = tickets.file(fake.later(ctx_a, seconds=1), "ortho", "complaint", "另一个", "内容")
    with pytest.raises(NotFound):  # a file of another ticket, through a ticket the customer may see
        ticket_files.open_file(ctx_a, other.ticket_id, photo.event_id)
    opened = [e for e in fake.repo(AuditTrail).all(shanghai_day(ctx_a.now).isoformat())
              if e.action == "ticket.attachment_opened"]
    assert opened == []  # refused openings leave no "opened" record


def test_only_the_uploader_confirms_once(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "complaint", "投诉", "内容")
    pending = attach(fake, ctx, ticket.ticket_id, confirm=False)
    with pytest.raises(NotFound):
        ticket_files.confirm(fake.ctx(REP), ticket.ticket_id, pending.event_id)
    assert ticket_files.confirm(ctx, ticket.ticket_id, pending.event_id).file_state == "verified"
    with pytest.raises(Conflict):
        ticket_files.confirm(ctx, ticket.ticket_id, pending.event_id)


def test_CMP_1_closed_ticket_and_file_limit(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "complaint", "投诉", "内容")
    for _ in range(MAX_ATTACHMENTS - 1):
        attach(fake, ctx, ticket.ticket_id)
    assert attach(fake, ctx, ticket.ticket_id, EXE).file_state == "rejected"  # refused files do not count
    attach(fake, ctx, ticket.ticket_id, confirm=False)  # one still uploading does
    with pytest.raises(Invalid) as exc:
        ticket_files.request(ctx, ticket.ticket_id, "再一个.pdf", "application/pdf")
    assert "file" in exc.value.fields
    assert fake.repo(Counters).ticket_files(ticket.ticket_id) == MAX_ATTACHMENTS
    other = tickets.file(fake.later(ctx, seconds=1), "ortho", "complaint", "另一个", "内容")
    tickets.advance(fake.ctx(REP), other.ticket_id, "resolved", "已处理")
    tickets.close(fake.later(ctx, seconds=2), other.ticket_id, 5, None)
    with pytest.raises(Conflict):
        ticket_files.request(fake.later(ctx, seconds=3), other.ticket_id, "迟到.pdf", "application/pdf")


def test_a_checked_file_cannot_be_swapped_through_its_upload_form(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "complaint", "发票", "见附件")
    upload = ticket_files.request(ctx, ticket.ticket_id, "发票.png", "image/png")
    fake.bucket.objects[upload.event.s3_key] = PNG
    checked = ticket_files.confirm(ctx, ticket.ticket_id, upload.event.event_id)
    assert checked.file_state == "verified" and checked.s3_key != upload.event.s3_key
    # the presigned POST still lives a few minutes: bytes sent to it now land where nobody reads them
    fake.bucket.objects[upload.event.s3_key] = EXE
    kept = fake.repo(TicketEvents).get(ticket.ticket_id, upload.event.event_id).s3_key
    assert fake.bucket.objects[kept] == PNG


def test_CMP_1_two_attaches_at_once_never_make_eleven_files(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "complaint", "投诉", "内容")
    for _ in range(MAX_ATTACHMENTS - 2):
        attach(fake, ctx, ticket.ticket_id)
    results: list[str] = []

    def one(n: int) -> None:
        try:
            ticket_files.request(fake.later(ctx, seconds=n + 1), ticket.ticket_id, f"同时{n}.pdf", "application/pdf")
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
    kept = [a for a in ticket_files.attachments(ticket.ticket_id, fake.uow()) if a.file_state != "rejected"]
    assert len(kept) == MAX_ATTACHMENTS == fake.repo(Counters).ticket_files(ticket.ticket_id)
