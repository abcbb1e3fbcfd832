"""Build the Lambda zip (`make package`): runtime-only virtualenv, Zappa's package, pruned data, bytecode.

The runtime's Python (zappa_settings.json `runtime`, e.g. python3.12) builds the virtualenv and the
bytecode, so the package is the one Lambda runs. Zappa copies the project and the virtualenv; then this
drops what the portal never loads (babel locales other than zh/en/root, botocore's data for services it
never calls, phonenumbers' geocoding and carrier data) and compiles every module with
`--invalidation-mode unchecked-hash` (Lambda's code directory is read-only: no bytecode is ever written there).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from portal.tools.check_package import LOCALES as KEEP_LOCALES
from portal.tools.check_package import SERVICES as KEEP_SERVICES

ROOT = Path(__file__).resolve().parents[2]
# Data nobody imports: phonenumbers' geocoder/carrier/timezone data (phonenumberslite ships none), type stubs.
PRUNED_DIRS = ("phonenumbers/geodata", "phonenumbers/carrierdata", "phonenumbers/tzdata")


def runtime_of(stage: str, settings: Path = ROOT / "zappa_settings.json") -> str:
    """The stage's Lambda runtime (`python3.12`), following `extends`."""
    stages = json.loads(settings.read_text())
    config = stages[stage]
    while "runtime" not in config and "extends" in config:
        config = stages[config["extends"]]
    return config.get("runtime", "python3.11")


def interpreter(runtime: str) -> str:
    """A local CPython matching the runtime: `python3.12` on PATH, else pyenv's installed 3.12."""
    name = runtime  # "python3.12"
    found = shutil.which(name)
    if found and subprocess.run([found, "-c", ""], capture_output=True).returncode == 0:
        return found
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    version = runtime.removeprefix("python")
    candidates = sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/{name}"))
    if candidates:
        return candidates[-1]
    raise SystemExit(f"no {name} here to build the {runtime} package with (install it, e.g. with pyenv)")


def make_runtime_venv(python: str, venv: Path) -> None:
    """A virtualenv holding the portal's runtime dependencies and Zappa's handler modules, nothing else."""
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, str(ROOT)], check=True, cwd=venv)
    subprocess.run([*pip, "--no-deps", "zappa", "durationpy"], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "uninstall", "--quiet", "-y",
                    "customer-portal", "setuptools"], check=True)
    # Zappa finds site-packages under its own interpreter's version (lib/python3.11): point that at the runtime's.
    ours = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    if not (venv / "lib" / ours).exists():
        (venv / "lib" / ours).symlink_to(next((venv / "lib").glob("python3.*")).name)


def zappa_package(stage: str, venv: Path, out: Path) -> None:
    """`zappa package STAGE` from this checkout over the runtime virtualenv."""
    zappa = Path(sys.executable).parent / "zappa"
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    subprocess.run([str(zappa), "package", stage, "-o", str(out)], check=True, cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL)


def prune(tree: Path) -> int:
    """Delete what the portal never loads from an unpacked package; return the bytes freed."""
    doomed: list[Path] = []
    locale_data = tree / "babel" / "locale-data"
    doomed += [p for p in locale_data.glob("*.dat") if p.stem not in KEEP_LOCALES]
    service_data = tree / "botocore" / "data"
    doomed += [p for p in service_data.iterdir() if p.is_dir() and p.name not in KEEP_SERVICES]
    doomed += [tree / d for d in PRUNED_DIRS if (tree / d).exists()]
    doomed += list(tree.rglob("*.pyi"))
    freed = 0
    for path in doomed:
        if path.is_dir():
            freed += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
            shutil.rmtree(path)
        else:
            freed += path.stat().st_size
            path.unlink()
    return freed


def compile_bytecode(tree: Path, python: str) -> None:
    """Compile every module with the runtime's Python, checked by nothing at import (the code never changes)."""
    subprocess.run([python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
                    str(tree)], check=True, stdout=subprocess.DEVNULL)


def write_zip(tree: Path, out: Path) -> None:
    """Zip `tree` (sorted, deflated), replacing `out`."""
    out.unlink(missing_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            z.write(path, path.relative_to(tree).as_posix())


def build(stage: str, out: Path, venv: Path = ROOT / ".build" / "runtime", runtime: str | None = None) -> Path:
    """The whole build: venv, zappa package, prune, bytecode, zip; returns `out`."""
    runtime = runtime or runtime_of(stage)
    python = interpreter(runtime)
    make_runtime_venv(python, venv)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-package-") as tmp:
        raw = Path(tmp) / "zappa.zip"
        zappa_package(stage, venv, raw)
        tree = Path(tmp) / "tree"
        with zipfile.ZipFile(raw) as z:
            z.extractall(tree)
        freed = prune(tree)
        compile_bytecode(tree, python)
        write_zip(tree, out)
    print(f"{out}: built for {runtime} with {python}; pruned {freed / 2**20:.1f} MiB of unused data")
    return out


def client_services(roots: tuple[Path, ...] = (ROOT / "portal", ROOT / "functions")) -> set[str]:
    """Every service the code on Lambda makes a client for (`aws.client("s3")`, `client("ses")`); the workstation
    tools in portal/tools/ (deploy, packaging) are not in the package."""
    found = set()
    for root in roots:
        for path in root.rglob("*.py"):
            if "tools" in path.relative_to(root).parts:
                continue
            found |= set(re.findall(r"""\bclient\(\s*["']([a-z0-9-]+)["']""", path.read_text(encoding="utf-8")))
    return found


def main(argv: list[str] | None = None) -> int:
    """`python -m portal.tools.build_package [--stage dev]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default=os.environ.get("STAGE", "dev"))
    parser.add_argument("--runtime", help="build for another runtime than the stage's (to compare them)")
    parser.add_argument("--out", type=Path, help="default: dist/portal-STAGE.zip")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "dist" / f"portal-{args.stage}.zip"
    venv = ROOT / ".build" / (f"runtime-{args.runtime}" if args.runtime else "runtime")
    build(args.stage, out, venv, args.runtime)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
