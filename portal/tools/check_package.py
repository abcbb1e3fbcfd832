"""Check a Lambda zip: the portal and its runtime libraries are in, no test or dev tool is."""

from __future__ import annotations

import sys
import zipfile

REQUIRED = ("handler.py", "portal/__init__.py", "portal/wsgi.py", "templates/layout.html", "flask/__init__.py",
            "pynamodb/__init__.py", "argon2/__init__.py", "zappa/handler.py")
FORBIDDEN = ("moto/", "pytest/", "_pytest/", "playwright/", "cfnlint/", "ruff/", "troposphere/", "time_machine",
             "zappa/cli.py", "zappa/core.py", "tests/", "pip/", "setuptools/", ".venv/", "portal/local.py")


def problems(names: list[str]) -> list[str]:
    """What is missing from, or must not be in, a package with these member names."""
    found = set(names)
    out = [f"missing: {r}" for r in REQUIRED if r not in found]
    out += [f"must not contain: {bad}" for bad in FORBIDDEN if any(n.startswith(bad) for n in names)]
    return out


def main(path: str) -> int:
    """Print the package's size and any problem; exit 1 on a problem."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        size = sum(i.compress_size for i in z.infolist())
        unpacked = sum(i.file_size for i in z.infolist())
    print(f"{path}: {len(names)} files, {size / 2**20:.1f} MiB zipped, {unpacked / 2**20:.1f} MiB unpacked")
    found = problems(names)
    for p in found:
        print("  " + p)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
