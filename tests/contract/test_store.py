"""The in-memory store means what DynamoDB means: the same checks on both (moto for DynamoDB)."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.adapters.store import Check, ConditionFailed, Delete, Put, Update, attr
from portal.adapters.store.dynamo import DynamoStore
from portal.adapters.store.memory import MemoryStore
from portal.adapters.tables import Counter, Standing, Unique

T0 = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        yield MemoryStore()
        return
    request.getfixturevalue("app")  # moto with every table
    yield DynamoStore()


def standing(customer: str, grade: str = "QUALIFIED", dept: str = "ortho", **extra) -> dict:
    return {"dept_id": dept, "customer_id": customer, "customer_name": f"客户{customer}", "grade": grade,
            "dept_grade": f"{dept}#{grade}", "products": {"bone-plate"}, "admitted_at": T0, **extra}


def test_put_get_and_a_missing_item(store):
    store.write([Put(Standing, standing("c1", version=1))])
    got = store.get(Standing, {"dept_id": "ortho", "customer_id": "c1"})
    assert got["grade"] == "QUALIFIED" and got["products"] == {"bone-plate"} and got["admitted_at"] == T0
    assert got["version"] == 1 and "licence_flags" not in got
    assert store.get(Standing, {"dept_id": "ortho", "customer_id": "nobody"}) is None
    assert sorted(i["customer_id"] for i in store.batch_get(Standing, [
        {"dept_id": "ortho", "customer_id": "c1"}, {"dept_id": "ortho", "customer_id": "nobody"}])) == ["c1"]


def test_a_failed_condition_names_its_operation_and_writes_nothing(store):
    store.write([Put(Unique, {"key": "email#a@b.cn", "owner_id": "u1"}, attr("key").not_exists())])
    with pytest.raises(ConditionFailed) as exc:
        store.write([Put(Unique, {"key": "uscc#X", "owner_id": "c1"}, attr("key").not_exists()),
                     Update(Counter, {"dept_id": "ortho", "key": "all"}, (attr("total").add(1),)),
                     Put(Unique, {"key": "email#a@b.cn", "owner_id": "u2"}, attr("key").not_exists())])
    assert exc.value.failed == [2]
    assert store.get(Unique, {"key": "uscc#X"}) is None
    assert store.get(Counter, {"dept_id": "ortho", "key": "all"}) is None
    assert store.get(Unique, {"key": "email#a@b.cn"})["owner_id"] == "u1"


def test_counters_add_from_nothing_and_conditions_cap_them(store):
    key = {"dept_id": "ticket#t1", "key": "files"}
    cap = attr("total").not_exists() | attr("total").lt(2)
    store.write([Update(Counter, key, (attr("total").add(1),), cap)])
    store.write([Update(Counter, key, (attr("total").add(1),), cap)])
    with pytest.raises(ConditionFailed):
        store.write([Update(Counter, key, (attr("total").add(1),), cap)])
    store.write([Update(Counter, key, (attr("total").add(-1), attr("vip").set(3)))])
    assert store.get(Counter, key) == {"dept_id": "ticket#t1", "key": "files", "total": 1, "vip": 3}


def test_versions_and_set_actions(store):
    key = {"dept_id": "ortho", "customer_id": "c1"}
    store.write([Put(Standing, standing("c1", version=1), attr("version").not_exists())])
    stale = attr("version").eq(0)
    with pytest.raises(ConditionFailed):
        store.write([Update(Standing, key, (attr("grade").set("VIP"),), stale)])
    store.write([Update(Standing, key, (attr("grade").set("VIP"), attr("version").add(1),
                                        attr("licence_flags").add({"business-licence", "tax"}),
                                        attr("designated_staff").set(None)), attr("version").eq(1))])
    store.write([Update(Standing, key, (attr("licence_flags").discard({"tax"}), attr("products").add({"x"})))])
    got = store.get(Standing, key)
    assert (got["grade"], got["version"], got["licence_flags"], got["products"]) == (
        "VIP", 2, {"business-licence"}, {"bone-plate", "x"})
    store.write([Update(Standing, key, (attr("licence_flags").discard({"business-licence"}),))])
    assert "licence_flags" not in store.get(Standing, key)
    with pytest.raises(ConditionFailed):
        store.write([Delete(Standing, key, attr("grade").eq("QUALIFIED"))])
    store.write([Delete(Standing, key, attr("grade").eq("VIP"))])
    assert store.get(Standing, key) is None
    store.write([Delete(Standing, key)])  # deleting nothing is fine


def test_a_check_alone_fails_or_passes_without_writing(store):
    store.write([Put(Unique, {"key": "k", "owner_id": "o"})])
    store.write([Check(Unique, {"key": "k"}, attr("owner_id").eq("o")),
                 Put(Unique, {"key": "k2", "owner_id": "o2"})])
    with pytest.raises(ConditionFailed) as exc:
        store.write([Put(Unique, {"key": "k3", "owner_id": "o3"}),
                     Check(Unique, {"key": "k"}, attr("owner_id").eq("x"))])
    assert exc.value.failed == [1] and store.get(Unique, {"key": "k3"}) is None


def test_queries_on_the_table_and_on_a_sparse_index(store):
    for n, grade in enumerate(["VIP", "QUALIFIED", "VIP", "PREFERRED", "VIP"]):
        store.write([Put(Standing, standing(f"c{n}", grade, admitted_at=T0 + timedelta(days=n)))])
    store.write([Put(Standing, standing("r1", "VIP", dept="rehab"))])
    everyone = store.query(Standing, "ortho")
    assert [i["customer_id"] for i in everyone.items] == ["c0", "c1", "c2", "c3", "c4"] and everyone.last is None
    backwards = store.query(Standing, "ortho", forward=False, limit=2)
    assert [i["customer_id"] for i in backwards.items] == ["c4", "c3"]
    assert backwards.last == {"dept_id": "ortho", "customer_id": "c3"}
    vips = store.query(Standing, "ortho#VIP", index="by_grade")
    assert [i["customer_id"] for i in vips.items] == ["c0", "c2", "c4"]
    after = store.query(Standing, "ortho#VIP", index="by_grade", sort=attr("customer_id").gt("c0"), limit=1)
    assert [i["customer_id"] for i in after.items] == ["c2"]
    assert after.last == {"dept_id": "ortho", "customer_id": "c2", "dept_grade": "ortho#VIP"}
    filtered = store.query(Standing, "ortho", limit=3, filter=attr("grade").eq("VIP"))
    assert [i["customer_id"] for i in filtered.items] == ["c0", "c2"] and filtered.last is not None  # limit first
    late = store.query(Standing, "ortho", filter=attr("admitted_at").ge(T0 + timedelta(days=3)))
    assert [i["customer_id"] for i in late.items] == ["c3", "c4"]
    assert [i["customer_id"] for i in store.query(Standing, "ortho", sort=attr("customer_id").between(
        "c1", "c3")).items] == ["c1", "c2", "c3"]
    assert store.count(Standing, "ortho#VIP", index="by_grade") == 3
    assert store.count(Standing, "ortho", filter=attr("products").contains("bone-plate")) == 5
    assert store.count(Standing, "ortho", sort=attr("customer_id").begins_with("c1")) == 1


def test_two_operations_on_one_item_are_refused(store):
    with pytest.raises(ValueError):
        store.write([Put(Unique, {"key": "k", "owner_id": "a"}), Delete(Unique, {"key": "k"})])


def test_a_stored_null_reads_as_absent(store):
    """PynamoDB writes NULL for an attribute set to None: both stores read it as absent."""
    if isinstance(store, DynamoStore):
        from portal.adapters import aws

        aws.client("dynamodb").put_item(TableName=Unique.Meta.table_name,
                                        Item={"key": {"S": "k"}, "owner_id": {"NULL": True}})
    else:
        store.write([Put(Unique, {"key": "k", "owner_id": None})])
    assert store.get(Unique, {"key": "k"}) == {"key": "k"}


def test_a_batch_across_tables_answers_every_table_asked(store):
    store.write([Put(Standing, standing("c1")), Put(Unique, {"key": "email#a@b.cn", "owner_id": "u1"})])
    found = store.batch_get_tables({
        Standing: [{"dept_id": "ortho", "customer_id": "c1"}, {"dept_id": "ortho", "customer_id": "nobody"}],
        Unique: [{"key": "email#a@b.cn"}], Counter: [{"dept_id": "ortho", "key": "all"}]})
    assert [i["customer_id"] for i in found[Standing]] == ["c1"]
    assert found[Unique] == [{"key": "email#a@b.cn", "owner_id": "u1"}] and found[Counter] == []
    many = store.batch_get_tables({Standing: [{"dept_id": "ortho", "customer_id": f"c{n}"} for n in range(150)]})
    assert len(many[Standing]) == 1
