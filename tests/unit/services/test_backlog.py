"""RGT-2 优先供货 (issue 18 item 5): a product's open orders ranked by grade now, then order time; shipped and
cancelled orders leave the queue; access (SEC-1)."""

import pytest

from portal.services import backlog, sales_import
from portal.services.errors import Forbidden, NotFound
from portal.services.sales_import import rows_source
from tests.factories import register, stand
from tests.unit.services.test_sales_import import REHAB, REP, order


def customer(fake, grade):
    c, _ctx = register(fake)
    stand(c, "ortho", grade=grade, store=fake.store)
    return c


def test_RGT_2_open_orders_ranked_by_grade_then_order_time(fake):
    vip, preferred, qualified = customer(fake, "VIP"), customer(fake, "PREFERRED"), customer(fake, "QUALIFIED")
    rows = [order(qualified, order_no="Q-old", ordered_on="2026-01-01"),
            order(preferred, order_no="P", ordered_on="2026-02-01"),
            order(vip, order_no="V-late", ordered_on="2026-03-01"),
            order(vip, order_no="V-early", ordered_on="2026-01-15"),
            order(qualified, order_no="Q-new", ordered_on="2026-02-15"),
            order(vip, order_no="V-shipped", ordered_on="2026-01-02", status="shipped"),
            order(vip, order_no="V-other-product", ordered_on="2026-01-02", product="spinal-screw")]
    sales_import.import_now(fake.ctx(REP), "ortho", "orders", rows_source(rows))
    queue = backlog.backlog(fake.ctx(REP), "ortho", "bone-plate")
    assert [(line.place, line.order_no, line.grade) for line in queue.lines] == [
        (1, "V-early", "VIP"), (2, "V-late", "VIP"), (3, "P", "PREFERRED"), (4, "Q-old", "QUALIFIED"),
        (5, "Q-new", "QUALIFIED")]
    assert queue.lines[0].customer_name == vip.name and not queue.more
    sales_import.import_now(fake.ctx(REP), "ortho", "orders", rows_source([order(vip, order_no="V-early",
                                                                               ordered_on="2026-01-15",
                                                                               status="shipped")]))
    assert [line.order_no for line in backlog.backlog(fake.ctx(REP), "ortho", "bone-plate").lines][:1] == ["V-late"]


def test_a_customer_gone_from_the_department_comes_last(fake):
    vip, qualified = customer(fake, "VIP"), customer(fake, "QUALIFIED")
    sales_import.import_now(fake.ctx(REP), "ortho", "orders", rows_source(
        [order(vip, order_no="A", ordered_on="2026-01-01"), order(qualified, order_no="B", ordered_on="2026-02-01")]))
    from portal.adapters.repos.grading import Standings
    uow = fake.uow()
    uow.repo(Standings).end(uow.repo(Standings).get("ortho", vip.customer_id))
    uow.commit()
    lines = backlog.backlog(fake.ctx(REP), "ortho", "bone-plate").lines
    assert [(line.order_no, line.grade, line.customer_name) for line in lines] == [
        ("B", "QUALIFIED", qualified.name), ("A", None, None)]


def test_SEC_1_another_department_and_unknown_product(fake):
    with pytest.raises(Forbidden):
        backlog.backlog(fake.ctx(REHAB), "ortho", "bone-plate")
    with pytest.raises(NotFound):
        backlog.backlog(fake.ctx(REP), "ortho", "walker")  # rehab's product, not ortho's
