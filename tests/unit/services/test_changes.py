"""OBL-1 on the in-memory store: reported changes and cancellations become tasks for each department the
customer deals with; handling one changes the record, or ends the standing (QTA-5), in one transaction."""

import json

import pytest

from portal.adapters import records
from portal.adapters.repos.customers import Customers
from portal.adapters.repos.dynamics import ChangeTasks
from portal.adapters.repos.grading import GradeChanges
from portal.services import changes, grading
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.unit.services.dynamics_world import (
    LEADER,
    audit_of,
    counts,
    customer,
    put,
    stand_counted,
    standing,
    today,
    verified_document,
)


def stands(world, customer_id, dept, product):
    stand_counted(customer_id, "上海康健医疗器械有限公司", dept, (product,), store=world.store)


def test_OBL_1_change_is_applied_by_each_department(fake):
    customer_id, email = customer(fake)
    stands(fake, customer_id, "ortho", "bone-plate")
    stands(fake, customer_id, "rehab", "walker")
    ctx = fake.ctx(email)
    with pytest.raises(Invalid) as exc:
        changes.report(ctx, "change", {"name": "新名称有限公司"}, None)
    assert "licence_doc" in exc.value.fields
    other_id, _ = customer(fake, email="other@x.cn")
    for foreign in (verified_document(fake, other_id), "no-such-document"):  # only its own verified documents
        with pytest.raises(Invalid) as exc:
            changes.report(ctx, "change", {"name": "新名称有限公司"}, foreign)
        assert "licence_doc" in exc.value.fields
    licence = verified_document(fake, customer_id)
    tasks = changes.report(ctx, "change", {"name": "新名称有限公司", "address": "上海市徐汇区", "email": "x"}, licence)
    assert sorted(t.dept_id for t in tasks) == ["ortho", "rehab"]
    assert json.loads(tasks[0].changes) == {"name": "新名称有限公司", "address": "上海市徐汇区"}
    with pytest.raises(Forbidden):
        changes.handle(fake.ctx("rehab.leader@demo.local"), "ortho", tasks[0].task_id, "x")
    with pytest.raises(Invalid):
        changes.handle(fake.ctx(LEADER), "ortho", tasks[0].task_id, "  ")
    before = fake.repo(Customers).find(customer_id).version
    changes.handle(fake.ctx(LEADER), "ortho", tasks[0].task_id, "已更新档案")
    record = fake.repo(Customers).find(customer_id)
    assert (record.name, record.address) == ("新名称有限公司", "上海市徐汇区")
    assert record.version == before + 1  # forms opened on the old record are stale now (it was reset to 1)
    with pytest.raises(Conflict):
        changes.handle(fake.ctx(LEADER), "ortho", tasks[0].task_id, "again")
    with pytest.raises(NotFound):
        changes.handle(fake.ctx(LEADER), "ortho", "no-such-task", "x")
    assert [t.task_id for t in changes.open_tasks(fake.ctx("rehab.rep@demo.local"), "rehab")] == [tasks[0].task_id]
    assert changes.open_tasks(fake.ctx(LEADER), "ortho") == []
    [event] = [e for e in audit_of(fake, today(fake), "customer.change_handled")]
    assert (event["actor_email"], json.loads(event["detail"])["note"]) == (LEADER, "已更新档案")


def test_OBL_1_an_open_application_gets_a_task_too(fake):
    customer_id, email = customer(fake)
    put(fake, records.Application(app_id="a1", customer_id=customer_id, customer_name="客户", dept_id="rehab",
                                  products={"walker"}, status="submitted", submitted_at=fake.now, version=1))
    [task] = changes.report(fake.ctx(email), "cancellation", {}, None)
    assert task.dept_id == "rehab" and task.kind == "cancellation"


def test_OBL_1_cancellation_ends_the_standing_never_blocked_by_quota(fake):
    customer_id, email = customer(fake)
    stands(fake, customer_id, "ortho", "bone-plate")
    [task] = changes.report(fake.ctx(email), "cancellation", {}, None)
    changes.handle(fake.ctx(LEADER), "ortho", task.task_id, "客户已注销")
    assert standing(fake, "ortho", customer_id) is None
    assert counts(fake) == (0, 0, 0)
    assert fake.repo(Customers).find(customer_id).cancelled is True
    assert fake.repo(ChangeTasks).find("ortho", task.task_id).status == "done"
    [left] = [c for c in fake.repo(GradeChanges).of_customer(customer_id) if c.kind == "left"]
    assert left.reason == "注销：客户已注销"
    [ended] = audit_of(fake, today(fake), "standing.ended")
    assert json.loads(ended["detail"]) == {"grade": "QUALIFIED", "reason": "注销：客户已注销"}


def test_OBL_1_a_vip_leaving_fixes_a_department_over_quota(fake):
    from tests.factories import admitted

    customers = admitted("ortho", 19, store=fake.store)
    customer_id, email = customer(fake)
    stands(fake, customer_id, "ortho", "bone-plate")  # 20: 3 VIP places
    leader = fake.ctx(LEADER)
    for c in (customer_id, *customers[:2]):
        grading.change(leader, "ortho", c, "VIP", "优秀", no_evaluation_reason="测试准备：不经评价直接调整")
    grading.end_standing(leader, "ortho", customers[5], "停业")  # 19 left, 3 VIP: over quota (QTA-5)
    assert grading.quota(leader, "ortho").over
    [task] = changes.report(fake.ctx(email), "cancellation", {}, None)
    changes.handle(leader, "ortho", task.task_id, "客户已注销")
    assert counts(fake) == (18, 2, 0) and grading.quota(leader, "ortho").over == []


def test_only_customers_report(fake):
    with pytest.raises(Forbidden):
        changes.report(fake.ctx("ortho.rep@demo.local"), "cancellation", {}, None)


def test_OBL_1_a_report_names_its_kind_and_a_change(fake):
    customer_id, email = customer(fake)
    with pytest.raises(Invalid) as exc:
        changes.report(fake.ctx(email), "merger", {}, None)
    assert "kind" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        changes.report(fake.ctx(email), "change", {"name": "  "}, verified_document(fake, customer_id))
    assert set(exc.value.fields) == {"name"}

