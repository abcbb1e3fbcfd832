"""Device classes (issue 18 item 4): MD sets each product's class (I/II/III) and the licence each class needs,
audited; the eligibility answer reads both from the catalogue."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.org import Departments, Products
from portal.adapters.uow import WriteConflict
from portal.domain.roles import Perm
from portal.domain.selling import DEVICE_CLASSES, INSTITUTION, LICENSED_CLASSES, TRADER, class_rules
from portal.services import audit
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound

MD = "md"


@dataclass(frozen=True)
class DeviceClassPage:
    """The catalogue (sales departments, products, document types) and the class rules."""

    catalogue: object
    rules: dict[str, dict[str, str]]


def device_class_page(ctx: Ctx) -> DeviceClassPage:
    """MD's page: every product with its class, and the licence each class needs (one GetItem)."""
    authorize(ctx, Perm.MANAGE_DEVICE_CLASSES, target="device_classes")
    catalogue = ctx.uow().repo(Catalogue).read()
    md = catalogue.department(MD)
    return DeviceClassPage(catalogue, class_rules(md.device_classes if md else None))


def rule_field(device_class: str, holder: str) -> str:
    """The form field naming the licence of one class for one kind of holder, e.g. `class_iii_trader`."""
    return f"class_{device_class.lower()}_{holder}"


def set_product_class(ctx: Ctx, dept_id: str, product_id: str, device_class: str):
    """MD sets a product's device class (a change racing another is refused with Conflict)."""
    authorize(ctx, Perm.MANAGE_DEVICE_CLASSES, target=product_id)
    if device_class not in DEVICE_CLASSES:
        raise Invalid(fields={"device_class": [_l("Choose class I, II or III.")]})
    with ctx.uow() as uow:
        product = uow.repo(Products).find(dept_id, product_id)
        if product is None:
            raise NotFound()
        before, product.device_class = product.device_class, device_class
        uow.repo(Products).save(product)
        audit.stage(uow, ctx, "product.device_class", target_type="product", target_id=product_id, dept_id=dept_id,
                    detail={"before": before, "after": device_class})
        _commit(uow)
    return product


def set_class_rules(ctx: Ctx, chosen: dict[str, str]) -> dict:
    """MD sets the document type each licensed class needs (traders; medical institutions); an unknown type is
    NotFound."""
    authorize(ctx, Perm.MANAGE_DEVICE_CLASSES, target="device_classes")
    with ctx.uow() as uow:
        md = uow.repo(Departments).find(MD)
        if md is None:
            raise NotFound()
        known = {t.type_id for t in uow.repo(Catalogue).read().types}
        fields = [rule_field(c, h) for c in LICENSED_CLASSES for h in (TRADER, INSTITUTION)]
        problems = {f: [_l("Choose a document type.")] for f in fields if not chosen.get(f)}
        if problems:
            raise Invalid(fields=problems)
        if any(chosen[f] not in known for f in fields):
            raise NotFound()  # names a document type that does not exist (the page offers only those that do)
        before = class_rules(md.device_classes)
        rules = {c: {h: chosen[rule_field(c, h)] for h in (TRADER, INSTITUTION)} for c in LICENSED_CLASSES}
        md.device_classes = json.dumps(rules, sort_keys=True)
        uow.repo(Departments).save(md)
        audit.stage(uow, ctx, "device_classes.updated", target_type="department", target_id=MD, dept_id=MD,
                    detail={"before": before, "after": rules})
        _commit(uow)
    return rules


def _commit(uow) -> None:
    try:
        uow.commit()
    except WriteConflict as exc:
        raise Conflict() from exc
