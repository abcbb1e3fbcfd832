"""No time bombs: `pytest --years-ahead N` (`make test-future`: the whole suite, N = 5) moves every clock N years on."""

import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import time_machine

from portal.adapters.clock import utc_now

ROOT = Path(__file__).resolve().parents[2]


def test_the_clock_is_as_many_years_ahead_as_asked_and_tests_still_travel_inside(request):
    years = request.config.getoption("--years-ahead")
    shift = timedelta(days=round(365.2425 * years))
    ahead = utc_now() - request.config.real_start
    assert shift <= ahead < shift + timedelta(hours=6)  # ticking: the run's own minutes on top of the shift
    assert abs(datetime.now(UTC).timestamp() - time.time()) < 60
    assert abs((date.today() - utc_now().date()).days) <= 1  # local date vs UTC date
    with time_machine.travel("2027-01-15 03:00:00+00:00", tick=False):  # a test's own travel wins inside it
        assert utc_now() == datetime(2027, 1, 15, 3, 0, tzinfo=UTC)
    assert utc_now() - request.config.real_start >= shift  # and the run's clock is back afterwards


def test_years_ahead_option_moves_the_clock_five_years_on(request):
    """The option really travels: the test above, run in a fresh pytest with --years-ahead 5, sees 5 years more."""
    selected = (f"{Path(__file__).relative_to(ROOT)}::"
                "test_the_clock_is_as_many_years_ahead_as_asked_and_tests_still_travel_inside")
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--years-ahead", "5",
                          selected], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "clock moved 5 years ahead" in run.stdout and "1 passed" in run.stdout
    shown = int(run.stdout.split("tests run at ")[1][:4])
    assert shown >= request.config.real_start.year + 4  # 1826 days on: 4 years on when two leap days fall between
