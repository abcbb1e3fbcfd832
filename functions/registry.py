"""Every scheduled function by name, imported explicitly (the local jobs page runs them by hand)."""

from __future__ import annotations

from collections.abc import Callable


def registry() -> dict[str, Callable[[dict], dict]]:
    """Job name -> its `run(event)` (imported on first use, not when the portal starts)."""
    from functions import (
        daily_reminders,
        deliver_outbox,
        escalate_downgrades,
        escalate_reviews,
        expire_blacklist,
        finish_uploads,
        import_sales,
        licence_expiry,
        notification_digest,
        open_review_cycle,
        ticket_sla,
        write_exports,
    )

    return {"open_review_cycle": open_review_cycle.run, "expire_blacklist": expire_blacklist.run,
            "escalate_downgrades": escalate_downgrades.run, "escalate_reviews": escalate_reviews.run,
            "ticket_sla": ticket_sla.run, "licence_expiry": licence_expiry.run, "finish_uploads": finish_uploads.run,
            "deliver_outbox": deliver_outbox.run, "notification_digest": notification_digest.run,
            "daily_reminders": daily_reminders.run,
            "write_exports": write_exports.run, "import_sales": import_sales.run}
