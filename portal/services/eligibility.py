"""Who may apply where: the blacklist check of ADM-3 / BLK-2; and may we sell? (issue 18 item 4): admitted for the
product, not blacklisted in scope, licences valid today for the product's device class, the grade's price tier."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.customers import Customers
from portal.adapters.repos.dynamics import COMPANY, BlacklistEntries
from portal.adapters.repos.grading import Standings
from portal.domain.roles import Perm
from portal.domain.selling import Answer, Facts, class_rules, decide, licence_for_class
from portal.domain.timeutil import shanghai_day
from portal.services import audit
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.documents import verified_validity
from portal.services.errors import Invalid, NotFound


def blocked_scope(uow, customer_id: str, dept_id: str | None) -> str | None:
    """The blacklist scope ("company" or the department) that bars this customer here, or None."""
    return uow.repo(BlacklistEntries).blocking_scope(customer_id, dept_id)


def was_listed(uow, customer_id: str, dept_id: str) -> bool:
    """BLK-6: has this customer ever been listed in a scope covering this department (now ended)?"""
    return any(e.scope in (COMPANY, dept_id) for e in uow.repo(BlacklistEntries).of_customer(customer_id))


# --- may we sell? (issue 18 item 4) ----------------------------------------------------------------

MAX_PAIRS = 100  # a batch answers at most this many (customer, department, product) questions


@dataclass(frozen=True)
class Question:
    """One question: may this department sell this product to this customer?"""

    customer_id: str
    dept_id: str
    product_id: str


@dataclass(frozen=True)
class SaleAnswer:
    """The answer to one question: the decision (None when the customer or product is unknown), and what the
    words need (the customer's name, the catalogue for department, product and document type names)."""

    question: Question
    answer: Answer | None
    customer_name: str | None
    unknown: str | None = None  # "customer" | "product" | "department"


@dataclass(frozen=True)
class SaleAnswers:
    """Answers in the order asked, with the catalogue their words come from."""

    answers: list[SaleAnswer]
    catalogue: object


def may_we_sell(ctx: Ctx, customer_id: str, dept_id: str, product_id: str) -> SaleAnswers:
    """One answer (4 DynamoDB calls: one BatchGetItem, two Queries, the audit record); unknown records → 404."""
    missing = {name: [_l("This field is required.")] for name, value in (("dept", dept_id), ("product", product_id))
               if not value}
    if missing:
        raise Invalid(fields=missing)
    answers = _answer(ctx, [Question(customer_id, dept_id, product_id)], "eligibility.asked")
    if answers.answers[0].unknown:
        raise NotFound()
    return answers


def may_we_sell_batch(ctx: Ctx, questions: list[Question]) -> SaleAnswers:
    """Up to MAX_PAIRS answers in one call (unknown records answered "no" with their reason), audited once."""
    if not questions:
        raise Invalid(fields={"pairs": [_l("Give at least one customer, department and product.")]})
    if len(questions) > MAX_PAIRS:
        raise Invalid(fields={"pairs": [_l("At most %(n)d questions per call.", n=MAX_PAIRS)]})
    return _answer(ctx, questions, "eligibility.batch")


def _answer(ctx: Ctx, questions: list[Question], action: str) -> SaleAnswers:
    for dept_id in sorted({q.dept_id for q in questions}):  # staff only, each in its own department (MD: all)
        authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target="eligibility")
    uow = ctx.uow()
    customer_keys = sorted({(q.customer_id,) for q in questions if _id_ok(q.customer_id)})
    standing_keys = sorted({(q.dept_id, q.customer_id) for q in questions if _id_ok(q.customer_id)})
    found, copy, standings = uow.fetch((Customers, customer_keys), (Catalogue, [Catalogue.key]),
                                       (Standings, standing_keys))
    catalogue = uow.repo(Catalogue).read(copy[0] if copy else None)
    customers = {c.customer_id: c for c in found}
    standing = {(s.dept_id, s.customer_id): s for s in standings}
    held = {cid: _held(uow, cid) for cid in sorted(customers)}  # two Queries per customer asked about
    md = catalogue.department("md")
    rules = class_rules(md.device_classes if md else None)
    today = shanghai_day(ctx.now)
    answers = [_one(q, customers, standing, held, catalogue, rules, today) for q in questions]
    audit.record(ctx, action, target_type="eligibility",
                 target_id=questions[0].customer_id if len(questions) == 1 else None,
                 dept_id=questions[0].dept_id if len({q.dept_id for q in questions}) == 1 else None,
                 detail={"answers": [_audited(a) for a in answers]})
    return SaleAnswers(answers, catalogue)


def _id_ok(value: str) -> bool:
    return bool(value) and len(value) <= 64


def _held(uow, customer_id: str) -> tuple:
    entries = uow.repo(BlacklistEntries).of_customer(customer_id, active_only=True)
    return entries, verified_validity(customer_id, uow)


def _one(q: Question, customers, standing, held, catalogue, rules, today) -> SaleAnswer:
    customer = customers.get(q.customer_id)
    dept = catalogue.department(q.dept_id)
    product = next((p for p in catalogue.products_of(q.dept_id) if p.product_id == q.product_id), None)
    unknown = "customer" if customer is None else "department" if dept is None or dept.kind != "sales" else (
        "product" if product is None else None)
    if unknown:
        return SaleAnswer(q, None, customer.name if customer else None, unknown)
    entries, validity = held[q.customer_id]
    scope = next((e.scope for e in entries if e.scope in (COMPANY, q.dept_id)), None)
    own = standing.get((q.dept_id, q.customer_id))
    facts = Facts(customer_kind=customer.kind, admitted=own is not None, products=frozenset(own.products or ())
                  if own else frozenset(), grade=own.grade if own else None, blocked_scope=scope,
                  required=tuple(t.type_id for t in catalogue.types if customer.kind in (t.required_for or set())),
                  validity=validity, device_class=product.device_class,
                  class_licence=licence_for_class(rules, product.device_class, customer.kind),
                  discounts=product.discounts)
    return SaleAnswer(q, decide(facts, q.product_id, q.dept_id, today), customer.name)


def _audited(a: SaleAnswer) -> dict:
    q = a.question
    entry = {"customer": q.customer_id, "department": q.dept_id, "product": q.product_id}
    if a.unknown:
        return {**entry, "eligible": False, "reasons": [f"unknown_{a.unknown}"]}
    return {**entry, "eligible": a.answer.eligible, "reasons": [r.code for r in a.answer.reasons if not r.ok] or
            [r.code for r in a.answer.reasons]}
