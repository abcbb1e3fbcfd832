"""`make mutation`'s verdict on mutmut's results over portal/domain/ (run against tests/unit).

Every mutant must be killed (a unit test fails, or it times out) or be listed in EQUIVALENT.md with the reason it
cannot change behaviour. A survivor not listed, a mutant no test reaches, or a listed name that no longer survives
(killed since, or renumbered after the code changed) fails the run, so the list stays true.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

EQUIVALENT = Path(__file__).with_name("EQUIVALENT.md")
KILLED = {"killed", "timeout", "segfault"}
NAME = re.compile(r"`(portal\.domain\.[A-Za-z0-9_.ǁ]+__mutmut_\d+)`")


def results(mutmut: str) -> dict[str, str]:
    """mutant name -> status, from `mutmut results --all true`."""
    out = subprocess.run([mutmut, "results", "--all", "true"], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and name.startswith("portal.domain."):
            found[name] = status
    return found


def listed_equivalent() -> set[str]:
    """The mutant names EQUIVALENT.md explains (each on a line with its reason)."""
    return set(NAME.findall(EQUIVALENT.read_text(encoding="utf-8")))


def main() -> int:
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    status = results(mutmut)
    if not status:
        print("no mutant results: did `mutmut run` fail? (see artifacts/mutmut.log)")
        return 1
    counts = Counter("killed" if s in KILLED else s for s in status.values())
    not_killed = {n for n, s in status.items() if s not in KILLED}
    equivalent = listed_equivalent()
    unexplained = sorted(not_killed - equivalent)
    stale = sorted(equivalent - not_killed)
    explained = len(not_killed & equivalent)
    effective = len(status) - explained
    score = 100 * counts["killed"] / effective if effective else 0.0
    print(f"mutants in portal/domain/: {len(status)}")
    print(f"killed {counts['killed']}, survived {len(not_killed)} "
          f"({explained} equivalent, listed in {EQUIVALENT.name}; {len(unexplained)} unexplained)")
    print(f"mutation score: {counts['killed']}/{effective} non-equivalent mutants killed = {score:.1f}%")
    for name in unexplained:
        print(f"UNEXPLAINED {status[name]}: {name}   (mutmut show {name})")
    for name in stale:
        print(f"STALE entry in {EQUIVALENT.name}: {name} is {status.get(name, 'no longer a mutant')}")
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main())
