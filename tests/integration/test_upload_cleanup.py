"""SEC-2 / issue 3's and 6's uploads: an upload nobody confirmed is checked by the daily job, so no record stays
`awaiting_upload` and no S3 object stays unchecked; the job reads only what is pending. The whole job on moto
(files on tickets are not on the unit of work yet); its documents half also runs on the in-memory store
(tests/unit/services/test_documents.py)."""

from datetime import timedelta

from functions import finish_uploads
from portal.adapters import aws, files
from portal.adapters.clock import utc_now
from portal.adapters.tables import Document, TicketEvent
from portal.services import tickets, upload_cleanup
from portal.services.context import system_ctx
from tests.conftest import count_aws_calls
from tests.factories import EXE, PDF, admitted_customer, attach, upload


def stored(key):
    listing = aws.client("s3").list_objects_v2(Bucket=files._bucket["name"], Prefix=key)
    return listing.get("KeyCount", 0) == 1


def test_SEC_2_unconfirmed_uploads_are_finished_after_an_hour_exactly_once(app):
    _customer, ctx = admitted_customer()
    good = upload(ctx, "business-licence", PDF, confirm=False)  # stored, the confirmation never came
    empty = upload(ctx, "tax-registration", None, confirm=False)  # nothing was ever stored
    sure = upload(ctx, "device-trading-licence")  # confirmed as usual: never touched
    ticket = tickets.file(ctx, "ortho", "complaint", "照片", "见附件")
    fake = attach(ctx, ticket.ticket_id, EXE, confirm=False)

    soon = upload_cleanup.finish_pending(system_ctx(utc_now() + timedelta(minutes=30)))
    assert (soon.documents, soon.ticket_files) == ([], [])  # an upload may still be under way

    later = system_ctx(utc_now() + timedelta(hours=2))
    result = finish_uploads.run({"now": later.now.isoformat()})
    assert sorted(result["documents"]) == sorted([f"{good.doc_id}:verified", f"{empty.doc_id}:rejected"])
    assert result["ticket_files"] == [f"{fake.event_id}:rejected"]
    kept = Document.get(good.doc_id)
    assert kept.status == "verified" and stored(kept.s3_key) and not kept.s3_key.startswith("incoming/")
    assert not stored(good.s3_key)  # the upload key is emptied once checked
    assert Document.get(empty.doc_id).reject_reason == "missing"
    assert Document.get(sure.doc_id).status == "verified"
    assert TicketEvent.get(ticket.ticket_id, fake.event_id).reject_reason == "wrong_type"
    assert not stored(fake.s3_key)  # the unchecked object is gone

    with count_aws_calls() as calls:
        again = upload_cleanup.finish_pending(later)
    assert (again.documents, again.ticket_files) == ([], [])
    assert dict(calls) == {"dynamodb.Query": 2}  # nothing pending: two index reads, no Scan

