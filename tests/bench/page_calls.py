"""Benchmark (not a test): AWS calls per page and API request with 10 and 1,000 records, and import time.

Run with `make bench`; the README's performance section keeps its output.
"""

from __future__ import annotations

import subprocess
import sys
import time


def main() -> int:
    """Print calls per request at two data sizes, then the portal's cold import time."""
    from moto import mock_aws

    import tests.conftest as conf
    from portal import create_app
    from portal.adapters import bootstrap
    from portal.adapters.clock import utc_now
    from portal.adapters.seed import seed_demo
    from portal.services.auth import hash_password
    from tests.web.test_page_costs import add_records, calls_per_page

    with mock_aws():
        app = create_app(conf.TEST_SETTINGS)
        bootstrap.create_everything(app.extensions["portal.settings"])
        seed_demo(app.extensions["portal.settings"], utc_now(), hash_password, with_customers=False)
        add_records(10)
        small = calls_per_page(app)
        add_records(990)
        large = calls_per_page(app)
    print(f"{'request':<42} {'calls @10':>9} {'calls @1000':>11}  operations")
    for path in small:
        ops = ", ".join(f"{k.split('.')[1]}×{v}" for k, v in sorted(large[path].items()))
        print(f"{path:<42} {sum(small[path].values()):>9} {sum(large[path].values()):>11}  {ops}")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import portal.wsgi"], capture_output=True,
                         text=True, env={"PORTAL_ENV": "local", "PATH": ""})
    elapsed = time.perf_counter() - started
    cumulative = next(int(line.split("|")[1]) for line in out.stderr.splitlines()
                      if line.rstrip().endswith("| portal.wsgi"))
    print(f"\ncold `import portal.wsgi` (app built, no AWS call): {cumulative / 1e6:.2f} s import time "
          f"(python -X importtime), {elapsed:.2f} s for the whole interpreter run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
