"""OBL-1: reported changes and cancellations become tasks for each department the customer deals with."""

import pytest

from portal.adapters.tables import ChangeTask, Counter, Customer, Standing
from portal.services import changes
from portal.services.errors import Conflict, Forbidden, Invalid
from tests.conftest import staff_ctx as staff
from tests.factories import register, stand_counted, upload


def stands(customer, dept, product):
    stand_counted(customer.customer_id, customer.name, dept, (product,))


def test_OBL_1_change_is_applied_by_each_department(app):
    customer, ctx = register()
    stands(customer, "ortho", "bone-plate")
    stands(customer, "rehab", "walker")
    with pytest.raises(Invalid) as exc:
        changes.report(ctx, "change", {"name": "新名称有限公司"}, None)
    assert "licence_doc" in exc.value.fields
    licence = upload(ctx, "business-licence", filename="变更后营业执照.pdf")
    tasks = changes.report(ctx, "change", {"name": "新名称有限公司", "address": "上海市徐汇区"}, licence.doc_id)
    assert sorted(t.dept_id for t in tasks) == ["ortho", "rehab"]
    with pytest.raises(Forbidden):
        changes.handle(staff("rehab.leader@demo.local"), "ortho", tasks[0].task_id, "x")
    changes.handle(staff("ortho.leader@demo.local"), "ortho", tasks[0].task_id, "已更新档案")
    record = Customer.get(customer.customer_id)
    assert (record.name, record.address) == ("新名称有限公司", "上海市徐汇区")
    with pytest.raises(Conflict):
        changes.handle(staff("ortho.leader@demo.local"), "ortho", tasks[0].task_id, "again")
    assert [t.task_id for t in changes.open_tasks(staff("rehab.rep@demo.local"), "rehab")] == [tasks[0].task_id]


def test_OBL_1_cancellation_ends_the_standing_never_blocked_by_quota(app):
    customer, ctx = register()
    stands(customer, "ortho", "bone-plate")
    [task] = changes.report(ctx, "cancellation", {}, None)
    changes.handle(staff("ortho.leader@demo.local"), "ortho", task.task_id, "客户已注销")
    assert Standing.count("ortho", Standing.customer_id == customer.customer_id) == 0
    assert int(Counter.get("ortho", "all").total) == 0
    assert Customer.get(customer.customer_id).cancelled is True
    assert ChangeTask.get("ortho", task.task_id).status == "done"


def test_only_customers_report(app):
    with pytest.raises(Forbidden):
        changes.report(staff("ortho.rep@demo.local"), "cancellation", {}, None)
