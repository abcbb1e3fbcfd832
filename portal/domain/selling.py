"""May we sell? (issue 18 item 4): a customer may buy a product from a department only while it is admitted there
for that product (ADM-4), not blacklisted in scope (BLK-2), and holds licences valid today that cover the
product's device class (ADM-2 a/e); the answer names every reason, and the grade's price tier (RGT-1 a)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from portal.domain.customers import Validity

DEVICE_CLASSES = ("I", "II", "III")  # 第一类 / 第二类 / 第三类医疗器械
LICENSED_CLASSES = ("II", "III")  # Class I needs nothing beyond the basic documents of the customer's type
INSTITUTION = "medical"  # medical institutions hold their 医疗机构执业许可证 instead of a trading licence
TRADER = "trader"  # every other customer type

# Which document type each licensed class needs, for medical institutions and for everyone else (MD may change it).
DEFAULT_CLASS_RULES = {
    "III": {TRADER: "device-trading-licence", INSTITUTION: "medical-institution-licence"},
    "II": {TRADER: "class2-device-filing", INSTITUTION: "medical-institution-licence"},
}


def class_rules(stored: str | None) -> dict[str, dict[str, str]]:
    """The class rules MD set (a JSON text), or the defaults; every licensed class has both holders."""
    rules = json.loads(stored) if stored else {}
    return {c: {h: (rules.get(c) or {}).get(h) or DEFAULT_CLASS_RULES[c][h] for h in (TRADER, INSTITUTION)}
            for c in LICENSED_CLASSES}


def licence_for_class(rules: dict, device_class: str | None, customer_kind: str) -> str | None:
    """The document type a customer of this kind needs to buy a product of this class (None: none needed)."""
    if device_class not in LICENSED_CLASSES:
        return None
    return rules[device_class][INSTITUTION if customer_kind == INSTITUTION else TRADER]


@dataclass(frozen=True)
class Reason:
    """One reason of an answer: a stable code, whether it allows the sale, and the values its words need."""

    code: str
    ok: bool
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """What the answer is decided from, read by the service."""

    customer_kind: str
    admitted: bool  # a standing in the department
    products: frozenset[str]  # the products it was admitted for
    grade: str | None
    blocked_scope: str | None  # "company", the department, or None
    required: tuple[str, ...]  # document types its customer type needs (the basics)
    validity: dict[str, Validity]  # the current verified version of each type it holds
    device_class: str | None
    class_licence: str | None
    discounts: dict | None  # the product's price tier per grade (percent off)


@dataclass(frozen=True)
class Answer:
    """Yes or no, with every reason, the grade and its price tier."""

    eligible: bool
    reasons: tuple[Reason, ...]
    grade: str | None
    discount: int | None  # percent off the list price at the customer's grade (None: not admitted)


def _licence_reason(type_id: str, validity: dict[str, Validity], today: date, ok_code: str) -> Reason:
    held = validity.get(type_id)
    if held is None:
        return Reason("licence_missing", False, {"type": type_id})
    if not held.valid_on(today):
        return Reason("licence_expired", False, {"type": type_id, "expires": held.expires.isoformat()
                                                 if held.expires else ""})
    return Reason(ok_code, True, {"type": type_id, "expires": held.expires.isoformat() if held.expires else ""})


def decide(facts: Facts, product_id: str, dept_id: str, today: date) -> Answer:
    """ADM-4, BLK-2, ADM-2 a/e and RGT-1 a together: yes only when every reason allows the sale."""
    reasons: list[Reason] = []
    if not facts.admitted:
        reasons.append(Reason("not_admitted", False))
    elif product_id not in facts.products:
        reasons.append(Reason("product_not_admitted", False))
    else:
        reasons.append(Reason("admitted", True))
    if facts.blocked_scope == "company":
        reasons.append(Reason("blacklisted_company", False))
    elif facts.blocked_scope:
        reasons.append(Reason("blacklisted_department", False))
    else:
        reasons.append(Reason("not_blacklisted", True))
    for type_id in facts.required:
        reasons.append(_licence_reason(type_id, facts.validity, today, "licence_valid"))
    if facts.device_class not in DEVICE_CLASSES:
        reasons.append(Reason("class_unset", False))
    elif facts.class_licence is None:
        reasons.append(Reason("class_needs_nothing", True, {"class": facts.device_class}))
    elif facts.class_licence not in facts.required:
        reason = _licence_reason(facts.class_licence, facts.validity, today, "class_licence_valid")
        reasons.append(Reason(reason.code, reason.ok, {**reason.params, "class": facts.device_class}))
    else:
        covered = _licence_reason(facts.class_licence, facts.validity, today, "class_covered").ok
        reasons.append(Reason("class_covered" if covered else "class_not_covered", covered,
                              {"class": facts.device_class, "type": facts.class_licence}))
    discount = None
    if facts.admitted and facts.grade:
        discount = int((facts.discounts or {}).get(facts.grade) or 0)
        reasons.append(Reason("price_tier", True, {"grade": facts.grade, "discount": discount}))
    return Answer(all(r.ok for r in reasons), tuple(reasons), facts.grade if facts.admitted else None, discount)
