"""Issue 13's four defects, each with the failure injected at the point that broke it (in-memory world)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from functions import expire_blacklist, runtime
from functions.runtime import JobIncomplete
from portal.adapters.repos.customers import Documents
from portal.adapters.repos.dynamics import BlacklistEntries
from portal.adapters.repos.outbox import Outbox
from portal.adapters.uow import Unavailable
from portal.services import blacklist, documents, outbox, upload_cleanup
from portal.services.context import system_ctx
from tests.faults.harness import violations
from tests.faults.operations import LEADER, MD, _listed, _standing_customer, _upload_waiting


def failing(monkeypatch, target, name: str):
    """Make `target.name` raise Unavailable once (then behave)."""
    real = getattr(target, name)
    state = {"failed": False}

    def once(*args, **kwargs):
        if not state["failed"]:
            state["failed"] = True
            raise Unavailable(f"injected: {name}")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, once)
    return state


# 1. an upload is never lost: the original stays until the record pointing at the copy is committed -------

def test_SEC_2_a_failed_commit_after_the_copy_keeps_the_upload_and_the_retry_reuses_the_copy(fake, monkeypatch):
    ctx, doc_id = _upload_waiting(fake)
    incoming = fake.repo(Documents).find(doc_id).s3_key
    failing(monkeypatch, fake.store, "write")  # the record's commit fails after the copy was made
    with pytest.raises(Unavailable):
        documents.confirm(ctx, doc_id)
    assert incoming in fake.bucket.objects  # the sound upload is not lost …
    assert fake.repo(Documents).find(doc_id).status == "awaiting_upload" and violations(fake) == set()
    done = documents.confirm(ctx, doc_id)  # … and the retry finishes it with the same kept copy
    assert done.status == "verified" and list(fake.bucket.objects) == [done.s3_key]


def test_SEC_2_the_nightly_job_finishes_an_interrupted_check_and_leaves_no_copy_behind(fake, monkeypatch):
    ctx, doc_id = _upload_waiting(fake)
    failing(monkeypatch, fake.store, "write")
    with pytest.raises(Unavailable):
        documents.confirm(ctx, doc_id)
    run = upload_cleanup.finish_pending(system_ctx(ctx.now + timedelta(hours=2), store=fake.store))
    assert run.documents == [f"{doc_id}:verified"] and run.failed == []
    assert list(fake.bucket.objects) == [fake.repo(Documents).find(doc_id).s3_key]


def test_SEC_2_failing_to_delete_the_upload_after_the_commit_is_not_reported_as_a_failure(fake, monkeypatch):
    from portal.adapters import files

    ctx, doc_id = _upload_waiting(fake)
    failing(monkeypatch, files, "delete")
    assert documents.confirm(ctx, doc_id).status == "verified"  # committed: answered as done
    assert violations(fake) == set()  # the upload is left to the bucket's lifecycle rule (incoming/)


# 2. only a failed condition is a conflict ----------------------------------------------------------------

def test_BLK_1_a_listing_the_store_could_not_commit_is_unavailable_not_listed_already(fake, monkeypatch):
    customer_id, _email = _standing_customer(fake)
    failing(monkeypatch, fake.store, "write")
    with pytest.raises(Unavailable):
        blacklist.list_customer(fake.ctx(LEADER), customer_id, "ortho", "严重违约")
    assert blacklist.list_customer(fake.ctx(LEADER), customer_id, "ortho", "严重违约").active


# 3. a committed listing keeps its BLK-3 mails: staged with it, delivered by the outbox -------------------

def test_BLK_3_mail_that_fails_after_the_commit_stays_due_and_goes_out_once(fake, monkeypatch):
    from portal.adapters import mail

    customer_id, _email = _standing_customer(fake, ("ortho", "rehab"))
    entry = blacklist.list_customer(fake.ctx(MD), customer_id, "company", "重大损失")  # answered from the commit
    assert entry.active and fake.delivered == []
    failing(monkeypatch, mail, "send")
    first = outbox.deliver_due(system_ctx(fake.now, store=fake.store))
    assert len(first.retrying) == 1 and first.sent  # one send failed: it stays due, after a pause
    # (issue 16 item 4: the first run also fanned the listing out to every department's staff, staging their
    # notification mails, so the next run sends those besides the retried one)
    fanned = outbox.deliver_due(system_ctx(fake.now + timedelta(seconds=1), store=fake.store)).sent
    later = system_ctx(fake.now + timedelta(minutes=2), store=fake.store)
    assert outbox.deliver_due(later).sent == first.retrying and first.retrying[0] not in fanned
    assert outbox.deliver_due(later).sent == []  # once
    to = sorted(m[0] for m in fake.delivered)
    assert len(to) == len(set(to)) >= 4  # each once: the departments and MD (BLK-3), and (issue 16) the customer
    staff = [m for m in fake.delivered if "公司黑名单" in m[1]]
    assert len(staff) >= 3 and [m[0] for m in fake.delivered if m not in staff] == [_email]
    assert fake.repo(Outbox).due_by(fake.now + timedelta(days=1)) == []


# 4. BLK-5: an entry the job could not end is not counted as ended ----------------------------------------

def test_BLK_5_an_entry_the_store_could_not_end_is_reported_failed_and_stays_due(fake, monkeypatch):
    from datetime import date

    entry = _listed(fake, expires_on=date(2027, 4, 1))
    later = fake.now + timedelta(days=30)
    failing(monkeypatch, fake.store, "write")
    result = expire_blacklist.run({"now": later.isoformat()})
    assert result["expired"] == [] and result["already_ended"] == 0 and result["failed"] == [entry.entry_id]
    assert fake.repo(BlacklistEntries).find(entry.entry_id).active  # still due: the retry ends it
    monkeypatch.setattr(runtime, "configure", lambda: None)  # (this world, not the environment's tables)
    with pytest.raises(JobIncomplete):  # and the Lambda handler fails, so EventBridge tries again
        runtime.scheduled(lambda event: result)({}, None)
    again = expire_blacklist.run({"now": later.isoformat()})
    assert again["expired"] == [entry.entry_id] and again["failed"] == []
    assert not fake.repo(BlacklistEntries).find(entry.entry_id).active
