"""What every scheduled function shares: settings from the environment and the clock from the event."""

from __future__ import annotations

import argparse
import json
import logging
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


log = logging.getLogger("functions")


class JobIncomplete(RuntimeError):
    """A run could not finish some items (the store, bucket or mail service failed for them): they stay due,
    and the run fails so that EventBridge's asynchronous invocation tries again (DESIGN rule 7, issue 13)."""

    def __init__(self, result: dict):
        super().__init__(json.dumps(result, ensure_ascii=False, default=str))
        self.result = result


def scheduled(run: Callable[[dict], dict]) -> Callable[[dict, object], dict]:
    """The Lambda handler of a job: configure from the environment, then `run(event)`; a run that lists items
    it could not finish (`failed`) raises JobIncomplete after finishing every other item."""

    def handler(event, context):
        configure()
        result = run(event or {})
        if result.get("failed"):
            log.error("job incomplete: %s", result)
            raise JobIncomplete(result)
        return result

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
