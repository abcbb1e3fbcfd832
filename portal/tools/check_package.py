"""Check a Lambda zip: the portal and its runtime libraries are in, no test or dev tool is, and it fits the budget.

The budget (issue 14): at most 15 MB zipped. Babel keeps only the locales the portal speaks, botocore only the
services it calls, phonenumbers none of its geocoding or carrier data, and every module ships compiled.
"""

from __future__ import annotations

import re
import sys
import zipfile

BUDGET_BYTES = 15_000_000  # 15 MB zipped, the whole archive
REQUIRED = ("handler.py", "portal/__init__.py", "portal/wsgi.py", "templates/layout.html", "flask/__init__.py",
            "pynamodb/__init__.py", "argon2/__init__.py", "zappa/handler.py")
FORBIDDEN = ("moto/", "pytest/", "_pytest/", "playwright/", "cfnlint/", "ruff/", "troposphere/", "time_machine",
             "zappa/cli.py", "zappa/core.py", "tests/", "pip/", "setuptools/", ".venv/", "portal/local.py",
             "portal/tools/",
             "phonenumbers/geodata/", "phonenumbers/carrierdata/")
# Babel's locale data the portal loads: its two languages and their parent (flask-babel negotiates zh and en only).
LOCALES = frozenset({"root", "en", "zh"})
# botocore's service data kept: what the portal's clients and PynamoDB call (a test holds this against the code's
# `aws.client("...")` calls), SSM and Secrets Manager for the secret key, STS for credentials.
SERVICES = frozenset({"dynamodb", "s3", "ses", "sesv2", "sts", "ssm", "secretsmanager"})
_LOCALE = re.compile(r"^babel/locale-data/([^/]+)\.dat$")
_SERVICE = re.compile(r"^botocore/data/([^/]+)/")


def problems(names: list[str]) -> list[str]:
    """What is missing from, or must not be in, a package with these member names."""
    found = set(names)
    out = [f"missing: {r}" for r in REQUIRED if r not in found]
    out += [f"must not contain: {bad}" for bad in FORBIDDEN if any(n.startswith(bad) for n in names)]
    extra_locales = sorted({m[1] for n in names if (m := _LOCALE.match(n))} - LOCALES)
    if extra_locales:
        out.append(f"babel locales beyond {sorted(LOCALES)}: {len(extra_locales)} ({', '.join(extra_locales[:5])}…)")
    extra_services = sorted({m[1] for n in names if (m := _SERVICE.match(n))} - SERVICES)
    if extra_services:
        out.append(f"botocore data for unused services: {len(extra_services)} ({', '.join(extra_services[:5])}…)")
    return out


def missing_bytecode(names: list[str]) -> list[str]:
    """Modules of the portal and its libraries shipped without their compiled `__pycache__/*.pyc`."""
    compiled = {re.sub(r"__pycache__/([^/]+)\.cpython-\d+\.pyc$", r"\1.py", n) for n in names if n.endswith(".pyc")}
    return sorted(n for n in names if n.endswith(".py") and n not in compiled)


def over_budget(size: int) -> list[str]:
    """A problem when the zip is larger than the budget."""
    return [f"{size / 1e6:.1f} MB zipped, over the {BUDGET_BYTES / 1e6:.0f} MB budget"] if size > BUDGET_BYTES else []


def main(path: str) -> int:
    """Print the package's size and any problem; exit 1 on a problem."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        unpacked = sum(i.file_size for i in z.infolist())
    with open(path, "rb") as f:
        size = f.seek(0, 2)
    print(f"{path}: {len(names)} files, {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB) zipped, "
          f"{unpacked / 2**20:.1f} MiB unpacked; budget {BUDGET_BYTES / 1e6:.0f} MB")
    found = problems(names) + over_budget(size)
    uncompiled = missing_bytecode(names)
    if uncompiled:
        found.append(f"{len(uncompiled)} modules without bytecode, e.g. {uncompiled[0]}")
    for p in found:
        print("  " + p)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
