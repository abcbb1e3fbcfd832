"""API for "may we sell?" (issue 18 item 4) and MD's device classes: one answer, a batch of up to 100, and the
settings they read."""

from __future__ import annotations

from flask import jsonify, request

from portal.api import bp
from portal.api.spec import operation
from portal.api.validation import checked_body, parse
from portal.domain.roles import Perm
from portal.services import device_classes, eligibility
from portal.services.eligibility import MAX_PAIRS, Question
from portal.web import ctx
from portal.web.forms.selling import ClassRulesForm, ProductClassForm
from portal.web.selling_words import answer_json

ID = {"type": "string", "minLength": 1, "maxLength": 64}
BATCH_BODY = {
    "type": "object", "required": ["pairs"], "additionalProperties": False,
    "properties": {"pairs": {
        "type": "array", "minItems": 1, "maxItems": MAX_PAIRS,
        "description": f"at most {MAX_PAIRS} questions (more: 422)",
        "items": {"type": "object", "required": ["customer", "department", "product"], "additionalProperties": False,
                  "properties": {"customer": ID, "department": ID, "product": ID}}}},
}


@operation(bp, "/customers/<customer_id>/eligibility", "GET",
           "May the department sell the product to the customer today? Yes or no with every reason (admitted for "
           "the product, blacklists, licences valid today for the product's device class), the grade and its price "
           "tier; staff of that department or MD; audited", response="Eligibility", query=("dept", "product"),
           required_query=("dept", "product"),
           perm=Perm.VIEW_CUSTOMERS)
def eligibility_one(customer_id: str):
    """One answer."""
    answers = eligibility.may_we_sell(ctx(), customer_id, request.args.get("dept") or "",
                                      request.args.get("product") or "")
    return jsonify(answer_json(answers.answers[0], answers.catalogue))


@operation(bp, "/eligibility:batch", "POST",
           f"Up to {MAX_PAIRS} (customer, department, product) questions in one call, answered in the order asked "
           "(an unknown customer, department or product is a no with its reason); audited once",
           body=BATCH_BODY, response="EligibilityBatch", perm=Perm.VIEW_CUSTOMERS)
def eligibility_batch():
    """A batch of answers."""
    body = checked_body(BATCH_BODY)
    questions = [Question(p["customer"], p["department"], p["product"]) for p in body["pairs"]]
    answers = eligibility.may_we_sell_batch(ctx(), questions)
    return jsonify({"items": [answer_json(a, answers.catalogue) for a in answers.answers]})


@operation(bp, "/departments/<dept_id>/products/<product_id>/device-class", "PUT",
           "MD sets a product's device class (I, II or III)", form=ProductClassForm,
           response="Status", perm=Perm.MANAGE_DEVICE_CLASSES)
def product_device_class(dept_id: str, product_id: str):
    """Set a product's class."""
    form = parse(ProductClassForm)
    device_classes.set_product_class(ctx(), dept_id, product_id, form.device_class.data)
    return jsonify({"status": "ok"})


@operation(bp, "/device-classes", "PUT",
           "MD sets the document type each licensed device class needs, for traders and for medical institutions "
           "(each class and holder: a document type id)", form=ClassRulesForm,
           response="Status", perm=Perm.MANAGE_DEVICE_CLASSES)
def device_class_rules():
    """Set the class rules."""
    form = parse(ClassRulesForm)
    device_classes.set_class_rules(ctx(), {f.name: f.data for f in form if f.name.startswith("class_")})
    return jsonify({"status": "ok"})
