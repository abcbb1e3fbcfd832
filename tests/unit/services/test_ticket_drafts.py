"""Issue 17 / CMP-1: files attached while creating a ticket — the same checks and cap as files on a ticket, all
sound or no ticket at all, and a retry of the same filing never files it twice."""

import pytest

from portal.adapters.repos.grading import Counters
from portal.adapters.repos.identity import Uniques
from portal.adapters.repos.tickets import TicketEvents, Tickets
from portal.adapters.tables import Ticket
from portal.services import ticket_drafts, tickets
from portal.services.errors import Forbidden, Invalid
from tests.factories import EXE, PDF, PNG
from tests.unit.services import ticket_world


def drafted(fake, ctx, content=PDF, content_type="application/pdf", name="送货单.pdf"):
    """Upload a file for a ticket being written, as the browser would; return (upload id, name)."""
    draft = ticket_drafts.request_draft(ctx, name, content_type)
    fake.bucket.objects[draft.fields["key"]] = content
    return draft.upload_id, name


def all_tickets(fake):
    return list(fake.store._tables.get(Ticket, {}).values())


def test_CMP_1_a_ticket_is_filed_with_its_files_checked_kept_and_counted(fake):
    _cid, ctx = ticket_world.customer(fake)
    files = [drafted(fake, ctx), drafted(fake, ctx, PNG, "image/png", "照片.png")]
    ticket = tickets.file(ctx, "ortho", "complaint", "货损", "两箱破损", files=files)
    kept = fake.repo(TicketEvents).attachments(ticket.ticket_id)
    assert sorted((e.file_name, e.file_state) for e in kept) == [("照片.png", "verified"), ("送货单.pdf", "verified")]
    assert all(not e.s3_key.startswith("incoming/") and e.s3_key in fake.bucket.objects for e in kept)
    assert not [k for k in fake.bucket.objects if k.startswith("incoming/")]  # the uploads were settled
    assert fake.repo(Counters).get(f"ticket#{ticket.ticket_id}", "files").total == 2
    assert [e.file_name for e in tickets.timeline(ctx, ticket) if e.kind == "attachment"] == ["送货单.pdf", "照片.png"]


def test_CMP_1_a_bad_file_refuses_the_filing_next_to_the_field_and_nothing_is_written(fake):
    _cid, ctx = ticket_world.customer(fake)
    files = [drafted(fake, ctx), drafted(fake, ctx, EXE, name="发票.pdf")]
    with pytest.raises(Invalid) as exc:
        tickets.file(ctx, "ortho", "complaint", "货损", "两箱破损", files=files)
    assert "发票.pdf" in str(exc.value.fields["files"][0]) and "PDF" in str(exc.value.fields["files"][0])
    assert all_tickets(fake) == [] and not [k for k in fake.bucket.objects if not k.startswith("incoming/")]
    missing = [("01JB0000000000000000000000-0123456789abcdef.pdf", "没上传.pdf")]
    with pytest.raises(Invalid) as exc:
        tickets.file(ctx, "ortho", "complaint", "货损", "两箱破损", files=missing)
    assert "没上传.pdf" in str(exc.value.fields["files"][0]) and all_tickets(fake) == []


def test_CMP_1_only_ones_own_uploads_within_the_cap_and_never_by_staff(fake):
    _cid, ctx = ticket_world.customer(fake)
    _other, other_ctx = ticket_world.customer(fake)
    theirs = drafted(fake, other_ctx)  # another company's upload: not under this customer's prefix
    with pytest.raises(Invalid):
        tickets.file(ctx, "ortho", "complaint", "货损", "两箱破损", files=[theirs])
    with pytest.raises(Invalid):
        tickets.file(ctx, "ortho", "complaint", "货损", "两箱破损", files=[("../../x.pdf", "x.pdf")])
    with pytest.raises(Invalid) as exc:
        tickets.file(ctx, "ortho", "complaint", "货损", "两箱破损", files=[drafted(fake, ctx) for _ in range(11)])
    assert "10" in str(exc.value.fields["files"][0])
    with pytest.raises(Forbidden):
        ticket_drafts.request_draft(fake.ctx("ortho.rep@demo.local"), "a.pdf", "application/pdf")
    with pytest.raises(Invalid) as exc:
        ticket_drafts.request_draft(ctx, "a.exe", "application/x-msdownload")
    assert "file" in exc.value.fields
    assert all_tickets(fake) == []


def test_CMP_1_the_same_filing_again_returns_its_ticket_and_files_nothing_twice(fake):
    _cid, ctx = ticket_world.customer(fake)
    files = [drafted(fake, ctx)]
    first = tickets.file(ctx, "ortho", "complaint", "货损", "两箱破损", files=files)
    again = tickets.file(ctx, "ortho", "complaint", "货损", "两箱破损", files=files)
    assert again.ticket_id == first.ticket_id and len(all_tickets(fake)) == 1
    assert fake.repo(Uniques).owner(f"ticket-upload#{ctx.actor.customer_id}#{files[0][0]}") == first.ticket_id
    assert len(fake.repo(TicketEvents).attachments(first.ticket_id)) == 1
    assert fake.repo(Tickets).find(first.ticket_id) is not None
