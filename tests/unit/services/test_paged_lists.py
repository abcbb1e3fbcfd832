"""Issue 12 item 4 on the in-memory store: the department lists read a page at a time from sparse indexes —
the next page follows its cursor, a forged cursor is refused (or is only a place in the list), and another
department's records never appear."""

import base64
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from portal.adapters import records
from portal.adapters.repos.dynamics import BlacklistEntries, ChangeTasks
from portal.domain.timeutil import shanghai_day
from portal.services import blacklist, changes, reviews, tickets, visits
from portal.services.context import system_ctx
from portal.services.errors import Invalid
from tests.unit.services.dynamics_world import admitted
from tests.unit.services.ticket_world import customer

MD, LEADER, REP = "md.admin@demo.local", "ortho.leader@demo.local", "ortho.rep@demo.local"
REHAB = "rehab.rep@demo.local"
FORGED = ["{nope", "x" * 400, "a", "ab=="]


def cursor_of(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).rstrip(b"=").decode()


def every_page(read, limit=2) -> list[list]:
    pages, cursor = [], None
    while True:
        page = read(cursor, limit)
        pages.append(page.items)
        assert len(page.items) <= limit
        cursor = page.cursor
        if not cursor:
            return pages


def test_open_change_tasks_page_by_page_and_handled_ones_leave_the_list(fake):
    uow = fake.uow()
    for n in range(5):
        for dept in ("ortho", "rehab"):
            uow.repo(ChangeTasks).file(records.ChangeTask(
                dept_id=dept, task_id=f"01T{n:02d}", customer_id=f"c{n}", customer_name=f"客户{n}", kind="change",
                changes="{}", reported_by="x", at=fake.now, status="open"))
    uow.commit()
    leader = fake.ctx(LEADER)
    pages = every_page(lambda c, n: changes.open_task_page(leader, "ortho", c, n))
    assert [[t.task_id for t in p] for p in pages] == [["01T00", "01T01"], ["01T02", "01T03"], ["01T04"]]
    assert {t.dept_id for p in pages for t in p} == {"ortho"}
    uow = fake.uow()
    uow.repo(ChangeTasks).done(fake.repo(ChangeTasks).find("ortho", "01T01"), LEADER, "已更新")
    uow.commit()
    assert [t.task_id for t in changes.open_task_page(leader, "ortho", limit=2).items] == ["01T00", "01T02"]
    assert changes.open_task_page(leader, "ortho", cursor_of("01T04")).items == []
    for forged in FORGED:
        with pytest.raises(Invalid):
            changes.open_task_page(leader, "ortho", forged)


def test_overdue_tickets_page_by_page_and_a_forged_cursor_never_reaches_another_department(fake):
    filed = {}
    for dept, who in (("ortho", None), ("rehab", "rehab")):
        _c, ctx = customer(fake, dept=who or "ortho")
        filed[dept] = [tickets.file(replace(ctx, now=datetime(2026, 11, 27, 2, n, tzinfo=UTC)), dept, "complaint",
                                    f"投诉{n}", "内容").ticket_id for n in range(3)]
    tickets.escalate_and_autoclose(system_ctx(datetime(2026, 12, 1, tzinfo=UTC), store=fake.store))
    md = every_page(lambda c, n: tickets.overdue_page(fake.ctx(MD), c, n))
    assert sorted(t.ticket_id for p in md for t in p) == sorted(filed["ortho"] + filed["rehab"])
    assert len(md) == 3 and [t.ticket_id for t in tickets.overdue(fake.ctx(MD))] == [t.ticket_id for p in md for t in p]
    rehab = every_page(lambda c, n: tickets.overdue_page(fake.ctx(REHAB), c, n))
    assert [t.ticket_id for p in rehab for t in p] == filed["rehab"]
    for key in ("", "a", "ortho#", "ortho#~", "company#"):  # cursors before rehab's keys: still rehab's only
        page = tickets.overdue_page(fake.ctx(REHAB), cursor_of(key) if key else None, 10)
        assert {t.dept_id for t in page.items} <= {"rehab"} and len(page.items) == 3
    assert tickets.overdue_page(fake.ctx(REHAB), cursor_of("zzz"), 10).items == []
    for forged in FORGED:
        with pytest.raises(Invalid):
            tickets.overdue_page(fake.ctx(REP), forged)


