"""Benchmark (not a test): the BLK-5 expiry job on 10,000 customers with 20 entries due.

It prints the DynamoDB calls made and the items read; both follow the entries due (a sparse index),
not the number of customers or of listings. Run with `make bench-expiry`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime

CUSTOMERS = 10_000
DUE = 20
LATER = 1_000  # active department listings that end later
FOREVER = 200  # company listings with no expiry day


@contextmanager
def counting():
    """Count AWS calls by operation, and items DynamoDB read (ScannedCount, or 1 per GetItem)."""
    import botocore.client

    calls: Counter = Counter()
    original = botocore.client.BaseClient._make_api_call

    def wrapped(self, operation, params):
        result = original(self, operation, params)
        calls[f"call:{operation}"] += 1
        calls["items_read"] += result.get("ScannedCount", 1 if operation == "GetItem" and "Item" in result else 0)
        return result

    botocore.client.BaseClient._make_api_call = wrapped
    try:
        yield calls
    finally:
        botocore.client.BaseClient._make_api_call = original


def main() -> int:
    """Load the data on moto, run the job twice, print what it cost."""
    from moto import mock_aws

    import tests.conftest as conf
    from portal import create_app
    from portal.adapters import bootstrap
    from portal.adapters.tables import BlacklistEntry, Customer, Standing
    from portal.services import blacklist
    from portal.services.context import system_ctx

    listed_at = datetime(2027, 1, 15, 3, tzinfo=UTC)
    with mock_aws():
        app = create_app(conf.TEST_SETTINGS)
        bootstrap.create_everything(app.extensions["portal.settings"])
        ids = [str(uuid.uuid4()) for _ in range(CUSTOMERS)]
        with Customer.batch_write() as batch:
            for i, cid in enumerate(ids):
                batch.save(Customer(customer_id=cid, name=f"客户{i}", credit_code=f"X{i}", kind="enterprise",
                                    region="上海", industry="医疗器械", scale="small", contact_name="-",
                                    mobile="+8613800138000", email=f"c{i}@x.cn", created_at=listed_at))
        with Standing.batch_write() as batch:
            for i, cid in enumerate(ids[DUE + LATER + FOREVER:]):
                batch.save(Standing(dept_id="ortho", customer_id=cid, customer_name=f"客户{i}", products={"p"},
                                    admitted_at=listed_at))
        with BlacklistEntry.batch_write() as batch:
            for n, cid in enumerate(ids[:DUE + LATER + FOREVER]):
                expires = "2027-07-15" if n < DUE else ("2027-09-30" if n < DUE + LATER else None)
                entry = BlacklistEntry(entry_id=f"01J{n:023d}", customer_id=cid, scope="company" if expires is None
                                       else "ortho", listed_at=listed_at, expires_on=expires, reason="bench")
                if expires:
                    entry.due_bucket, entry.due_key = "due", f"{expires}#{entry.entry_id}"
                batch.save(entry)
        with counting() as first:
            run = blacklist.expire_due(system_ctx(datetime(2027, 7, 14, 16, 0, tzinfo=UTC)))
        with counting() as second:
            again = blacklist.expire_due(system_ctx(datetime(2027, 7, 14, 16, 5, tzinfo=UTC)))
    print(f"{CUSTOMERS} customers, {DUE + LATER + FOREVER} active listings, {DUE} due on 2027-07-15 (Asia/Shanghai)")
    for label, calls, result in (("first run", first, run), ("second run", second, again)):
        ops = ", ".join(f"{k.split(':')[1]}×{v}" for k, v in sorted(calls.items()) if k.startswith("call:"))
        total = sum(v for k, v in calls.items() if k.startswith("call:"))
        print(f"{label:<11} expired {len(result.expired):>3}  DynamoDB calls {total:>3} ({ops})  "
              f"items read {calls['items_read']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
