"""Run the one-off backfill of the page indexes and counters (issue 12 item 4) against the configured tables:
`PORTAL_ENV=… python -m portal.tools.backfill` once after the deploy that adds them; a rerun changes nothing."""

from __future__ import annotations

import json
import sys


def main() -> int:
    """Backfill and print what was written, by kind."""
    from portal.adapters.clock import utc_now
    from portal.adapters.setup import configure_all
    from portal.config import Settings
    from portal.services import backfill
    from portal.services.context import system_ctx

    configure_all(Settings.from_env())
    print(json.dumps(backfill.run(system_ctx(utc_now())), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
