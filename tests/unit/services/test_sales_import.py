"""Orders and receivables from the ERP (issue 18 item 2) on the in-memory world: each bad cell named by row and
column, a source with any bad row imports nothing, the same rows twice double nothing, access (SEC-1), audit."""

from datetime import date, timedelta

import pytest

from portal.adapters.tables import AuditEvent, Counter, Order, Receivable
from portal.domain.timeutil import shanghai_day
from portal.services import sales_import
from portal.services.errors import Forbidden, NotFound
from portal.services.sales_import import BadRows, rows_source
from tests.factories import register, stand

REP, LEADER, CLERK, MD, REHAB = ("ortho.rep@demo.local", "ortho.leader@demo.local", "ortho.clerk@demo.local",
                                 "md.admin@demo.local", "rehab.leader@demo.local")


@pytest.fixture
def buyer(fake):
    customer, _ctx = register(fake)
    stand(customer, "ortho", store=fake.store)
    return customer


def order(buyer, **overrides):
    row = {"order_no": "SO-1", "credit_code": buyer.credit_code, "product": "bone-plate", "quantity": "10",
           "amount_yuan": "12000.50", "ordered_on": "2026-01-05", "status": "open", "pickup_due_on": "",
           "picked_up_on": ""}
    return {**row, **overrides}


def invoice(buyer, **overrides):
    row = {"invoice_no": "INV-1", "credit_code": buyer.credit_code, "amount_yuan": "5000", "invoiced_on": "2026-01-05",
           "due_on": "2026-02-04", "paid_on": "", "paid_amount_yuan": ""}
    return {**row, **overrides}


def run(fake, rows, kind="orders", who=REP, dept="ortho"):
    return sales_import.import_now(fake.ctx(who), dept, kind, rows_source(rows))


def problems(fake, rows, kind="orders", who=REP):
    with pytest.raises(BadRows) as caught:
        run(fake, rows, kind, who)
    return [(p.row, p.column, p.code) for p in caught.value.report.problems]


def items(fake, model):
    return list(fake.store._tables.get(model, {}).values())


def audited(fake, action):
    day = shanghai_day(fake.now).isoformat()
    return [e for e in fake.store.query(AuditEvent, day).items if e["action"] == action]


def test_orders_import_by_credit_code_and_product_name_or_id_audited(fake, buyer):
    report = run(fake, [order(buyer), order(buyer, order_no="SO-2", product="锁定加压接骨板")])
    assert (report.rows, report.created, report.changed, report.unchanged) == (2, 2, 0, 0)
    stored = sorted(items(fake, Order), key=lambda o: o["order_no"])
    assert [(o["customer_id"], o["product_id"], int(o["amount_fen"])) for o in stored] == [
        (buyer.customer_id, "bone-plate", 1200050)] * 2
    event = audited(fake, "sales.orders_imported")[0]
    assert '"created": 2' in event["detail"] and '"rows": 2' in event["detail"] and event["actor_key"]


def test_the_same_rows_twice_double_nothing_and_a_changed_row_is_updated(fake, buyer):
    run(fake, [order(buyer)])
    again = run(fake, [order(buyer)])
    assert (again.created, again.changed, again.unchanged) == (0, 0, 1)
    assert len(items(fake, Order)) == 1
    shipped = run(fake, [order(buyer, status="已发货")])
    assert shipped.changed == 1 and items(fake, Order)[0]["status"] == "shipped"
    assert "open_of" not in items(fake, Order)[0]  # out of the sparse open-orders index


@pytest.mark.parametrize(("overrides", "column", "code"), [
    ({"credit_code": "91310115MA0000001X"}, "credit_code", "bad_credit_code"),
    ({"product": "no such thing"}, "product", "unknown_product"),
    ({"amount_yuan": "-5"}, "amount_yuan", "negative"),
    ({"quantity": "-1"}, "quantity", "negative"),
    ({"amount_yuan": "12.345"}, "amount_yuan", "bad_number"),
    ({"ordered_on": "2026-02-30"}, "ordered_on", "bad_date"),
    ({"ordered_on": "yesterday"}, "ordered_on", "bad_date"),
    ({"ordered_on": "2099-01-01"}, "ordered_on", "future_date"),
    ({"picked_up_on": "2099-01-01"}, "picked_up_on", "future_date"),
    ({"order_no": " "}, "order_no", "missing"),
    ({"status": "lost"}, "status", "bad_status"),
])
def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_imported(fake, buyer, overrides, column, code):
    found = problems(fake, [order(buyer, order_no="SO-9"), order(buyer, **overrides)])
    assert found == [(2, column, code)]
    assert items(fake, Order) == []
    assert len(audited(fake, "sales.orders_refused")) == 1


