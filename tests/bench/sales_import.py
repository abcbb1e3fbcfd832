"""`make bench-sales`: a 50,000-row orders file (CSV and .xlsx) checked and imported (issue 18 item 2), measuring
time, peak memory (tracemalloc) and DynamoDB calls — on the in-memory store, whose calls are the ones DynamoDB
would get (moto's times say nothing of DynamoDB's; counts do).

Peak memory is the importer's own: the first import's writes are counted and dropped (the in-memory store would
otherwise hold 50,000 items in the same process, which Lambda's DynamoDB does not). The second, idempotent import
runs on the stored rows and is timed without tracemalloc.

    python -m tests.bench.sales_import [--rows 50000] [--customers 200]
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
import tracemalloc
import uuid
from collections import Counter
from datetime import timedelta

from portal.adapters import records
from portal.adapters.repos.customers import CreditCodes
from portal.adapters.store.expr import Put
from portal.adapters.uow import UnitOfWork
from portal.domain.sales_rows import header_names
from portal.domain.timeutil import shanghai_day
from portal.services import sales_files, sales_import
from tests.factories import count_admission, credit_code
from tests.fakes import Fake

REP = "ortho.rep@demo.local"
CALLS = ("get", "batch_get", "batch_get_tables", "query", "count", "write")


def customers(world, n: int) -> list[str]:
    """n customers standing in ortho with their credit codes claimed; their codes."""
    codes = []
    for i in range(n):
        customer_id, code = str(uuid.uuid4()), credit_code(5_000_000 + i)
        uow = UnitOfWork(world.store)
        uow.stage(Put(records.Customer.model, {"customer_id": customer_id, "name": f"客户{i}", "credit_code": code,
                                               "kind": "enterprise", "email": f"{i}@x.cn", "created_at": world.now}))
        uow.repo(CreditCodes).claim(code, customer_id)
        count_admission(uow, records.Standing(dept_id="ortho", customer_id=customer_id, customer_name=f"客户{i}",
                                              grade="QUALIFIED", products={"bone-plate"}, admitted_at=world.now,
                                              version=1))
        uow.commit()
        codes.append(code)
    return codes


def rows(codes: list[str], n: int, today):
    for i in range(n):
        day = (today - timedelta(days=1 + i % 700)).isoformat()
        yield [f"SO-{i:07d}", codes[i % len(codes)], "bone-plate" if i % 2 else "锁定加压接骨板", 1 + i % 20,
               f"{100 + i % 9000}.{i % 100:02d}", day, ("open", "shipped", "已发货")[i % 3],
               (today + timedelta(days=i % 30)).isoformat(), ""]


def write_files(codes, n, today, folder) -> dict[str, str]:
    paths = {"csv": os.path.join(folder, "orders.csv"), "xlsx": os.path.join(folder, "orders.xlsx")}
    with open(paths["csv"], "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header_names("orders"))
        writer.writerows(rows(codes, n, today))
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("orders")
    sheet.append(header_names("orders"))
    for row in rows(codes, n, today):
        sheet.append(row)
    book.save(paths["xlsx"])
    return paths


class Counting:
    """Counts the store's calls by kind (and the write operations), optionally dropping writes."""

    def __init__(self, store, drop_writes: bool):
        self.calls, self.store, self.drop = Counter(), store, drop_writes
        for name in CALLS:
            setattr(self, name, self._wrap(name, getattr(store, name)))

    def _wrap(self, name, real):
        def call(*args, **kwargs):
            self.calls[name] += 1
            if name == "write":
                self.calls["items written"] += len(args[0])
                if self.drop:
                    return None
            return real(*args, **kwargs)
        return call


def measure(world, path: str, drop_writes: bool, trace: bool) -> dict:
    counting = Counting(world.store, drop_writes)
    ctx = world.ctx(REP)
    ctx = type(ctx)(ctx.actor, ctx.now, ctx.ip, ctx.user_agent, counting)
    opener = lambda: open(path, "rb")  # noqa: E731
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    header, source = sales_files.read("orders", opener)
    report = sales_import.validate(ctx, "ortho", "orders", source, header)
    checked = time.perf_counter()
    calls_pass_1 = dict(counting.calls)
    assert report.ok, report.problems[:5]
    sales_import.write(ctx, "ortho", "orders", source, report)
    done = time.perf_counter()
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    if trace:  # tracemalloc slows every allocation down: its times say nothing
        return {"rows": report.rows, "peak MiB": round(peak / 2**20, 1)}
    return {"rows": report.rows, "created": report.created, "unchanged": report.unchanged,
            "pass 1 s": round(checked - started, 1), "pass 2 s": round(done - checked, 1),
            "calls pass 1": calls_pass_1, "calls total": dict(counting.calls),
            "file MiB": round(os.path.getsize(path) / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--formats", default="csv,xlsx", help="which files to import (the .xlsx runs take long)")
    args = parser.parse_args()
    formats = [f for f in ("csv", "xlsx") if f in args.formats.split(",")]
    world = Fake()
    codes = customers(world, args.customers)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_files(codes, args.rows, shanghai_day(world.now), folder)
        for fmt in formats:
            print(fmt, "first import, writes counted and dropped:", measure(world, paths[fmt], True, False),
                  flush=True)
        print("csv first import, stored:", measure(world, paths["csv"], False, False), flush=True)
        print("csv the same file again:", measure(world, paths["csv"], False, False), flush=True)
        for fmt in formats:
            print(fmt, "peak memory (tracemalloc), writes dropped:", measure(world, paths[fmt], True, True),
                  flush=True)


if __name__ == "__main__":
    main()
