"""What every scheduled function shares: settings from the environment and the clock from the event."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime

from portal.adapters.clock import utc_now
from portal.adapters.setup import configure_all
from portal.config import Settings


def configure() -> Settings:
    """Point the adapters at the configured tables and endpoint (Lambda: the normal AWS chain)."""
    settings = Settings.from_env()
    configure_all(settings)
    return settings


def now_from(event: dict | None) -> datetime:
    """The event's `now` (ISO-8601; naive means UTC) in UTC, or the real clock when absent."""
    raw = (event or {}).get("now")
    if not raw:
        return utc_now()
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def scheduled(run: Callable[[dict], dict]) -> Callable[[dict, object], dict]:
    """The Lambda handler of a job: configure from the environment, then `run(event)`."""

    def handler(event, context):
        configure()
        return run(event or {})

    handler.__doc__ = run.__doc__
    handler.__name__ = "handler"
    return handler


def cli(handler: Callable[[dict, object], dict], argv: list[str] | None = None) -> int:
    """Run a job's handler from the shell: `python -m functions.<name> [--now ISO-8601]`."""
    parser = argparse.ArgumentParser(description=handler.__doc__)
    parser.add_argument("--now", help="the moment the job believes it is (ISO-8601), default: now")
    args = parser.parse_args(argv)
    result = handler({"now": args.now} if args.now else {}, None)
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0
