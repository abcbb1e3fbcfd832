"""Issue 16 item 1: the staff hear that a ticket's SLA deadline is near (before it, not only after), once; the
deadline itself is escalated after it as before; a job that runs late escalates at once."""

from datetime import timedelta

from portal.domain.tickets import SLA_SOON
from portal.services import notifications, tickets
from portal.services.context import system_ctx
from tests.unit.services.ticket_world import customer

LEADER, CLERK, REP = "ortho.leader@demo.local", "ortho.clerk@demo.local", "ortho.rep@demo.local"


def kinds(fake, email) -> list[str]:
    return [i.kind for i in notifications.inbox_page(fake.ctx(email), "zh").items]


def run(fake, at):
    return tickets.escalate_and_autoclose(system_ctx(at, store=fake.store))


def test_staff_are_warned_once_before_the_first_response_is_due_then_it_is_escalated(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "complaint", "投诉", "内容")
    due = ticket.first_response_due
    assert run(fake, due - SLA_SOON - timedelta(minutes=1)).warned == []  # not yet
    first = run(fake, due - SLA_SOON + timedelta(minutes=1))
    assert first.warned == [f"{ticket.ticket_id}:first_response"] and first.escalated == []
    assert kinds(fake, LEADER)[0] == kinds(fake, CLERK)[0] == "ticket_sla_soon"
    [soon] = [i for i in notifications.inbox_page(fake.ctx(CLERK), "en").items if i.kind == "ticket_sla_soon"]
    assert soon.target == f"/staff/tickets/{ticket.ticket_id}" and "投诉" in soon.title and "first response" in \
        soon.detail
    assert run(fake, due - timedelta(minutes=5)).warned == []  # once
    assert kinds(fake, CLERK).count("ticket_sla_soon") == 1
    late = run(fake, due + timedelta(minutes=1))
    assert late.escalated == [f"{ticket.ticket_id}:first_response"] and late.warned == []


def test_a_job_that_runs_after_the_deadline_escalates_at_once_without_a_late_warning(fake):
    _c, ctx = customer(fake)
    ticket = tickets.file(ctx, "ortho", "complaint", "投诉", "内容")
    done = run(fake, ticket.first_response_due + timedelta(hours=1))
    assert done.escalated == [f"{ticket.ticket_id}:first_response"] and done.warned == []
    assert "ticket_sla_soon" not in kinds(fake, CLERK)
