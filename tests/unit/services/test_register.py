"""Issue 17 item 6 (ONB-1): MD's register lists every registered company with its status in each department,
a company that never applied included; filters; bounded reads; MD only; the backfill fills the index once."""

from __future__ import annotations

import pytest

from portal.adapters.tables import SearchEntry
from portal.services import backfill, register, search
from portal.services.context import system_ctx
from portal.services.errors import Forbidden, Invalid
from tests.factories import register as register_customer
from tests.factories import stand
from tests.unit.services.test_search import _index_many

MD = "md.admin@demo.local"


def statuses(page, customer_id) -> dict:
    row = next(r for r in page.rows if r.customer_id == customer_id)
    return {s.dept_id: (s.status, s.grade) for s in row.statuses}


def test_md_sees_a_company_that_registered_but_never_applied(fake):
    idle, _ = register_customer(fake, name="从未申请的公司")
    page = register.register_page(fake.ctx(MD))
    assert page.rows[0].customer_id == idle.customer_id  # newest first
    assert set(statuses(page, idle.customer_id).values()) == {("registered", None)}
    only_idle = register.register_page(fake.ctx(MD), status="registered")
    assert idle.customer_id in {r.customer_id for r in only_idle.rows}
    assert all(s.status == "registered" for r in only_idle.rows for s in r.statuses)


def test_statuses_per_department_and_filters(fake):
    admitted, _ = register_customer(fake, name="已准入公司")
    stand(admitted, "ortho", grade="PREFERRED", store=fake.store)
    medical, _ = register_customer(fake, name="某某医院", kind="medical", hospital_level="三级甲等", beds=500)
    page = register.register_page(fake.ctx(MD))
    assert statuses(page, admitted.customer_id)["ortho"] == ("admitted", "PREFERRED")
    assert statuses(page, admitted.customer_id)["rehab"] == ("registered", None)
    ortho = register.register_page(fake.ctx(MD), status="admitted", dept_id="ortho")
    assert admitted.customer_id in {r.customer_id for r in ortho.rows}
    assert medical.customer_id not in {r.customer_id for r in ortho.rows}
    hospitals = register.register_page(fake.ctx(MD), kind="medical")
    assert {r.customer_id for r in hospitals.rows} == {medical.customer_id}
    with pytest.raises(Invalid):
        register.register_page(fake.ctx(MD), status="famous")


def test_only_md_reads_the_register(fake):
    for who in ("ortho.leader@demo.local", "leader@demo.local", "rehab.rep@demo.local"):
        with pytest.raises(Forbidden):
            register.register_page(fake.ctx(who))


def test_a_page_of_the_register_costs_a_bounded_number_of_calls(fake):
    _index_many(fake, 60)
    fake.store.calls.clear()
    page = register.register_page(fake.ctx(MD))
    assert len(page.rows) == register.page_size(len(page.departments)) and page.cursor
    assert len(fake.store.calls) <= 6, fake.store.calls
    rest = register.register_page(fake.ctx(MD), cursor=page.cursor)
    assert not {r.customer_id for r in rest.rows} & {r.customer_id for r in page.rows}


def test_the_backfill_indexes_customers_registered_before_the_index_once(fake):
    old, _ = register_customer(fake, name="索引之前的公司")
    fake.store._tables[SearchEntry].clear()  # as before the deploy that adds the index
    assert search.search(fake.ctx(MD), "索引").items == []
    ctx = system_ctx(fake.now, store=fake.store)
    assert backfill.run(ctx).get("search_index", 0) >= 1
    assert [h.customer_id for h in search.search(fake.ctx(MD), "索引").items] == [old.customer_id]
    assert "search_index" not in backfill.run(ctx)
