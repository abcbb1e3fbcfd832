"""Bringing in existing customers (ONB-1, issue 18 item 6): MD's import file checked row by row, and the dry run
of what it would create. `portal.services.onboarding_run` then creates it, a company per unit of work.

A file with any bad row creates nothing: every problem names its row and column. A credit code a former import
brought in is skipped and reported (an import run twice doubles nothing); one a company registered with itself
is a problem (its admission goes through its application).
"""

from __future__ import annotations

import json
from collections import Counter as Tally
from dataclasses import dataclass, field

from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.customers import CreditCodes, Customers
from portal.adapters.repos.grading import Counters
from portal.adapters.repos.identity import Uniques, Users
from portal.domain.grading import Counts, Grade
from portal.domain.onboarding import Problem, Reference, check_row, header_keys, resolve
from portal.domain.onboarding_plan import Breach, Company, after_import, companies_of, quota_breaches
from portal.domain.roles import Perm
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.onboarding_files import FileProblem, read_table


@dataclass(frozen=True)
class ImportPlan:
    """What an import file would do: the companies it would create (each with its standings), the ones imported
    before (skipped), every problem (any: nothing is created), and each department's counts before and after."""

    filename: str
    companies: list[Company] = field(default_factory=list)
    skipped: list[Company] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    file_problem: FileProblem | None = None
    breaches: list[Breach] = field(default_factory=list)
    quotas: dict[str, tuple[Counts, Counts]] = field(default_factory=dict)
    staff: dict[str, object] = field(default_factory=dict)  # e-mail -> the designated staff member's record
    catalogue: object = None

    @property
    def ok(self) -> bool:
        """Nothing stands in the way of creating it."""
        return not self.problems and self.file_problem is None and not self.breaches

    @property
    def standings(self) -> int:
        """How many department standings it would create."""
        return sum(len(c.rows) for c in self.companies)


def reference(uow) -> tuple[Reference, dict, object]:
    """The sales departments, their products and their active staff, as rows are checked against them."""
    catalogue = uow.repo(Catalogue).read()
    departments, products, staff, people = {}, {}, {}, {}
    for dept in catalogue.sales():
        for word in (dept.dept_id, dept.name_zh, dept.name_en):
            departments[_fold(word)] = dept.dept_id
        products[dept.dept_id] = {_fold(w): p.product_id for p in catalogue.products_of(dept.dept_id)
                                  for w in (p.product_id, p.name_zh, p.name_en)}
        for person in uow.repo(Users).active_in(dept.dept_id):
            staff[person.email.lower()], people[person.email.lower()] = dept.dept_id, person
    return Reference(departments, products, staff), people, catalogue


def _fold(text) -> str:
    return " ".join(str(text or "").split()).casefold()


def check(ctx: Ctx, filename: str, content: bytes) -> ImportPlan:
    """The dry run: every row checked, and what the import would create (MD only; nothing is written)."""
    authorize(ctx, Perm.IMPORT_CUSTOMERS)
    try:
        header, data, problems = read_table(filename, content)
    except FileProblem as exc:
        return ImportPlan(filename, file_problem=exc)
    columns, missing = header_keys(header)
    if missing:
        return ImportPlan(filename, problems=missing)
    uow = ctx.uow()
    ref, people, catalogue = reference(uow)
    rows = []
    problems = [Problem(p.row, columns.get(int(p.column[1:]), ""), p.code) for p in problems]
    for number, cells in data:
        row, found = check_row(number, {key: cells[i] if i < len(cells) else "" for i, key in columns.items()})
        if row is not None:
            row, found = resolve(row, ref)
        problems += found
        if row is not None:
            rows.append(row)
    companies, found = companies_of(rows)
    problems += found
    companies, skipped, found = _against_existing(uow, companies)
    problems += found
    grades: dict[str, list[Grade]] = {}
    for company in companies:
        for row in company.rows:
            grades.setdefault(row.department, []).append(row.grade)
    current = {d: uow.repo(Counters).department(d) for d in sorted(grades)}
    quotas = {d: (current[d], after_import(current[d], grades[d])) for d in sorted(grades)}
    problems.sort(key=lambda p: (p.row, p.column, p.code))
    return ImportPlan(filename, companies, skipped, problems, None, quota_breaches(current, grades), quotas,
                      people, catalogue)


def _against_existing(uow, companies: list[Company]) -> tuple[list[Company], list[Company], list[Problem]]:
    """Credit codes registered already: skipped when an import brought them in, a problem otherwise; and
    contact addresses that have an account (the invitation could never be accepted)."""
    owners = uow.repo(CreditCodes).owners([c.credit_code for c in companies])
    existing = {c.customer_id: c for c in uow.repo(Customers).many([(i,) for i in sorted(set(owners.values()))])}
    emails = {u.key.removeprefix("email#") for u in
              uow.repo(Uniques).many(sorted({(Uniques.email_key(c.first.email),) for c in companies}))}
    fresh, skipped, problems = [], [], []
    twice = {e for e, n in Tally(c.first.email for c in companies).items() if n > 1}
    for company in companies:
        owner = existing.get(owners.get(company.credit_code, ""))
        if owner is not None and getattr(owner, "imported", None):
            skipped.append(company)
            continue
        if company.credit_code in owners:
            problems.append(Problem(company.first.number, "credit_code", "registered_already"))
        elif company.first.email in emails:
            problems.append(Problem(company.first.number, "email", "email_has_account"))
        elif company.first.email in twice:
            problems.append(Problem(company.first.number, "email", "email_twice"))
        else:
            fresh.append(company)
    return fresh, skipped, problems


def imported_note(ctx: Ctx, filename: str) -> str:
    """What a customer record keeps of its import: the file's name, who ran it and when (ONB-1, ADM-1)."""
    return json.dumps({"file": filename, "by": ctx.actor.email, "at": ctx.now.isoformat()}, ensure_ascii=False)
