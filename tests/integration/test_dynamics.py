"""Dynamic management end to end on moto: the scheduled functions run from the shell, and a whole year played
with a travelling clock through admission, reviews, incidents and the blacklist.

INC-1…3 and REV-1…4 themselves run on the in-memory store: tests/unit/services/test_incidents.py, test_reviews.py.
"""

import json
import os
import subprocess
import sys

import time_machine

from portal.adapters.clock import utc_now
from portal.adapters.tables import ReviewTask, Standing
from portal.services import applications, blacklist, grading, incidents, reviews
from portal.services.context import Ctx, system_ctx
from tests.conftest import staff_ctx as staff
from tests.factories import admitted, all_required_documents, register
from tests.integration.test_admission import review_to_admission

LEADER = "ortho.leader@demo.local"


def test_functions_run_from_the_shell_against_the_configured_endpoint():
    """`python -m functions.<name> --now …` with the environment `make run` prints."""
    from portal.local import start_backend

    stack = start_backend(moto_port=5397, portal_url="http://127.0.0.1:5396", env="test", demo_customers=True)
    try:
        env = {**os.environ, **stack.environment}
        command = [sys.executable, "-m", "functions.open_review_cycle", "--now", "2027-01-01T00:05:00+08:00"]
        out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        assert result["cycle"] == "2027H1" and result["created"] == 15 and not result["already_open"]
        out = subprocess.run([sys.executable, "-m", "functions.expire_blacklist", "--now", "2027-07-15T00:01:00+08:00"],
                             capture_output=True, text=True, env=env, timeout=60)
        assert out.returncode == 0 and json.loads(out.stdout)["day"] == "2027-07-15"
    finally:
        stack.stop()


def test_a_whole_year_with_a_travelling_clock(app):
    """Cycles open, reviews are done or escalated, a VIP is downgraded after an incident, a customer is
    blacklisted, expires and re-enters as 合格."""
    admitted("ortho", 19)
    buyer, ctx = register(name="全年客户有限公司")
    all_required_documents(ctx)

    def at(iso):
        return time_machine.travel(iso, tick=False)

    with at("2027-01-01 00:30:00+08:00"):
        app_ = applications.submit(Ctx(ctx.actor, utc_now(), ctx.ip), "ortho", ["bone-plate"])
        app_ = review_to_admission(app_)
        applications.decide(staff(LEADER), app_.app_id, True, "准入", app_.version)
        assert reviews.open_cycle(system_ctx(utc_now())).cycle_id == "2027H1"
    with at("2027-01-10 10:00:00+08:00"):
        task = reviews.get_task(staff(LEADER), "2027H1", "ortho", buyer.customer_id)
        task = reviews.submit(staff("ortho.rep@demo.local"), "2027H1", "ortho", buyer.customer_id,
                              reviews.StageEvaluation("good", "on_time", "good", 0, 95, "VIP"), task.version)
        reviews.decide(staff(LEADER), "2027H1", "ortho", buyer.customer_id, "VIP", "年度优秀", task.version)
    with at("2027-02-01 09:00:00+08:00"):
        escalated = reviews.escalate_overdue(system_ctx(utc_now()))
        assert len(escalated) == 19  # the others were not reviewed in time
    with at("2027-03-10 14:00:00+08:00"):
        incidents.record(staff("ortho.clerk@demo.local"), "ortho", buyer.customer_id, "late_payment", "逾期回款")
    with at("2027-03-13 10:00:00+08:00"):
        grading.change(staff(LEADER), "ortho", buyer.customer_id, "PREFERRED", "INC-2 事件后降级",
                       no_evaluation_reason="测试准备：不经评价直接调整")
    with at("2027-03-20 10:00:00+08:00"):
        assert incidents.escalate_overdue_downgrades(system_ctx(utc_now())).escalated == []
    with at("2027-04-01 10:00:00+08:00"):
        entry = blacklist.list_customer(staff(LEADER), buyer.customer_id, "ortho", "再次严重违约")
        assert entry.expires_on == "2027-10-01"
        assert Standing.count("ortho", Standing.customer_id == buyer.customer_id) == 0
    with at("2027-07-01 00:05:00+08:00"):
        h2 = reviews.open_cycle(system_ctx(utc_now()))
        assert h2.cycle_id == "2027H2" and h2.created == 19  # the listed customer has no standing to review
    with at("2027-09-30 23:59:00+08:00"):
        assert blacklist.expire_due(system_ctx(utc_now())).expired == []
    with at("2027-10-01 00:01:00+08:00"):
        assert blacklist.expire_due(system_ctx(utc_now())).expired == [entry.entry_id]
    with at("2027-10-08 10:00:00+08:00"):
        again = applications.submit(Ctx(ctx.actor, utc_now(), ctx.ip), "ortho", ["bone-plate"], requested_grade="VIP")
        again = review_to_admission(again)
        again = applications.decide(staff(LEADER), again.app_id, True, "情况已重大变化", again.version)
        applications.approve_reentry(staff("leader@demo.local"), again.app_id, "同意重新准入", again.version)
    assert Standing.get("ortho", buyer.customer_id).grade == "QUALIFIED"
    timeline = [c.kind for c in grading.history(staff(LEADER), buyer.customer_id)]
    assert timeline.count("change") == 2 and "left" in timeline
    assert ReviewTask.get("2027H1", f"ortho#{buyer.customer_id}").decided_grade == "VIP"
