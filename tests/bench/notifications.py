"""Benchmark (not a test): notification delivery and the daily digest with 10,000 messages sent and 10,000
notifications digested, 20 due (issue 16 item 4: at most 2 × 20 + 5 DynamoDB calls). Run with
`make bench-notifications`; it runs tests/integration/test_notification_delivery.py at that size."""

from __future__ import annotations

import os
import sys

import pytest

if __name__ == "__main__":
    os.environ["PORTAL_BENCH_SENT"] = "10000"
    sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "tests/integration/test_notification_delivery.py"]))
