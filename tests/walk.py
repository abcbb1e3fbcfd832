"""One world with a record behind every id a route takes (the access walk and the page-cost bench share it)."""

from __future__ import annotations

from tests.conftest import user_id_of

CUSTOMER_EMAIL = "buyer@customer.cn"


def build_world() -> dict:
    """A customer that applied to and stands in `ortho`, with a document, a ticket and its file, an incident, a
    review cycle, a planned visit, a prospect and a listed customer; returns every id a route may need."""
    from datetime import date

    import time_machine

    from portal.adapters.clock import utc_now
    from portal.adapters.tables import Document
    from portal.domain.timeutil import shanghai_day
    from portal.services import blacklist, contracts, incidents, prospects, reviews, tickets, visits
    from portal.services.context import system_ctx
    from tests.conftest import staff_ctx
    from tests.factories import applied, attach, register, stand, stand_counted

    customer, ctx, app = applied(email=CUSTOMER_EMAIL)
    doc = next(iter(Document.by_customer.query(customer.customer_id)))
    leader = staff_ctx("ortho.leader@demo.local")
    prospect = prospects.create(leader, "ortho", name="潜在客户", email="p@x.cn")
    stand_counted(customer.customer_id, customer.name, "ortho")  # the customer also stands in ortho, for grading
    incident = incidents.record(leader, "ortho", customer.customer_id, "late_payment", "逾期")
    with time_machine.travel("2027-01-01 01:00:00+00:00", tick=False):
        reviews.open_cycle(system_ctx(utc_now()))
    other, _ctx = register(email="listed@x.cn")
    stand(other, "ortho", "QUALIFIED")
    entry = blacklist.list_customer(leader, other.customer_id, "ortho", "违约")
    ticket = tickets.file(ctx, "ortho", "complaint", "投诉", "内容")
    visit = visits.plan(leader, "ortho", customer.customer_id, planned_on=shanghai_day(utc_now()), mode="phone",
                        purpose="回访", assignee_id=user_id_of("ortho.rep@demo.local"))
    contract = contracts.create(leader, "ortho", customer.customer_id,
                                contracts.Terms("GK-2027-001", "骨板年度购销合同", 200_000, date(2027, 1, 1),
                                                date(2027, 12, 31)))
    return {"contract_id": contract.contract_id, "dept_id": "ortho", "user_id": user_id_of("ortho.rep@demo.local"),
            "product_id": "bone-plate",
            "code": "a", "customer_id": customer.customer_id, "doc_id": doc.doc_id, "app_id": app.app_id,
            "prospect_id": prospect.prospect_id, "scope": "ortho", "card_id": "default", "cycle_id": "2027H1",
            "incident_id": incident.incident_id, "entry_id": entry.entry_id,
            "ticket_id": ticket.ticket_id, "file_id": attach(ctx, ticket.ticket_id).event_id,
            "visit_id": visit.visit_id, "token": "no-such-link",
            "proposal_id": "no-such-proposal",
            "nid": "01JNOBODYSNOTIFICATION0000",  # a notification id nobody has: 404 for everyone
            "export_id": "01JNOBODYSEXPORT0000000000",  # an export nobody asked for: 404 for everyone
            "import_id": "01JNOBODYSIMPORT0000000000"}  # a large import nobody started: 404 for everyone
