"""REV-1 (附件2, issue 18 item 3): the stage evaluation is prefilled from the period's incidents, tickets and ERP
payment facts, each with its source; nothing is submitted until the reviewer confirms."""

from datetime import UTC, date, datetime
from decimal import Decimal

from portal.domain.sales_facts import NO_DATA, SalesFacts
from portal.services import incidents, review_prefill, reviews
from portal.services.context import system_ctx
from tests.unit.services.dynamics_world import LEADER, admitted

JAN_1 = datetime(2027, 1, 1, 1, tzinfo=UTC)


def task_of(fake, customer):
    reviews.open_cycle(system_ctx(JAN_1, store=fake.store))
    return reviews.get_task(fake.ctx(LEADER, now=JAN_1), "2027H1", "ortho", customer)


def test_REV_1_prefill_from_incidents_of_the_period_without_erp_data(fake, monkeypatch):
    monkeypatch.setattr("portal.services.sales_facts.facts", lambda *a: NO_DATA)
    [customer] = admitted("ortho", 1, store=fake.store)
    for kind, day in (("late_payment", 1), ("poor_contract_execution", 2), ("poor_contract_execution", 3)):
        incidents.record(fake.ctx(LEADER, now=datetime(2026, 12, day, tzinfo=UTC)), "ortho", customer, kind, "记录")
    incidents.record(fake.ctx(LEADER, now=datetime(2026, 5, 1, tzinfo=UTC)), "ortho", customer, "late_payment",
                     "半年前")  # before the period: not counted
    pre = review_prefill.prefill(fake.ctx(LEADER, now=JAN_1), task_of(fake, customer))
    assert pre.values == {"contract_performance": "poor", "tickets": 0, "payment": "late"}
    assert pre.incidents == 3
    assert pre.sources["contract_performance"].startswith("2026-07-02 to 2027-01-01: 2 incidents of poor contract")
    assert "1 late payments" in pre.sources["payment"]


def test_REV_1_prefill_from_erp_payment_facts_and_nothing_is_submitted(fake, monkeypatch):
    asked = []

    def facts(uow, customer_id, dept_id, start, end, today):
        asked.append((start, end))
        return SalesFacts(True, Decimal(100000), 3, 2, 1, Decimal(0), date(2020, 1, 1))

    monkeypatch.setattr("portal.services.sales_facts.facts", facts)
    [customer] = admitted("ortho", 1, store=fake.store)
    task = task_of(fake, customer)
    pre = review_prefill.prefill(fake.ctx(LEADER, now=JAN_1), task)
    assert asked == [(date(2026, 7, 2), date(2027, 1, 1))]
    assert pre.values["payment"] == "seriously_late" and pre.values["contract_performance"] == "fair"
    assert reviews.get_task(fake.ctx(LEADER, now=JAN_1), "2027H1", "ortho", customer).status == "open"


def test_REV_1_clean_erp_record_prefills_on_time(fake, monkeypatch):
    monkeypatch.setattr("portal.services.sales_facts.facts",
                        lambda *a: SalesFacts(True, Decimal(100000), 3, 0, 0, Decimal(0), date(2020, 1, 1)))
    [customer] = admitted("ortho", 1, store=fake.store)
    pre = review_prefill.prefill(fake.ctx(LEADER, now=JAN_1), task_of(fake, customer))
    assert (pre.values["payment"], pre.values["contract_performance"]) == ("on_time", "good")
