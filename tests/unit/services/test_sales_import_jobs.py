"""Large ERP files as jobs (issue 18 item 2) on the in-memory world: uploaded to the bucket, confirmed, checked whole
and written by the scheduled function, split across runs when a run's time is short (pass 1 and pass 2 both
continue where the last run stopped); a bad file imports nothing and keeps its report; only the uploader or MD."""

from __future__ import annotations

import pytest

from portal.adapters.tables import Order
from portal.services import sales_import_jobs
from portal.services.context import system_ctx
from portal.services.errors import Forbidden, Invalid, NotFound
from tests.factories import register, stand
from tests.unit.services.test_sales_import import REHAB, REP, audited

HEADER = "order_no,credit_code,product,quantity,amount_yuan,ordered_on,status"


@pytest.fixture
def buyer(fake):
    customer, _ctx = register(fake)
    stand(customer, "ortho", store=fake.store)
    return customer


def csv_of(buyer, n: int, bad_at: int | None = None) -> bytes:
    lines = [HEADER] + [f"SO-{i},{buyer.credit_code},bone-plate,1,{'-1' if i == bad_at else '10'},2026-01-05,open"
                        for i in range(n)]
    return "\n".join(lines).encode()


def uploaded(fake, data: bytes, who=REP, name="订单.csv"):
    record, form = sales_import_jobs.request_upload(fake.ctx(who), "ortho", "orders", name)
    assert form["fields"]["key"] == record.upload_key and "订单" not in record.upload_key
    fake.bucket.objects[record.upload_key] = data
    sales_import_jobs.confirm(fake.ctx(who), record.import_id)
    return record


def budget(blocks: int):
    """A time budget that allows `blocks` more checks of the clock."""
    left = iter(range(blocks, -1, -1))
    return lambda: next(left, 0) > 0


def orders(fake) -> int:
    return len(fake.store._tables.get(Order, {}))


def status(fake, record):
    return sales_import_jobs.get_import(fake.ctx(REP), record.import_id)


def test_a_large_file_is_checked_then_written_across_runs_and_finishes_once(fake, buyer):
    record = uploaded(fake, csv_of(buyer, 450))
    job = system_ctx(fake.now, store=fake.store)
    first = sales_import_jobs.run_imports(job, keep_going=budget(2))  # pass 1 stops after two blocks
    assert first.continuing == [record.import_id] and orders(fake) == 0
    second = sales_import_jobs.run_imports(job, keep_going=budget(6))  # pass 1 ends; pass 2 writes a chunk
    assert second.continuing == [record.import_id]
    written = orders(fake)
    assert 0 < written < 450 and status(fake, record).position == written
    third = sales_import_jobs.run_imports(job)
    assert third.done == [record.import_id] and orders(fake) == 450
    done = status(fake, record)
    assert (done.status, int(done.rows), int(done.created)) == ("done", 450, 450)
    assert record.upload_key not in fake.bucket.objects  # the upload is removed once imported
    assert sales_import_jobs.run_imports(job).done == []  # nothing pending any more
    event = audited(fake, "sales.orders_imported")[0]
    assert '"rows": 450' in event["detail"] and event["target_id"] == record.import_id


def test_a_bad_row_found_in_a_later_run_still_imports_nothing(fake, buyer):
    record = uploaded(fake, csv_of(buyer, 450, bad_at=420))
    job = system_ctx(fake.now, store=fake.store)
    sales_import_jobs.run_imports(job, keep_going=budget(1))
    assert sales_import_jobs.run_imports(job).refused == [record.import_id]
    refused = status(fake, record)
    assert refused.status == "refused" and orders(fake) == 0
    assert [(p.row, p.column, p.code) for p in sales_import_jobs.problems_of(refused)] == [
        (422, "amount_yuan", "negative")]


def test_an_unconfirmed_or_missing_upload(fake, buyer):
    record, _form = sales_import_jobs.request_upload(fake.ctx(REP), "ortho", "orders", "orders.xlsx")
    with pytest.raises(Invalid):
        sales_import_jobs.confirm(fake.ctx(REP), record.import_id)  # nothing uploaded yet
    assert sales_import_jobs.run_imports(system_ctx(fake.now, store=fake.store)).done == []  # not pending
    with pytest.raises(Invalid):
        sales_import_jobs.request_upload(fake.ctx(REP), "ortho", "orders", "orders.pdf")


def test_SEC_1_only_the_department_and_only_the_uploader_or_MD_sees_it(fake, buyer):
    with pytest.raises(Forbidden):
        sales_import_jobs.request_upload(fake.ctx(REHAB), "ortho", "orders", "orders.csv")
    record = uploaded(fake, csv_of(buyer, 3))
    with pytest.raises(NotFound):
        sales_import_jobs.get_import(fake.ctx("ortho.leader@demo.local"), record.import_id)
    assert sales_import_jobs.get_import(fake.ctx("md.admin@demo.local"), record.import_id).status == "pending"
