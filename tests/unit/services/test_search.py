"""Issue 17 item 5: staff find customers by two characters of the name, credit code, contact, mobile or e-mail;
only what they may see; the index is kept with the customer; a page costs a bounded number of calls."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.adapters import records
from portal.adapters.repos.customers import Customers
from portal.adapters.repos.search import SearchIndex
from portal.services import profile, search
from portal.services.errors import Forbidden, Invalid
from tests.factories import credit_code, register, stand

MD = "md.admin@demo.local"


def names(results) -> set[str]:
    return {h.name for h in results.items}


def test_md_finds_a_customer_by_two_characters_of_its_name(fake):
    customer, _ = register(fake, name="杭州瑞康医疗器械有限公司")
    register(fake, name="宁波海曙贸易有限公司")
    found = search.search(fake.ctx(MD), "瑞康")
    assert names(found) == {"杭州瑞康医疗器械有限公司"}
    assert names(search.search(fake.ctx(MD), "瑞康医疗")) == {"杭州瑞康医疗器械有限公司"}
    assert names(search.search(fake.ctx(MD), "康瑞")) == set()  # both characters, in this order


def test_found_by_credit_code_mobile_contact_and_email(fake):
    code = credit_code(777)
    customer, _ = register(fake, name="苏州泰和医院", credit_code=code, mobile="13912345678",
                           contact_name="欧阳明", email="caigou@taihe.cn")
    md = fake.ctx(MD)
    for query in (code, code.lower(), "13912345678", "+86 139 1234 5678", "欧阳", "CaiGou@TaiHe.cn"):
        assert [h.customer_id for h in search.search(md, query).items] == [customer.customer_id], query


def test_a_department_finds_only_its_own_customers(fake):
    ours, _ = register(fake, name="骨科客户甲公司")
    theirs, _ = register(fake, name="骨科客户乙公司")
    stand(ours, "ortho", store=fake.store)
    stand(theirs, "rehab", store=fake.store)
    assert names(search.search(fake.ctx("ortho.rep@demo.local"), "骨科客户")) == {"骨科客户甲公司"}
    assert names(search.search(fake.ctx("rehab.rep@demo.local"), "骨科客户")) == {"骨科客户乙公司"}
    assert names(search.search(fake.ctx(MD), "骨科客户")) == {"骨科客户甲公司", "骨科客户乙公司"}
    assert search.search(fake.ctx("ortho.rep@demo.local"), theirs.credit_code).items == []


def test_a_query_of_one_character_is_refused_next_to_the_box(fake):
    with pytest.raises(Invalid) as refused:
        search.search(fake.ctx(MD), " 瑞 ")
    assert "q" in refused.value.fields


def test_customers_cannot_search(fake):
    _, me = register(fake)
    with pytest.raises(Forbidden):
        search.search(me, "医疗")


def test_a_new_contact_is_found_and_the_old_one_no_longer(fake):
    customer, admin = register(fake, name="常州新北器械公司", contact_name="李四")
    values = {"contact_name": "王五", "mobile": customer.mobile, "email": customer.email, "region": customer.region}
    profile.edit_company(admin, values, customer.version)
    md = fake.ctx(MD)
    assert names(search.search(md, "王五")) == {"常州新北器械公司"}
    assert search.search(md, "李四").items == []


def _index_many(fake, n: int) -> None:
    """`n` customers in the index, all sharing the bigram 医疗 (the worst case for a query on it)."""
    created = fake.now - timedelta(days=1)
    for start in range(0, n, 3):
        uow = fake.uow()
        for i in range(start, min(n, start + 3)):
            customer = records.Customer(customer_id=f"c{i:05d}", name=f"第{i}号医疗器械公司",
                                        credit_code=credit_code(i), kind="enterprise", contact_name="赵六",
                                        mobile="+8613800138000", email=f"c{i}@x.cn", created_at=created)
            uow.repo(SearchIndex).keep(customer)
        uow.commit()


@pytest.mark.parametrize("size", [10, 10_000])
def test_a_page_of_results_costs_at_most_eight_calls_at_any_size(fake, size):
    _index_many(fake, size)
    for who in (MD, "ortho.rep@demo.local"):
        ctx = fake.ctx(who)
        fake.store.calls.clear()
        found = search.search(ctx, "医疗")
        assert len(fake.store.calls) <= search.MAX_CALLS, fake.store.calls
        if who == MD:
            assert len(found.items) == min(size, len(found.items)) and len(found.items) >= min(size, search.PAGE)
            assert (found.cursor is not None) == (size > len(found.items))
        fake.store.calls.clear()
        search.search(ctx, "第9999号")  # a rare name: still read by its first bigram, filtered
        assert len(fake.store.calls) <= search.MAX_CALLS


def test_a_name_changed_by_an_obl_1_report_is_found_by_its_new_name_only(fake):
    from portal.services import changes
    from tests.unit.services.dynamics_world import customer, verified_document

    customer_id, email = customer(fake)
    cust = fake.repo(Customers).find(customer_id)
    uow = fake.uow()
    uow.repo(SearchIndex).keep(cust)  # this world writes its customer straight into the table
    uow.commit()
    stand(cust, "ortho", store=fake.store)
    old = cust.name
    task = changes.report(fake.ctx(email), "change", {"name": "温岭新名称器械有限公司"},
                          verified_document(fake, customer_id))[0]
    changes.handle(fake.ctx("ortho.leader@demo.local"), "ortho", task.task_id, "已更新档案")
    md = fake.ctx(MD)
    assert [h.name for h in search.search(md, "新名称").items] == ["温岭新名称器械有限公司"]
    assert customer_id not in {h.customer_id for h in search.search(md, old).items}


def test_a_query_is_read_by_its_rarest_known_bigram():
    from portal.domain.search import lookups

    assert lookups("医疗器械瑞康", [])[-1].term == "g#械瑞"  # not 医疗, which most names share
    assert lookups("有限公司", [])[-1].term == "g#有限"  # only common ones: the first
