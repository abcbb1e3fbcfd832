"""Questions for "may we sell?" as people write them (issue 18 item 4): a credit code, and a department and a
product by name or id, one per line of a form or a small CSV; each line's problem named by its number."""

from __future__ import annotations

import csv
import io

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.customers import CreditCodes
from portal.domain.customers import normalise_credit_code
from portal.domain.roles import Perm
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.eligibility import MAX_PAIRS, Question
from portal.services.errors import Invalid

MAX_LINE = 300


def catalogue_for(ctx: Ctx):
    """The catalogue the forms offer departments and products from (one GetItem)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, target="eligibility")
    return ctx.uow().repo(Catalogue).read()


def _match(records: list, text: str):
    text = text.strip().casefold()
    return next((r for r in records if text in {getattr(r, "product_id", None) or r.dept_id, r.name_zh.casefold(),
                                                   (r.name_en or "").casefold()}), None)


def parse_lines(ctx: Ctx, text: str, field: str = "lines") -> list[Question]:
    """The questions of pasted lines or CSV text, every problem named by line (Invalid on `field`), ≤ 100."""
    rows = [r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if any(c.strip() for c in r)]
    if not rows:
        raise Invalid(fields={field: [_l("Give at least one customer, department and product.")]})
    if len(rows) > MAX_PAIRS:
        raise Invalid(fields={field: [_l("At most %(n)d questions per call.", n=MAX_PAIRS)]})
    catalogue = catalogue_for(ctx)
    sales = catalogue.sales()
    owners = ctx.uow().repo(CreditCodes).owners([normalise_credit_code(r[0]) for r in rows])
    questions, problems = [], []
    for number, row in enumerate(rows, start=1):
        if len(row) != 3 or any(len(c) > MAX_LINE for c in row):
            problems.append(_l("Line %(n)d: give three values: credit code, department, product.", n=number))
            continue
        customer_id = owners.get(normalise_credit_code(row[0]))
        dept = _match(sales, row[1])
        product = _match(catalogue.products_of(dept.dept_id), row[2]) if dept else None
        if customer_id is None:
            problems.append(_l("Line %(n)d: no customer is registered with this credit code.", n=number))
        elif dept is None:
            problems.append(_l("Line %(n)d: no such sales department.", n=number))
        elif product is None:
            problems.append(_l("Line %(n)d: the department has no such product.", n=number))
        else:
            questions.append(Question(customer_id, dept.dept_id, product.product_id))
    if problems:
        raise Invalid(fields={field: problems[:20]})
    return questions


def one_question(ctx: Ctx, credit_code: str, dept_id: str, product_id: str) -> Question:
    """The question of the single form: its customer found by credit code (the field named when none is)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, target="eligibility")
    owner = ctx.uow().repo(CreditCodes).owner(normalise_credit_code(credit_code))
    if owner is None:
        raise Invalid(fields={"customer": [_l("No customer is registered with this credit code.")]})
    return Question(owner, dept_id, product_id)
