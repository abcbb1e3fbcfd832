"""The customer import's report in words (ONB-1, issue 18 item 6): each problem with its row and column, each
quota the import would break with the numbers, and what would be (or was) created — for the page and the API."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from portal.domain.onboarding import COLUMNS
from portal.domain.onboarding_plan import Breach
from portal.web.labels import CUSTOMER_KIND_LABELS, localized_name, status_label

COLUMN_LABELS = {
    "credit_code": _l("Unified social credit code"), "name": _l("Company name"), "kind": _l("Customer type"),
    "region": _l("Region"), "industry": _l("Industry"), "scale": _l("Scale"), "hospital_level": _l("Hospital level"),
    "beds": _l("Beds"), "department": _l("Department"), "products": _l("Products"), "grade": _l("Grade"),
    "designated": _l("Designated person's e-mail"), "contact_name": _l("Contact name"),
    "mobile": _l("Contact mobile"), "email": _l("Contact e-mail"),
}
assert set(COLUMN_LABELS) == {c[0] for c in COLUMNS}

MESSAGES = {
    "missing_column": _l("The file has no such column. Start from the template."),
    "too_long": _l("Too long: at most 200 characters."),
    "required": _l("Required."),
    "credit_code": _l("Not a valid unified social credit code: 18 characters with a correct check digit "
                      "(GB 32100-2015)."),
    "kind": _l("Not a customer type: enterprise, medical institution, retail or internal related party."),
    "scale": _l("Not a scale: large, medium, small or micro."),
    "grade": _l("Not a grade: VIP, 优选 or 合格."),
    "hospital_level": _l("A medical institution needs its hospital level, e.g. 三级甲等."),
    "beds": _l("A medical institution needs its number of beds."),
    "mobile": _l("Not a mainland China mobile number."),
    "email": _l("Not an e-mail address."),
    "formula": _l("A formula: give the value itself."),
    "unknown_department": _l("No sales department of this name: %(value)s."),
    "unknown_product": _l("The department has no product of this name: %(value)s."),
    "not_staff_of_department": _l("Not an active member of this department's staff: %(value)s."),
    "duplicate_in_file": _l("This company and department are in row %(row)s already."),
    "differs_in_file": _l("Row %(row)s says otherwise for the same credit code."),
    "registered_already": _l("This company registered in the portal itself: admit it through its application."),
    "email_has_account": _l("This address has an account already: give another contact address."),
    "email_twice": _l("Another company in the file has the same contact address."),
}
FILE_MESSAGES = {
    "too_large": _l("The file is larger than %(mb)s MB: split it."),
    "too_many_rows": _l("The file has more than %(rows)s rows: split it."),
    "file_type": _l("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
    "empty": _l("The file is empty."),
    "encoding": _l("The CSV file is neither UTF-8 nor GB18030 text."),
    "csv": _l("The CSV file cannot be read."),
    "xlsx": _l("The Excel workbook cannot be read: save it again as .xlsx."),
}


def column_label(key: str) -> str:
    """A column's name in the reader's language (a cell outside the known columns: "another column")."""
    return str(COLUMN_LABELS.get(key) or _l("another column"))


def problem_text(problem) -> str:
    """One problem as a sentence naming its row and column."""
    message = str(MESSAGES[problem.code]) % problem.params if problem.params else str(MESSAGES[problem.code])
    return str(_l("Row %(row)s, %(column)s: %(message)s", row=problem.row, column=column_label(problem.column),
                  message=message))


def file_problem_text(exc) -> str:
    """What is wrong with the file as a whole."""
    return str(FILE_MESSAGES[exc.code]) % exc.params if exc.params else str(FILE_MESSAGES[exc.code])


def breach_text(breach: Breach, catalogue) -> str:
    """QTA-1/2 with the numbers, e.g. 骨科产品销售部 VIP 将为 7 家，上限 5 家."""
    dept = catalogue.department(breach.dept_id) if catalogue else None
    name = localized_name(dept, str(get_locale())) if dept else breach.dept_id
    return str(_l("%(dept)s: %(grade)s would be %(n)s customers, at most %(max)s.", dept=name,
                  grade=status_label(breach.grade.value), n=breach.would_be, max=breach.limit))


def report(plan, catalogue, run=None) -> dict:
    """The plan (and what a run created) as plain values in the reader's language, for the page and the API."""
    locale = str(get_locale())

    def dept_name(dept_id):
        dept = catalogue.department(dept_id) if catalogue else None
        return localized_name(dept, locale) if dept else dept_id

    def products(dept_id, ids):
        names = {p.product_id: localized_name(p, locale) for p in catalogue.products_of(dept_id)} if catalogue else {}
        return [names.get(i, i) for i in ids]

    def company(c):
        return {"credit_code": c.credit_code, "name": c.first.name,
                "kind": str(CUSTOMER_KIND_LABELS.get(c.first.kind, c.first.kind)),
                "contact": {"name": c.first.contact_name, "email": c.first.email, "mobile": c.first.mobile},
                "standings": [{"department": dept_name(r.department), "grade": r.grade.value,
                               "grade_label": status_label(r.grade.value), "products": products(r.department,
                                                                                               r.products),
                               "designated": getattr(plan.staff.get(r.designated), "name", r.designated)}
                              for r in c.rows]}

    return {
        "ok": plan.ok,
        "file_problem": file_problem_text(plan.file_problem) if plan.file_problem else None,
        "problems": [{"row": p.row, "column": p.column, "message": problem_text(p)} for p in plan.problems],
        "quotas": [{"department": dept_name(b.dept_id), "grade": b.grade.value, "would_be": b.would_be,
                    "limit": b.limit, "message": breach_text(b, catalogue)} for b in plan.breaches],
        "companies": [company(c) for c in plan.companies],
        "skipped": [{"credit_code": c.credit_code, "name": c.first.name} for c in plan.skipped],
        "created": len(run.created) if run else 0,
        "remaining": run.remaining if run else len(plan.companies),
    }
