"""One-off migration for the sparse indexes of issue 12 item 4: records written before them get their marker.

The indexes `documents.current`, `grade_changes.open_proposals` and `visits.made` hold only items whose marker
attribute is set; the repositories set it from now on. Run this once, by hand, after the stack that adds the
indexes is deployed: `python -m portal.tools.backfill_indexes` (the portal's usual settings; PORTAL_AWS_ENDPOINT
for a local run). It reads the three tables whole, page by page (a Scan, which no request path or scheduled job
does: DESIGN rule 5), and marks each verified document, open proposal and visit made that lacks its marker, each
update conditioned on the state read. Running it again changes nothing.
"""

from __future__ import annotations

from portal.adapters import aws, tables
from portal.adapters.records import from_item
from portal.adapters.repos.customers import Documents
from portal.adapters.repos.grading import GradeChanges
from portal.adapters.repos.visits import Visits
from portal.adapters.store.dynamo import _plain
from portal.adapters.uow import UnitOfWork, WriteConflict

STEPS = ((Documents, "backfill_current"), (GradeChanges, "backfill_open"), (Visits, "backfill_made"))


def backfill() -> dict[str, int]:
    """Mark what the sparse indexes must hold; returns how many records each table had marked."""
    marked = {}
    for repo, method in STEPS:
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
    """Configure the adapters from the environment and mark what is missing."""
    from portal.adapters.setup import configure_all
    from portal.config import Settings

    configure_all(Settings.from_env())
    for table, count in backfill().items():
        print(f"{table}: {count} marked")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
