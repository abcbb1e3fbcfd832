"""Every scheduled function is a module with handler(event, context), listed in zappa_settings.json events."""

import importlib
import json
import re
from pathlib import Path

from functions import JOBS

ROOT = Path(__file__).resolve().parents[2]


def test_every_job_is_scheduled_and_importable():
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    events = settings["dev"]["events"]
    scheduled = {e["function"] for e in events}
    assert scheduled == {f"functions.{job}.handler" for job in JOBS}
    for event in events:
        assert re.fullmatch(r"[A-Za-z0-9_.]+", event["function"])  # Zappa: letters, digits, dots, underscores
        assert re.fullmatch(r"(cron|rate)\(.+\)", event["expression"])
        module, _, name = event["function"].rpartition(".")
        assert callable(getattr(importlib.import_module(module), name))
    modules = {p.stem for p in (ROOT / "functions").glob("*.py")} - {"__init__", "runtime", "registry"}
    assert modules == set(JOBS)


def test_the_jobs_page_registry_runs_each_job_module():
    from functions.registry import registry

    jobs = registry()
    assert set(jobs) == set(JOBS)
    for name, run in jobs.items():
        assert run is importlib.import_module(f"functions.{name}").run
