"""Staff pages for "may we sell?" (issue 18 item 4): one question or a batch, answered in a table; and MD's page of
device classes. Thin views over portal.services.eligibility, sale_questions and device_classes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import SelectChoice

from portal.domain.roles import Perm
from portal.domain.selling import INSTITUTION, LICENSED_CLASSES, TRADER
from portal.services import device_classes, eligibility, sale_questions
from portal.staff import bp
from portal.web import ctx, staff_required
from portal.web.forms import FORM_ERRORS, apply_errors
from portal.web.forms.selling import ClassRulesForm, EligibilityBatchForm, EligibilityForm, ProductClassForm
from portal.web.labels import localized_name
from portal.web.selling_words import reason_text, reasons_of

MAX_CSV_BYTES = 64 * 1024


def _choices(form: EligibilityForm, catalogue) -> None:
    locale, actor = str(get_locale()), ctx().actor
    depts = [d for d in catalogue.sales() if actor.company_wide or d.dept_id == actor.dept_id]
    form.department.choices = [SelectChoice(d.dept_id, localized_name(d, locale)) for d in depts]
    form.product.choices = [SelectChoice(p.product_id, f"{localized_name(d, locale)} · {localized_name(p, locale)}")
                            for d in depts for p in catalogue.products_of(d.dept_id, on_sale=True)]


def _rows(answers) -> list[dict]:
    locale, catalogue = str(get_locale()), answers.catalogue
    rows = []
    for sale in answers.answers:
        q = sale.question
        dept = catalogue.department(q.dept_id)
        product = next((p for p in catalogue.products_of(q.dept_id) if p.product_id == q.product_id), None)
        rows.append({"customer": sale.customer_name or "", "department": localized_name(dept, locale) if dept else "",
                     "product": localized_name(product, locale) if product else "",
                     "eligible": bool(sale.answer and sale.answer.eligible),
                     "reasons": [(r.ok, reason_text(r, catalogue, locale)) for r in reasons_of(sale)]})
    return rows


@bp.route("/eligibility", methods=["GET", "POST"])
@staff_required(Perm.VIEW_CUSTOMERS)
def eligibility_page():
    """May we sell? One question (credit code, department, product) or a batch of lines or a CSV file."""
    catalogue = sale_questions.catalogue_for(ctx())
    single = EligibilityForm(formdata=request.form if request.form.get("which") == "one" else None)
    batch = EligibilityBatchForm(formdata=request.form if request.form.get("which") == "batch" else None)
    _choices(single, catalogue)
    rows = None
    if request.method == "POST" and request.form.get("which") == "one" and single.validate():
        try:
            q = sale_questions.one_question(ctx(), single.customer.data, single.department.data, single.product.data)
            rows = _rows(eligibility.may_we_sell(ctx(), q.customer_id, q.dept_id, q.product_id))
        except FORM_ERRORS as exc:
            apply_errors(single, exc)
    elif request.method == "POST" and request.form.get("which") == "batch" and batch.validate():
        try:
            questions = sale_questions.parse_lines(ctx(), _batch_text(batch), "file" if batch.file.data else "lines")
            rows = _rows(eligibility.may_we_sell_batch(ctx(), questions))
        except FORM_ERRORS as exc:
            apply_errors(batch, exc)
    return render_template("staff/eligibility.html", single=single, batch=batch, rows=rows)


def _batch_text(batch: EligibilityBatchForm) -> str:
    upload = batch.file.data
    if upload and getattr(upload, "filename", ""):
        data = upload.read(MAX_CSV_BYTES + 1)
        if len(data) > MAX_CSV_BYTES:
            batch.file.errors = [_("The file is larger than 64 KB: at most 100 lines.")]
            return ""
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            batch.file.errors = [_("The file is not UTF-8 text.")]
            return ""
    return batch.lines.data or ""


def _rules_form(page, formdata=None) -> ClassRulesForm:
    form = ClassRulesForm(formdata=formdata, prefix="rules")
    locale = str(get_locale())
    for c in LICENSED_CLASSES:
        for h in (TRADER, INSTITUTION):
            field = getattr(form, device_classes.rule_field(c, h))
            field.choices = [SelectChoice(t.type_id, localized_name(t, locale)) for t in page.catalogue.types]
            field.validate_choice = True  # the page offers the existing types: anything else is said at the field
            if formdata is None:
                field.data = page.rules[c][h]
    return form


@bp.route("/device-classes", methods=["GET", "POST"])
@staff_required(Perm.MANAGE_DEVICE_CLASSES)
def device_classes_page():
    """MD sets each product's device class and the licence each class needs."""
    page = device_classes.device_class_page(ctx())
    rules = _rules_form(page, request.form if request.form.get("target") == "rules" else None)
    target = request.form.get("target", "")
    forms = {}
    for d in page.catalogue.sales():
        for p in page.catalogue.products_of(d.dept_id):
            key = f"{d.dept_id}/{p.product_id}"
            form = ProductClassForm(formdata=request.form if target == key else None, prefix=key.replace("/", "-"))
            if target != key:
                form.device_class.data = p.device_class
            forms[key] = (d, p, form)
    if request.method == "POST":
        try:
            if target == "rules" and rules.validate():
                device_classes.set_class_rules(ctx(), {f.short_name: f.data for f in rules
                                                       if f.short_name.startswith("class_")})
            elif target in forms and forms[target][2].validate():
                d, p, form = forms[target]
                device_classes.set_product_class(ctx(), d.dept_id, p.product_id, form.device_class.data)
            else:
                raise _Unsaved()
        except FORM_ERRORS as exc:
            apply_errors(rules if target == "rules" else forms[target][2], exc)
        except _Unsaved:
            pass
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("staff.device_classes_page"))
    return render_template("staff/device_classes.html", rules=rules, forms=forms)


class _Unsaved(Exception):
    """A form that did not validate: shown again with its errors."""
