"""BLK-2 and BLK-6 through admission, on moto: a listed customer cannot apply in scope; re-entry after a listing.

The blacklist's own rules (BLK-1…7, QTA-5) run on the in-memory store: tests/unit/services/test_blacklist.py.
"""

import pytest

from portal.adapters.tables import Standing
from portal.services import applications, blacklist, grading
from portal.services.errors import Conflict, Forbidden, Invalid
from tests.conftest import staff_ctx as staff
from tests.factories import admitted, all_required_documents, register
from tests.integration.test_admission import review_to_admission


def test_BLK_2_listed_customer_cannot_apply_in_scope_but_can_elsewhere(app):
    customer, ctx = register()
    all_required_documents(ctx)
    blacklist.list_customer(staff("ortho.leader@demo.local"), customer.customer_id, "ortho", "违约")
    with pytest.raises(Forbidden):
        applications.submit(ctx, "ortho", ["bone-plate"])
    assert applications.submit(ctx, "rehab", ["walker"]).status == "submitted"


def test_BLK_2_company_listed_customer_cannot_apply_anywhere(app):
    customer, ctx = register()
    all_required_documents(ctx)
    blacklist.list_customer(staff("md.admin@demo.local"), customer.customer_id, "company", "欺诈")
    for dept, product in (("ortho", "bone-plate"), ("rehab", "walker")):
        with pytest.raises(Forbidden):
            applications.submit(ctx, dept, [product])


def test_BLK_6_reentry_needs_both_approvals_and_enters_as_qualified(app):
    customer, ctx = register()
    all_required_documents(ctx)
    app_ = applications.submit(ctx, "ortho", ["bone-plate"])
    app_ = review_to_admission(app_)
    applications.decide(staff("ortho.leader@demo.local"), app_.app_id, True, "同意", app_.version)
    admitted("ortho", 19)
    grading.change(staff("ortho.leader@demo.local"), "ortho", customer.customer_id, "VIP", "优秀",
                   no_evaluation_reason="测试准备：不经评价直接调整")
    entry = blacklist.list_customer(staff("ortho.leader@demo.local"), customer.customer_id, "ortho", "严重违约")
    blacklist.lift(staff("ortho.leader@demo.local"), entry.entry_id, "情况发生重大变化")
    again = applications.submit(ctx, "ortho", ["bone-plate"], requested_grade="VIP")
    assert again.reentry and again.requested_grade == "VIP"
    again = review_to_admission(again)
    pending = applications.decide(staff("ortho.leader@demo.local"), again.app_id, True, "部门同意", again.version)
    assert pending.status == "submitted" and pending.dm_approval  # still pending: one approver only
    with pytest.raises(Forbidden):
        applications.approve_reentry(staff("md.admin@demo.local"), again.app_id, "x", pending.version)
    done = applications.approve_reentry(staff("leader@demo.local"), again.app_id, "公司领导同意", pending.version)
    assert done.status == "admitted"
    assert Standing.get("ortho", customer.customer_id).grade == "QUALIFIED"  # whatever it had or asked


def test_BLK_6_leadership_may_approve_first(app):
    customer, ctx = register()
    all_required_documents(ctx)
    entry = blacklist.list_customer(staff("md.admin@demo.local"), customer.customer_id, "company", "核实")
    blacklist.lift(staff("md.admin@demo.local"), entry.entry_id, "已整改")
    app_ = applications.submit(ctx, "rehab", ["walker"])
    app_ = review_to_admission(app_, leader="rehab.leader@demo.local", rep="rehab.rep@demo.local")
    first = applications.approve_reentry(staff("leader@demo.local"), app_.app_id, "同意", app_.version)
    assert first.status == "submitted"
    done = applications.decide(staff("rehab.leader@demo.local"), app_.app_id, True, "同意", first.version)
    assert done.status == "admitted"


def test_BLK_6_retail_reentry_is_reviewed_too(app):
    customer, ctx = register(kind="retail")
    all_required_documents(ctx)
    entry = blacklist.list_customer(staff("md.admin@demo.local"), customer.customer_id, "company", "欺诈")
    blacklist.lift(staff("md.admin@demo.local"), entry.entry_id, "整改")
    app_ = applications.submit(ctx, "rehab", ["walker"])
    assert app_.status == "submitted" and app_.reentry and not app_.confirm_only
    with pytest.raises(Conflict):  # no one-click confirmation after a blacklisting: the full review (BLK-6)
        applications.confirm(staff("rehab.rep@demo.local"), app_.app_id, app_.version)
    with pytest.raises(Invalid):
        applications.decide(staff("rehab.leader@demo.local"), app_.app_id, True, "同意", app_.version)