def test_a_pickup_due_in_the_future_is_fine(fake, buyer):
    assert run(fake, [order(buyer, pickup_due_on="2099-01-01")]).created == 1


def test_unknown_customer_and_not_a_customer_of_this_department(fake, buyer):
    stranger, _ctx = register(fake)
    elsewhere, _ctx = register(fake)
    stand(elsewhere, "rehab", products=("walker",), store=fake.store)
    from tests.factories import credit_code
    found = problems(fake, [order(buyer, credit_code=credit_code(9999999)),
                            order(buyer, order_no="SO-2", credit_code=stranger.credit_code),
                            order(buyer, order_no="SO-3", credit_code=elsewhere.credit_code)])
    assert found == [(1, "credit_code", "unknown_customer"), (2, "credit_code", "not_a_customer"),
                     (3, "credit_code", "not_a_customer")]


def test_a_number_twice_in_one_source_is_a_duplicate(fake, buyer):
    assert problems(fake, [order(buyer), order(buyer, quantity="3")]) == [(2, "order_no", "duplicate")]


def test_an_empty_source_imports_nothing(fake, buyer):
    assert problems(fake, []) == [(0, "", "empty")]


def test_SEC_1_only_the_departments_leader_or_rep_or_MD(fake, buyer):
    with pytest.raises(Forbidden):
        run(fake, [order(buyer)], who=REHAB)
    with pytest.raises(Forbidden):
        run(fake, [order(buyer)], who=CLERK)
    _customer, customer_ctx = register(fake)
    with pytest.raises(Forbidden):
        sales_import.import_now(customer_ctx, "ortho", "orders", rows_source([order(buyer)]))
    with pytest.raises(NotFound):
        run(fake, [order(buyer)], who=MD, dept="no-such-dept")
    assert run(fake, [order(buyer)], who=LEADER).created == 1
    assert run(fake, [order(buyer, order_no="SO-2")], who=MD).created == 1
    assert items(fake, Order) and len(items(fake, Order)) == 2


def ageing(fake):
    return {c["key"]: (int(c["total"]), int(c["open"])) for c in items(fake, Counter)
            if c["dept_id"] == "ageing#ortho" and int(c.get("open") or 0)}


def test_receivables_import_idempotent_and_ageing_tallies_follow_payment(fake, buyer):
    run(fake, [invoice(buyer), invoice(buyer, invoice_no="INV-2", amount_yuan="100", paid_amount_yuan="40")],
        kind="receivables")
    assert ageing(fake) == {"due#2026-02-04": (506000, 2)}
    run(fake, [invoice(buyer)], kind="receivables")  # the same again: nothing moves
    assert ageing(fake) == {"due#2026-02-04": (506000, 2)}
    run(fake, [invoice(buyer, paid_on="2026-02-10")], kind="receivables")
    assert ageing(fake) == {"due#2026-02-04": (6000, 1)}
    assert len(items(fake, Receivable)) == 2


def test_receivables_bad_rows(fake, buyer):
    day = shanghai_day(fake.now)
    found = problems(fake, [invoice(buyer, paid_on=(day + timedelta(days=1)).isoformat()),
                            invoice(buyer, invoice_no="INV-2", paid_amount_yuan="6000"),
                            invoice(buyer, invoice_no="INV-3", due_on="")], kind="receivables")
    assert found == [(1, "paid_on", "future_date"), (2, "paid_amount_yuan", "paid_too_much"),
                     (3, "due_on", "missing")]
    assert items(fake, Receivable) == []


def test_a_write_stopped_for_time_continues_from_its_position(fake, buyer):
    rows = [order(buyer, order_no=f"SO-{n}") for n in range(250)]
    ctx = fake.ctx(REP)
    source = rows_source(rows)
    report = sales_import.validate(ctx, "ortho", "orders", source)
    assert report.ok and report.rows == 250
    budget = iter([True, False])
    part = sales_import.write(ctx, "ortho", "orders", source, report, keep_going=lambda: next(budget))
    assert part.position == 90 and len(items(fake, Order)) == 90
    rest = sales_import.write(ctx, "ortho", "orders", source, sales_import.Report("orders"), start=part.position)
    assert rest.position == 250 and rest.created == 160 and len(items(fake, Order)) == 250


def test_today_is_the_limit_of_a_past_day(fake, buyer):
    today = shanghai_day(fake.now)
    assert run(fake, [order(buyer, ordered_on=today.isoformat())]).created == 1
    assert isinstance(today, date)
