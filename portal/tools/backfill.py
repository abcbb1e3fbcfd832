"""The one-off backfill of issue 12 item 4's page indexes and counters, against the configured tables:
`PORTAL_ENV=… python -m portal.tools.backfill` once after the deploy that adds them; a rerun changes nothing.

Two parts. The services' backfill (portal/services/backfill.py) walks each department's lists: open change tasks,
active listings and overdue tickets get their sparse index marker, planned visits their by-day key, tickets
their report counters, review cycles their progress counters. `mark_sparse_indexes` then reads three tables whole,
page by page (a Scan, which no request path or scheduled job does: DESIGN rule 5) and marks each verified document
(`documents.current`), open proposal (`grade_changes.open_proposals`) and visit made (`visits.made`) that lacks its
marker, each update conditioned on the state read.
"""

from __future__ import annotations

import json
import sys

STEPS = (("Documents", "backfill_current"), ("GradeChanges", "backfill_open"), ("Visits", "backfill_made"))


def mark_sparse_indexes() -> dict[str, int]:
    """Mark what the sparse current-document, open-proposal and visits-made indexes must hold; how many records
    each table had marked."""
    from portal.adapters import aws, tables
    from portal.adapters.records import from_item
    from portal.adapters.repos.customers import Documents
    from portal.adapters.repos.grading import GradeChanges
    from portal.adapters.repos.visits import Visits
    from portal.adapters.store.dynamo import _plain
    from portal.adapters.uow import UnitOfWork, WriteConflict

    repos = {"Documents": Documents, "GradeChanges": GradeChanges, "Visits": Visits}
    marked = {}
    for name, method in STEPS:
        repo = repos[name]
        model, count = repo.model, 0
        pages = aws.client("dynamodb").get_paginator("scan").paginate(TableName=tables.table_name(model))
        for page in pages:
            for raw in page.get("Items", []):
                uow = UnitOfWork()
                if getattr(uow.repo(repo), method)(from_item(model, _plain(model, raw))):
                    try:
                        uow.commit()
                    except WriteConflict:  # its state changed meanwhile: the repositories marked it, or need not
                        continue
                    count += 1
        marked[model.base_name] = count
    return marked


def main() -> int:
    """Backfill and print what was written, by kind."""
    from portal.adapters.clock import utc_now
    from portal.adapters.setup import configure_all
    from portal.config import Settings
    from portal.services import backfill
    from portal.services.context import system_ctx

    configure_all(Settings.from_env())
    written = backfill.run(system_ctx(utc_now()))
    written.update({f"{table}_marked": n for table, n in mark_sparse_indexes().items() if n})
    print(json.dumps(written, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
