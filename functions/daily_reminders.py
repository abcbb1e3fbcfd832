"""Every day at 08:30 Asia/Shanghai: blacklist entries expiring in 7 days, visits planned for today, review tasks
due in 7 days and VIP downgrades due within 2 days are told to the people concerned (issue 16), once a day; and
the staff to-do counters' past day buckets that count nothing any more are removed (issue 16 item 5); contracts
ending in 60 and 30 days are told of, and those whose end day has passed expire (REL-3)."""

from __future__ import annotations

from functions.runtime import cli, now_from, scheduled
from portal.services import contract_reads, reminders, todo_upkeep
from portal.services.context import system_ctx


def run(event: dict) -> dict:
    """Send the day's reminders; returns what was told and what could not be committed (tried again)."""
    ctx = system_ctx(now_from(event))
    result = reminders.send_daily(ctx)
    contracts = contract_reads.run_daily(ctx)
    failed = list(result.failed) + contracts.failed
    pruned = todo_upkeep.prune(ctx, failed)
    return {"job": "daily_reminders", "expiring": result.expiring, "visits": result.visits, "reviews": result.reviews,
            "downgrades": result.downgrades, "contracts_reminded": contracts.reminded,
            "contracts_expired": contracts.expired, "pruned": pruned, "failed": failed}


handler = scheduled(run)

if __name__ == "__main__":
    raise SystemExit(cli(handler))
