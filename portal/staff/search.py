"""Staff pages: customer search in the header (issue 17 item 5) and MD's customer register (ONB-1, item 6)."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import SelectChoice

from portal.domain.roles import Perm
from portal.services import register, search
from portal.services.errors import Invalid
from portal.services.exports import xlsx_bytes
from portal.staff import bp
from portal.web import csv_response, ctx, staff_required
from portal.web.forms import apply_errors
from portal.web.forms.staff import RegisterFilterForm, SearchForm
from portal.web.labels import CUSTOMER_KIND_LABELS, localized_name, status_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/search")
@staff_required(Perm.VIEW_CUSTOMERS)
def customer_search():
    """Customers the user may see whose name, credit code, contact, mobile or e-mail match the query."""
    form = SearchForm(request.args)
    results = None
    if request.args.get("q") is not None:
        try:
            results = search.search(ctx(), request.args.get("q"), request.args.get("cursor"))
        except Invalid as exc:
            apply_errors(form, exc)
    return render_template("staff/search.html", form=form, results=results)


def _filters(form: RegisterFilterForm) -> dict:
    locale = str(get_locale())
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(d.dept_id, localized_name(d, locale)) for d in register.sales_departments(ctx())]
    form.kind.choices = [SelectChoice("", _("All types"))] + [
        SelectChoice(value, label) for value, label in CUSTOMER_KIND_LABELS.items()]
    form.validate()
    return {"status": form.status.data or None, "dept_id": form.department.data or None,
            "kind": form.kind.data or None}


@bp.get("/register")
@staff_required(Perm.VIEW_REGISTER)
def customer_register():
    """MD's register: every registered company and its status in each department, filtered, a page at a time."""
    form = RegisterFilterForm(request.args)
    page = None
    try:
        page = register.register_page(ctx(), **_filters(form), cursor=request.args.get("cursor"))
    except Invalid as exc:
        apply_errors(form, exc)
    return render_template("staff/register.html", form=form, page=page,
                           args={k: v for k, v in request.args.items() if k != "cursor" and v})


def _table(rows: list, departments: list) -> list:
    locale = str(get_locale())
    head = [_("Company"), _("Unified social credit code"), _("Customer type"), _("Registered")]
    head += [localized_name(d, locale) for d in departments] + [_("Company blacklist")]
    table = [head]
    for row in rows:
        cells = [row.name, row.credit_code, str(CUSTOMER_KIND_LABELS.get(row.kind, "")), (row.registered_at or "")[:10]]
        cells += [register_status_text(s) for s in row.statuses]
        cells.append(_("Yes") if row.company_blacklisted else "")
        table.append(cells)
    return table


def register_status_text(status) -> str:
    """A company's status in one department, in words."""
    words = {"registered": _("Registered"), "applied": _("Applied"), "admitted": _("Admitted"),
             "blacklisted": _("Blacklisted")}[status.status]
    return f"{words} · {status_label(status.grade)}" if status.grade else words


@bp.get("/register.csv")
@staff_required(Perm.VIEW_REGISTER)
def customer_register_csv():
    """The register (with the page's filters) as CSV, UTF-8 with BOM, every cell safe from formulas."""
    rows, departments = register.export_rows(ctx(), **_filters(RegisterFilterForm(request.args)))
    return csv_response("customer-register.csv", _table(rows, departments))


@bp.get("/register.xlsx")
@staff_required(Perm.VIEW_REGISTER)
def customer_register_xlsx():
    """The register (with the page's filters) as an Excel workbook, every cell stored as a value, never a formula."""
    rows, departments = register.export_rows(ctx(), **_filters(RegisterFilterForm(request.args)))
    return Response(xlsx_bytes(_table(rows, departments), "Register"), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="customer-register.xlsx"'})
