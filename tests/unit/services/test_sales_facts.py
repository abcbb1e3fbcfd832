"""Sales facts (issue 18 items 2-3) from imported orders and receivables, each field on the in-memory world."""

from datetime import date
from decimal import Decimal

import pytest

from portal.domain.sales_facts import NO_DATA
from portal.services import sales_facts, sales_import
from portal.services.sales_import import rows_source
from tests.factories import register, stand
from tests.unit.services.test_sales_import import REP, invoice, order

START, END, TODAY = date(2025, 12, 1), date(2026, 11, 27), date(2026, 11, 28)


@pytest.fixture
def buyer(fake):
    customer, _ctx = register(fake)
    stand(customer, "ortho", store=fake.store)
    return customer


def load(fake, orders=(), invoices=()):
    if orders:
        sales_import.import_now(fake.ctx(REP), "ortho", "orders", rows_source(list(orders)))
    if invoices:
        sales_import.import_now(fake.ctx(REP), "ortho", "receivables", rows_source(list(invoices)))


def facts(fake, buyer, dept="ortho"):
    return sales_facts.facts(fake.uow(), buyer.customer_id, dept, START, END, TODAY)


def test_no_data_until_something_is_imported(fake, buyer):
    assert facts(fake, buyer) == NO_DATA


def test_receivables_alone_are_data(fake, buyer):
    load(fake, invoices=[invoice(buyer, due_on="2026-03-01", paid_on="2026-02-20")])
    got = facts(fake, buyer)
    assert got.has_data and got.orders == 0 and got.first_order_on is None and got.late_payments == 0


def test_volume_counts_the_periods_orders_not_cancelled(fake, buyer):
    load(fake, orders=[order(buyer, order_no="A", amount_yuan="10000", ordered_on="2025-11-30"),  # before
                       order(buyer, order_no="B", amount_yuan="12345.67", ordered_on="2025-12-01"),
                       order(buyer, order_no="C", amount_yuan="20000", ordered_on="2026-11-27", status="shipped"),
                       order(buyer, order_no="D", amount_yuan="99999", ordered_on="2026-06-01", status="cancelled"),
                       order(buyer, order_no="E", amount_yuan="5", ordered_on="2026-11-28")])  # after the end
    got = facts(fake, buyer)
    assert got.volume_yuan == Decimal("32345.67") and got.orders == 2 and got.volume_wan == Decimal("3.23")
    assert got.first_order_on == date(2025, 11, 30)


def test_late_payments_paid_after_the_due_day_or_unpaid_past_it(fake, buyer):
    load(fake, invoices=[
        invoice(buyer, invoice_no="on-time", due_on="2026-03-01", paid_on="2026-03-01"),
        invoice(buyer, invoice_no="late", due_on="2026-03-01", paid_on="2026-03-02"),
        invoice(buyer, invoice_no="unpaid-past", due_on="2026-10-01"),
        invoice(buyer, invoice_no="not-yet-due", due_on="2026-11-30"),
        invoice(buyer, invoice_no="due-before-period", due_on="2025-11-01")])
    assert facts(fake, buyer).late_payments == 2


def test_overdue_pickups_late_or_never(fake, buyer):
    load(fake, orders=[
        order(buyer, order_no="ok", pickup_due_on="2026-03-01", picked_up_on="2026-02-28"),
        order(buyer, order_no="late", pickup_due_on="2026-03-01", picked_up_on="2026-03-05"),
        order(buyer, order_no="never", pickup_due_on="2026-05-01"),
        order(buyer, order_no="cancelled", pickup_due_on="2026-05-01", status="cancelled"),
        order(buyer, order_no="later", pickup_due_on="2026-12-20")])
    assert facts(fake, buyer).overdue_pickups == 2


def test_overdue_90_is_what_is_still_unpaid_more_than_90_days_after_due(fake, buyer):
    load(fake, invoices=[
        invoice(buyer, invoice_no="old", amount_yuan="1000", paid_amount_yuan="250", due_on="2026-08-29"),  # 91 days
        invoice(buyer, invoice_no="edge", amount_yuan="700", due_on="2026-08-30"),  # 90 days: not over
        invoice(buyer, invoice_no="paid", amount_yuan="900", due_on="2026-01-01", paid_on="2026-06-01")])
    assert facts(fake, buyer).overdue_90_yuan == Decimal("750.00")


def test_another_department_sees_none_of_it(fake, buyer):
    load(fake, orders=[order(buyer)])
    assert facts(fake, buyer, dept="rehab") == NO_DATA


def test_facts_read_with_one_query_whatever_the_number_of_orders(fake, buyer, monkeypatch):
    load(fake, orders=[order(buyer, order_no=f"O{n}") for n in range(30)],
         invoices=[invoice(buyer, invoice_no=f"I{n}") for n in range(30)])
    calls = []
    for name in ("get", "query", "batch_get", "batch_get_tables"):
        real = getattr(fake.store, name)
        monkeypatch.setattr(fake.store, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or
                            _real(*a, **k))
    sales_facts.facts(fake.uow(), buyer.customer_id, "ortho", START, END, TODAY)
    assert calls == ["query"]  # the customer's tallies by day, kept with its orders and invoices


def test_a_row_imported_again_with_new_values_moves_the_facts_not_doubles_them(fake, buyer):
    load(fake, orders=[order(buyer, order_no="A", amount_yuan="10000", ordered_on="2026-06-01")],
         invoices=[invoice(buyer, invoice_no="I", amount_yuan="800", due_on="2026-01-01")])
    before = facts(fake, buyer)
    assert before.volume_yuan == Decimal("10000.00") and before.late_payments == 1
    assert before.overdue_90_yuan == Decimal("800.00")
    load(fake, orders=[order(buyer, order_no="A", amount_yuan="10000", ordered_on="2026-06-01", status="cancelled")],
         invoices=[invoice(buyer, invoice_no="I", amount_yuan="800", due_on="2026-01-01", paid_on="2025-12-30")])
    after = facts(fake, buyer)
    assert after.has_data and after.volume_yuan == 0 and after.orders == 0
    assert after.late_payments == 0 and after.overdue_90_yuan == 0
