"""SEC-2 / issue 3's and 6's uploads: an upload nobody confirmed is checked by the daily job, so no record stays
`awaiting_upload` and no S3 object stays unchecked; the job reads only what is pending."""

from datetime import timedelta

from functions import finish_uploads
from portal.adapters import aws, files
from portal.adapters.clock import utc_now
from portal.adapters.tables import Document, TicketEvent
from portal.domain.timeutil import shanghai_day
from portal.services import tickets, upload_cleanup
from portal.services.context import Ctx, system_ctx
from tests.conftest import count_aws_calls
from tests.factories import EXE, PDF, attach, upload
from tests.integration.test_tickets import admitted_customer


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


def test_SEC_2_an_old_upload_finished_late_does_not_replace_the_newer_version(app):
    _customer, ctx = admitted_customer()
    today = shanghai_day(ctx.now)  # expiry days relative to the clock: valid whenever the test runs
    old_expiry, new_expiry = today + timedelta(days=180), today + timedelta(days=2 * 365)
    forgotten = upload(ctx, "business-licence", PDF, confirm=False, expiry_date=old_expiry)  # lost confirm
    a_minute_on = Ctx(ctx.actor, ctx.now + timedelta(minutes=1))
    newer = upload(a_minute_on, "business-licence", PDF, expiry_date=new_expiry)  # uploaded again, confirmed
    later = system_ctx(ctx.now + timedelta(hours=2))
    assert upload_cleanup.finish_pending(later).documents == [f"{forgotten.doc_id}:superseded"]
    current, old = Document.get(newer.doc_id), Document.get(forgotten.doc_id)
    assert current.status == "verified" and current.expiry_key.startswith(new_expiry.isoformat())  # still watched
    assert old.status == "superseded" and old.expiry_key is None
