"""The answer to "may we sell?" in words (issue 18 item 4): each reason in plain Chinese or English, with the
names of departments, products and document types, never their ids; the API adds each reason's stable code."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from portal.web.labels import localized_name, status_label

CLASS_NUMERALS = {"I": "一", "II": "二", "III": "三"}  # 第三类医疗器械: Chinese says the class in Chinese numerals


def _class(value, locale: str) -> str:
    return CLASS_NUMERALS.get(value, value or "") if locale == "zh" else (value or "")


def _names(catalogue, locale: str) -> dict:
    return {t.type_id: localized_name(t, locale) for t in catalogue.types}


def reason_text(reason, catalogue, locale: str | None = None) -> str:
    """One reason in the reader's language."""
    locale = locale or str(get_locale())
    p = reason.params
    kind = _names(catalogue, locale).get(p.get("type"), _("a required licence"))
    expires = p.get("expires")
    cls = _class(p.get("class"), locale)
    texts = {
        "admitted": lambda: _("Admitted in the department for this product."),
        "not_admitted": lambda: _("Not admitted in this department."),
        "product_not_admitted": lambda: _("Admitted in the department, but not for this product."),
        "not_blacklisted": lambda: _("Not on the company's or the department's blacklist."),
        "blacklisted_company": lambda: _("On the company blacklist: no department may sell to this customer."),
        "blacklisted_department": lambda: _("On this department's blacklist."),
        "licence_valid": lambda: _("%(kind)s valid today (until %(day)s).", kind=kind, day=expires) if expires
        else _("%(kind)s valid today (long-term).", kind=kind),
        "licence_missing": lambda: _("No verified %(kind)s.", kind=kind),
        "licence_expired": lambda: _("%(kind)s expired on %(day)s.", kind=kind, day=expires),
        "class_licence_valid": lambda: _("Class %(c)s product: %(kind)s valid today (until %(day)s).",
                                         c=cls, kind=kind, day=expires) if expires
        else _("Class %(c)s product: %(kind)s valid today (long-term).", c=cls, kind=kind),
        "class_covered": lambda: _("Class %(c)s product: covered by the %(kind)s above.", c=cls,
                                   kind=kind),
        "class_not_covered": lambda: _("Class %(c)s product: needs the %(kind)s above.", c=cls,
                                       kind=kind),
        "class_needs_nothing": lambda: _("Class I product: no licence needed beyond the basic documents."),
        "class_unset": lambda: _("The product's device class has not been set by the Marketing Division."),
        "price_tier": lambda: _("Grade %(grade)s: %(discount)s%% off the list price.",
                                grade=status_label(p.get("grade")), discount=p.get("discount")),
        "unknown_customer": lambda: _("No such customer."),
        "unknown_department": lambda: _("No such sales department."),
        "unknown_product": lambda: _("The department has no such product."),
    }
    return texts[reason.code]()


class _Unknown:
    def __init__(self, what: str):
        self.code, self.ok, self.params = f"unknown_{what}", False, {}


def reasons_of(sale) -> list:
    """The reasons of one answer (an unknown record is its one reason)."""
    return [_Unknown(sale.unknown)] if sale.unknown else list(sale.answer.reasons)


def answer_json(sale, catalogue) -> dict:
    """The API's view of one answer: yes/no, every reason with its code and words, the grade and price tier."""
    q, locale = sale.question, str(get_locale())
    answer = sale.answer
    return {"customer": q.customer_id, "department": q.dept_id, "product": q.product_id,
            "eligible": bool(answer and answer.eligible), "grade": answer.grade if answer else None,
            "discount_percent": answer.discount if answer else None,
            "reasons": [{"code": r.code, "ok": r.ok, "text": reason_text(r, catalogue, locale)}
                        for r in reasons_of(sale)]}
