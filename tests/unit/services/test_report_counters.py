"""Issue 12 item 4: the ticket report (CMP-3, REL-5) and review progress (REV-3) read counters moved with the
writes; in a varied world their numbers are exactly those of counting every ticket and task again."""

import random
from datetime import UTC, datetime, timedelta

from portal.services import review_progress, reviews, ticket_reports, tickets
from portal.services.context import system_ctx
from tests.unit.services.dynamics_world import admitted
from tests.unit.services.ticket_world import customer

MD, LEADER, REP = "md.admin@demo.local", "ortho.leader@demo.local", "ortho.rep@demo.local"
REHAB = "rehab.rep@demo.local"
KINDS = ("complaint", "service", "dispute", "consultation", "complaint")


def numbers(report) -> tuple:
    """Everything the report shows (repeat complainers as a set: ties may come in another order)."""
    return (report.total, dict(report.by_kind), dict(report.by_category), dict(report.by_channel), report.resolved,
            report.resolved_in_time, report.sla_hit_rate, report.satisfaction, report.rated,
            sorted(report.repeat_complainers))


def test_the_ticket_report_from_counters_is_the_report_counted_ticket_by_ticket(fake):
    rng = random.Random(12)
    people = [(*customer(fake, name=f"客户{n}"), "ortho") for n in range(4)]
    people += [(*customer(fake, dept="rehab", name=f"康复客户{n}"), "rehab") for n in range(2)]
    start = fake.now - timedelta(days=40)
    filed = []
    for n in range(60):  # over 40 days, at any hour: periods start in the middle of a day
        when = start + timedelta(hours=rng.randrange(0, 40 * 24), minutes=rng.randrange(60))
        customer_id, ctx, home = rng.choice(people)
        dept = home if home == "rehab" else rng.choice(("ortho", "ortho", "company"))
        kind = rng.choice(KINDS)
        if rng.random() < 0.3:  # entered by staff, received offline
            staff = fake.ctx(REHAB if dept == "rehab" else (MD if dept == "company" else REP), now=when)
            ticket = tickets.file(staff, dept, kind, f"工单{n}", "内容", customer_id=customer_id,
                                  channel=rng.choice(("hotline", "in_person", "email")))
        else:
            category = "产品质量 | Product quality" if dept == "ortho" and rng.random() < 0.5 else None
            ticket = tickets.file(_at(ctx, when), dept, kind, f"工单{n}", "内容", category=category)
        filed.append((ticket, ctx, when, dept))
    for ticket, ctx, when, dept in filed:  # some resolved (in time or late), closed with a rating, reopened
        if dept == "company" or rng.random() < 0.3:
            continue
        staff = fake.ctx(REHAB if dept == "rehab" else REP, now=when + timedelta(days=rng.choice((0, 1, 9))))
        tickets.advance(staff, ticket.ticket_id, "resolved", "已处理")
        fate = rng.random()
        if fate < 0.5:
            tickets.close(_at(ctx, staff.now + timedelta(hours=1)), ticket.ticket_id, rng.randint(1, 5), None)
        elif fate < 0.7:
            tickets.reopen(_at(ctx, staff.now + timedelta(hours=1)), ticket.ticket_id, "还没好")
    for hours_later in (0, 7, 30, 24 * 12):
        for who, scope in ((MD, None), (MD, "company"), (MD, "ortho"), (LEADER, None), (LEADER, "ortho"),
                           (REHAB, "rehab")):
            for days in (1, 2, 5, 17, 30, 90):
                ctx = fake.ctx(who, now=fake.now + timedelta(hours=hours_later))
                counted = numbers(ticket_reports.recount(ctx, scope, days))
                assert numbers(ticket_reports.build(ctx, scope, days)) == counted, (who, scope, days, hours_later)
    assert numbers(ticket_reports.build(fake.ctx(MD), None, 90))[0] == 60


def _at(ctx, when):
    from dataclasses import replace

    return replace(ctx, now=when)


def test_the_report_reads_two_queries_whatever_the_number_of_tickets(fake):
    _customer_id, ctx = customer(fake)
    for n in range(30):
        tickets.file(_at(ctx, fake.now - timedelta(hours=n)), "ortho", "complaint", f"投诉{n}", "x")
    md = fake.ctx(MD)
    fake.store.calls.clear()
    report = ticket_reports.build(md, None, 30)
    assert report.total == 30 and fake.store.calls == ["Query", "Query"]


JAN_1 = datetime(2027, 1, 1, 1, tzinfo=UTC)


def test_review_progress_from_counters_is_the_progress_counted_task_by_task(fake):
    rng = random.Random(3)
    ortho = admitted("ortho", 25, store=fake.store)
    admitted("rehab", 6, products=("walker",), store=fake.store)
    assert not reviews.open_cycle(system_ctx(JAN_1, store=fake.store)).already_open
    form = reviews.StageEvaluation("good", "on_time", "good", 0, 80, "QUALIFIED", "良好")
    for customer_id in ortho:
        fate = rng.random()
        if fate < 0.3:
            continue
        task = reviews.get_task(fake.ctx(LEADER, now=JAN_1), "2027H1", "ortho", customer_id)
        task = reviews.submit(fake.ctx(REP, now=JAN_1), "2027H1", "ortho", customer_id, form, task.version)
        if fate > 0.5:  # submitted again, then perhaps decided
            task = reviews.submit(fake.ctx(REP, now=JAN_1), "2027H1", "ortho", customer_id, form, task.version)
        if fate > 0.7:
            reviews.decide(fake.ctx(LEADER, now=JAN_1), "2027H1", "ortho", customer_id, "QUALIFIED", "维持",
                           task.version)
    for day in (0, 29, 30, 31, 60):  # before, on and after the due day
        for who in (MD, LEADER, REHAB):
            ctx = fake.ctx(who, now=JAN_1 + timedelta(days=day))
            assert reviews.progress(ctx, "2027H1") == review_progress.recount(ctx, "2027H1"), (who, day)
    ortho_now = {p.dept_id: p for p in reviews.progress(fake.ctx(MD, now=JAN_1 + timedelta(days=60)), "2027H1")}
    assert ortho_now["ortho"].open + ortho_now["ortho"].submitted + ortho_now["ortho"].decided == 25
    assert ortho_now["ortho"].overdue == 25 - ortho_now["ortho"].decided > 0
