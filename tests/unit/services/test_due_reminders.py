"""Issue 16 item 1: before the deadline, not only after — a department's leaders and MD hear of a VIP downgrade
due within 2 days and of review tasks due in 7 days (one notice with their number, from the to-do counters),
once a day whatever the runs; nothing after the deadline or before the notice."""

from datetime import UTC, date, datetime, time, timedelta

from portal.adapters.repos.dynamics import ReviewTasks
from portal.services import incidents, notifications, reminders, reviews
from portal.services.context import system_ctx
from tests.unit.services.dynamics_world import LEADER, MD, vip_customers


def kinds(fake, email) -> list[str]:
    return [i.kind for i in notifications.inbox_page(fake.ctx(email), "zh").items]


def test_a_vip_downgrade_due_within_two_days_is_told_once_before_its_deadline(fake):
    vip = vip_customers(fake)[0]
    incident = incidents.record(fake.ctx(LEADER), "ortho", vip, "late_payment", "逾期")
    due = incident.downgrade_due_at
    assert reminders.send_daily(system_ctx(due - timedelta(days=3), store=fake.store)).downgrades == []  # early
    run = reminders.send_daily(system_ctx(due - timedelta(hours=30), store=fake.store))  # the day before, 10:00
    assert run.downgrades == [incident.incident_id] and run.failed == []
    assert reminders.send_daily(system_ctx(due - timedelta(hours=28), store=fake.store)).downgrades == []  # once a day
    assert "downgrade_due" in kinds(fake, LEADER) and "downgrade_due" in kinds(fake, MD)
    [item] = [i for i in notifications.inbox_page(fake.ctx(LEADER), "en").items if i.kind == "downgrade_due"]
    assert item.target == f"/staff/departments/ortho/customers/{vip}" and "downgrade is due by" in item.detail
    assert reminders.send_daily(system_ctx(due + timedelta(hours=1), store=fake.store)).downgrades == []  # past


def test_review_tasks_due_in_seven_days_are_told_with_their_number(fake):
    vip_customers(fake)
    reviews.open_cycle(system_ctx(fake.now, store=fake.store))
    day = date.fromisoformat(fake.repo(ReviewTasks).overdue("9999")[0].due_on)  # every open task
    moment = datetime.combine(day - timedelta(days=7), time(2), tzinfo=UTC)  # 10:00 in Shanghai, 7 days before
    assert reminders.send_daily(system_ctx(moment - timedelta(days=1), store=fake.store)).reviews == []
    run = reminders.send_daily(system_ctx(moment, store=fake.store))
    assert run.reviews == ["ortho"] and run.failed == []
    [item] = [i for i in notifications.inbox_page(fake.ctx(LEADER), "zh").items if i.kind == "review_due"]
    assert "20" in item.title and day.isoformat() in item.title and item.target == "/staff/reviews"
    assert reminders.send_daily(system_ctx(moment + timedelta(hours=1), store=fake.store)).reviews == []
