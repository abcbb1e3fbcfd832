"""May we sell? (issue 18 item 4) on the in-memory world: every reason at once, medical institutions and Class II,
a department's own blacklist, the batch's bound and access (SEC-1), MD's class settings audited."""

from datetime import timedelta

import pytest

from portal.adapters.tables import AuditEvent
from portal.domain.timeutil import shanghai_day
from portal.services import blacklist, device_classes, eligibility
from portal.services.eligibility import Question
from portal.services.errors import Forbidden, Invalid, NotFound
from tests.factories import register, stand, upload

REP, REHAB, MD = "ortho.rep@demo.local", "rehab.leader@demo.local", "md.admin@demo.local"


def audited(fake, action):
    day = shanghai_day(fake.now).isoformat()
    return [e for e in fake.store.query(AuditEvent, day).items if e["action"] == action]


def failing(sales) -> list[str]:
    return [r.code for r in sales.answers[0].answer.reasons if not r.ok]


def test_ADM_2_e_a_medical_institution_buys_class_II_and_III_on_its_practising_licence(fake):
    customer, ctx = register(fake, kind="medical", hospital_level="三级甲等", beds=300)
    upload(ctx, "business-licence", fake=fake)
    stand(customer, "rehab", products=("cpm",), store=fake.store)
    answer = eligibility.may_we_sell(fake.ctx(REHAB), customer.customer_id, "rehab", "cpm")
    assert failing(answer) == ["licence_missing", "class_not_covered"]  # the basics require it, and class II too
    upload(ctx, "medical-institution-licence", fake=fake)
    assert eligibility.may_we_sell(fake.ctx(REHAB), customer.customer_id, "rehab", "cpm").answers[0].answer.eligible


def test_ADM_2_e_a_trader_needs_the_class_II_filing_for_a_class_II_product(fake):
    customer, ctx = register(fake)
    for type_id in ("business-licence", "tax-registration", "device-trading-licence"):
        upload(ctx, type_id, fake=fake)
    stand(customer, "rehab", products=("cpm", "walker"), store=fake.store)
    assert failing(eligibility.may_we_sell(fake.ctx(REHAB), customer.customer_id, "rehab", "cpm")) == [
        "licence_missing"]
    assert eligibility.may_we_sell(fake.ctx(REHAB), customer.customer_id, "rehab", "walker").answers[0].answer.eligible
    upload(ctx, "class2-device-filing", expiry_date=shanghai_day(fake.now) + timedelta(days=30), long_term=False,
           fake=fake)
    assert eligibility.may_we_sell(fake.ctx(REHAB), customer.customer_id, "rehab", "cpm").answers[0].answer.eligible


def test_BLK_2_a_department_blacklist_bars_that_department_only(fake):
    customer, ctx = register(fake)
    upload(ctx, "business-licence", fake=fake)
    blacklist.list_customer(fake.ctx("ortho.leader@demo.local"), customer.customer_id, "ortho", "违约")
    ortho = eligibility.may_we_sell(fake.ctx(REP), customer.customer_id, "ortho", "bone-plate")
    assert "blacklisted_department" in failing(ortho)
    rehab = eligibility.may_we_sell(fake.ctx(REHAB), customer.customer_id, "rehab", "walker")
    assert "blacklisted_department" not in failing(rehab) and "not_admitted" in failing(rehab)


def test_SEC_1_access_and_bad_input(fake):
    customer, ctx = register(fake)
    with pytest.raises(Forbidden):
        eligibility.may_we_sell(ctx, customer.customer_id, "ortho", "bone-plate")  # the customer itself
    with pytest.raises(Forbidden):
        eligibility.may_we_sell(fake.ctx(REHAB), customer.customer_id, "ortho", "bone-plate")
    with pytest.raises(NotFound):
        eligibility.may_we_sell(fake.ctx(REP), customer.customer_id, "ortho", "no-such-product")
    with pytest.raises(Invalid):
        eligibility.may_we_sell_batch(fake.ctx(MD), [Question(customer.customer_id, "ortho", "bone-plate")] * 101)
    assert len(audited(fake, "access.refused")) == 2
    assert audited(fake, "eligibility.batch") == []  # a refused batch answers nothing, so records nothing


def test_md_sets_a_class_and_the_answer_follows_audited(fake):
    customer, ctx = register(fake)
    for type_id in ("business-licence", "tax-registration", "device-trading-licence"):
        upload(ctx, type_id, fake=fake)
    stand(customer, "rehab", products=("walker",), store=fake.store)
    assert eligibility.may_we_sell(fake.ctx(REHAB), customer.customer_id, "rehab", "walker").answers[0].answer.eligible
    with pytest.raises(Forbidden):
        device_classes.set_product_class(fake.ctx(REHAB), "rehab", "walker", "II")
    device_classes.set_product_class(fake.ctx(MD), "rehab", "walker", "II")
    assert failing(eligibility.may_we_sell(fake.ctx(REHAB), customer.customer_id, "rehab", "walker")) == [
        "licence_missing"]
    assert [e["target_id"] for e in audited(fake, "product.device_class")] == ["walker"]
    with pytest.raises(Invalid):
        device_classes.set_product_class(fake.ctx(MD), "rehab", "walker", "IV")
