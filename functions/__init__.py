"""Scheduled functions: one module per job, each with `handler(event, context)`.

Every job takes an optional `now` (ISO-8601) in its event, so tests and operators can travel in
time, and runs from the shell as `python -m functions.<name> [--now ISO-8601]` against the endpoint
the environment names (the local run prints that environment). EventBridge schedules are in
zappa_settings.json (cron in UTC: 16:00 UTC is midnight in Asia/Shanghai).
"""

JOBS = ("open_review_cycle", "expire_blacklist", "escalate_downgrades", "escalate_reviews", "ticket_sla",
        "licence_expiry", "finish_uploads", "deliver_outbox", "notification_digest",
        "daily_reminders", "write_exports", "import_sales")
