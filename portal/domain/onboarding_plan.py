"""What an import of existing customers would create (ONB-1, issue 18 item 6): rows grouped into companies, the
duplicates in the file, and the quotas each department would hold afterwards (QTA-1/2). Pure."""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.grading import Counts, Grade, maximum
from portal.domain.onboarding import COMPANY_FIELDS, Problem, Row


@dataclass(frozen=True)
class Company:
    """One company to create: its facts (from its first row) and a standing per department."""

    first: Row
    rows: tuple[Row, ...]

    @property
    def credit_code(self) -> str:
        """The company's unified social credit code."""
        return self.first.credit_code


def companies_of(rows: list[Row]) -> tuple[list[Company], list[Problem]]:
    """Rows grouped by credit code; the same code in two rows must name the same company (same facts), and a
    company appears once per department (a second row for the same department is a duplicate)."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.credit_code, []).append(row)
    problems = []
    for same in groups.values():
        first, seen = same[0], set()
        for row in same:
            if row.department in seen:
                problems.append(Problem(row.number, "credit_code", "duplicate_in_file", {"row": first.number}))
            seen.add(row.department)
            if row is not first:
                problems += [Problem(row.number, f, "differs_in_file", {"row": first.number})
                             for f in COMPANY_FIELDS if getattr(row, f) != getattr(first, f)]
    return [Company(same[0], tuple(same)) for same in groups.values()], problems


@dataclass(frozen=True)
class Breach:
    """QTA-1/2: after the import the department would hold `would_be` of `grade`, more than `limit`."""

    dept_id: str
    grade: Grade
    would_be: int
    limit: int


def after_import(current: Counts, grades: list[Grade]) -> Counts:
    """A department's counts once the imported standings (of `grades`) are counted in it."""
    return Counts(current.total + len(grades), current.vip + grades.count(Grade.VIP),
                  current.preferred + grades.count(Grade.PREFERRED))


def quota_breaches(current: dict[str, Counts], added: dict[str, list[Grade]]) -> list[Breach]:
    """QTA-1/2 in integers, per department: an import adding VIP or 优选 customers must leave the department
    within `100 * vip <= 15 * total` and `100 * preferred <= 30 * total` (QTA-5: a department over quota already
    is not refused an import of 合格 customers)."""
    breaches = []
    for dept_id in sorted(added):
        grades = added[dept_id]
        after = after_import(current.get(dept_id, Counts()), grades)
        for grade in (Grade.VIP, Grade.PREFERRED):
            limit = maximum(grade, after.total)
            if grade in grades and after.of(grade) > limit:
                breaches.append(Breach(dept_id, grade, after.of(grade), limit))
    return breaches
