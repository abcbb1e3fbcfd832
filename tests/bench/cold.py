"""Benchmark (not a test): the package's cold start against a bare Flask hello app (`make bench-cold`).

Both run side by side from the same unzipped package (same Flask, same bytecode, same interpreter: the
runtime's), each in a fresh `python -S -s` process that sees only the package and the standard library:
import, build the app, answer the first request (the portal: GET /login, a rendered, translated page with
a CSRF token). Runs alternate portal, hello, portal, hello…; each pair gives a ratio of CPU time (user +
sys, from the kernel's accounting of the child) and of wall time; the medians are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from portal.tools.build_package import ROOT, interpreter, runtime_of

HELLO = '''from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
'''
# The first request, as the test client makes it (both apps alike); the portal's module builds its app on import.
DRIVER = """import sys
module, path = sys.argv[1], sys.argv[2]
app = __import__(module, fromlist=["app"]).app
response = app.test_client().get(path)
assert response.status_code == 200, response.status_code
"""
ENV = {"PORTAL_ENV": "dev", "PORTAL_SECRET_KEY": "bench-" + "k" * 40, "AWS_REGION": "ap-east-1",
       "PORTAL_AWS_ENDPOINT": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}


def run_once(python: str, tree: Path, module: str, path: str) -> tuple[float, float]:
    """One cold process: (CPU seconds, wall seconds)."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8", **ENV}
    start = time.perf_counter()
    child = subprocess.Popen([python, "-S", "-s", "-c", DRIVER, module, path], cwd=tree, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{module} {path} failed with exit code {child.returncode}")
    return usage.ru_utime + usage.ru_stime, wall


def measure(zip_path: Path, python: str, runs: int) -> dict[str, list[float]]:
    """Unzip the package, add the hello app beside it, alternate the two `runs` times (after one warm-up each)."""
    figures: dict[str, list[float]] = {"portal cpu": [], "hello cpu": [], "portal wall": [], "hello wall": []}
    with tempfile.TemporaryDirectory(prefix="cold-") as tmp:
        tree = Path(tmp)
        with zipfile.ZipFile(zip_path) as z:
            z.extractall(tree)
        (tree / "hello_app.py").write_text(HELLO)
        subprocess.run([python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash",
                        str(tree / "hello_app.py")], check=True)
        run_once(python, tree, "portal.wsgi", "/login")
        run_once(python, tree, "hello_app", "/")
        for _ in range(runs):
            for name, module, path in (("portal", "portal.wsgi", "/login"), ("hello", "hello_app", "/")):
                cpu, wall = run_once(python, tree, module, path)
                figures[f"{name} cpu"].append(cpu)
                figures[f"{name} wall"].append(wall)
    return figures


def report(figures: dict[str, list[float]]) -> float:
    """Print medians and pairwise ratios; return the median CPU ratio."""
    ratios = {kind: [p / h for p, h in zip(figures[f"portal {kind}"], figures[f"hello {kind}"], strict=True)]
              for kind in ("cpu", "wall")}
    for kind in ("cpu", "wall"):
        portal, hello = statistics.median(figures[f"portal {kind}"]), statistics.median(figures[f"hello {kind}"])
        r = ratios[kind]
        print(f"{kind:4}  portal {portal * 1000:6.0f} ms  hello {hello * 1000:6.0f} ms  "
              f"ratio median {statistics.median(r):.2f} (min {min(r):.2f}, max {max(r):.2f}, {len(r)} pairs)")
    return statistics.median(ratios["cpu"])


def main(argv: list[str] | None = None) -> int:
    """`python -m tests.bench.cold [--zip dist/portal-dev.zip] [--runs 9]`: prints the ratio (budget 1.5)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default=os.environ.get("STAGE", "dev"))
    parser.add_argument("--zip", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--python", help="interpreter (default: the stage's runtime)")
    args = parser.parse_args(argv)
    zip_path = args.zip or ROOT / "dist" / f"portal-{args.stage}.zip"
    python = args.python or interpreter(runtime_of(args.stage))
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    print(f"cold start, import + create_app + first request, {zip_path.name} unzipped, Python {version}, "
          f"python -S -s, bytecode as shipped")
    ratio = report(measure(zip_path, python, args.runs))
    print(f"cold-start ratio (CPU, median of pairs): {ratio:.2f} (budget 1.50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