def test_a_cycles_review_tasks_page_by_page(fake):
    ortho = sorted(admitted("ortho", 5, store=fake.store))
    admitted("rehab", 2, products=("walker",), store=fake.store)
    reviews.open_cycle(system_ctx(datetime(2027, 1, 1, 1, tzinfo=UTC), store=fake.store))
    pages = every_page(lambda c, n: reviews.task_page(fake.ctx(LEADER), "2027H1", "ortho", c, n))
    assert [t.customer_id for p in pages for t in p] == ortho and [len(p) for p in pages] == [2, 2, 1]
    with pytest.raises(Invalid):
        reviews.task_page(fake.ctx(LEADER), "2027H1", "ortho", "{nope")


def test_active_listings_and_the_history_page_separately(fake):
    uow = fake.uow()
    for n in range(5):
        for scope in ("ortho", "rehab"):
            uow.repo(BlacklistEntries).list(records.BlacklistEntry(
                entry_id=f"01E{n:02d}{scope}", customer_id=f"c{n}", customer_name=f"客户{n}", scope=scope,
                active=True, reason="违约", listed_by="x", listed_at=fake.now))
    uow.commit()
    first = fake.repo(BlacklistEntries).find("01E00ortho")
    uow = fake.uow()
    uow.repo(BlacklistEntries).end(first, "lifted", "解除", "x", fake.now)
    uow.commit()
    leader = fake.ctx(LEADER)
    active = every_page(lambda c, n: blacklist.entry_page(leader, "ortho", True, c, n))
    assert [e.entry_id for p in active for e in p] == [f"01E{n:02d}ortho" for n in (4, 3, 2, 1)]  # newest first
    history = every_page(lambda c, n: blacklist.entry_page(leader, "ortho", False, c, n))
    assert [e.entry_id for p in history for e in p] == [f"01E{n:02d}ortho" for n in (4, 3, 2, 1, 0)]
    assert blacklist.entry_page(leader, "ortho", True, cursor_of("01E03ortho")).items[0].entry_id == "01E02ortho"
    assert blacklist.entry_page(fake.ctx(MD), "x" * 100).items == []
    with pytest.raises(Invalid):
        blacklist.entry_page(leader, "ortho", True, "{nope")


def test_the_visit_plan_pages_by_day_and_a_grade_change_shows_on_the_badge(fake):
    people = {grade: customer(fake, grade=grade)[0] for grade in ("QUALIFIED", "VIP", "PREFERRED")}
    rehab, _ = customer(fake, dept="rehab")
    clerk = fake.ctx("ortho.clerk@demo.local")
    today = shanghai_day(clerk.now)
    for customer_id in people.values():
        for days in (3, 1):
            visits.plan(clerk, "ortho", customer_id, planned_on=today + timedelta(days=days), mode="phone",
                        purpose="回访", assignee_id=fake.user(REP).user_id)
    visits.plan(fake.ctx(REHAB), "rehab", rehab, planned_on=today, mode="phone", purpose="回访",
                assignee_id=fake.user(REHAB).user_id)
    pages = every_page(lambda c, n: visits.planned_page(fake.ctx(REP), "ortho", c, n))
    order = [(p.visit.planned_on, p.visit.visit_id) for page in pages for p in page]
    assert order == sorted(order) and len(order) == len(set(order)) == 6  # issue 17: by day, each once
    assert [p.grade.value for page in pages for p in page][:3] == ["QUALIFIED", "VIP", "PREFERRED"]  # as planned
    assert all(p.visit.dept_id == "ortho" for page in pages for p in page)
    from tests.unit.services.ticket_world import set_grade

    set_grade(fake, "ortho", people["QUALIFIED"], "VIP")  # the badge shows the grade held now; the order stays
    again = every_page(lambda c, n: visits.planned_page(fake.ctx(REP), "ortho", c, n))
    assert [(p.visit.planned_on, p.visit.visit_id) for page in again for p in page] == order
    assert [p.grade.value for page in again for p in page].count("VIP") == 4
    for forged in FORGED:
        with pytest.raises(Invalid):
            visits.planned_page(fake.ctx(REP), "ortho", forged)
