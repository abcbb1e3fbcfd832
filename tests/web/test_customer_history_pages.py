"""Issue 12 item 4: a customer's histories (documents, grade changes, tickets, visits, its timeline) are read a
page at a time, newest first, with an opaque cursor; what a page must always show (the current version of each
document, open proposals, the last visit made) comes from sparse indexes, whatever the length of the history."""

import re

import pytest

from portal.adapters.repos.grading import GradeChanges
from portal.adapters.repos.timeline import CustomerTimeline
from portal.adapters.uow import UnitOfWork
from portal.services import grading, visits
from tests.conftest import api_token, bearer, sign_in, staff_ctx
from tests.walk import CUSTOMER_EMAIL, build_world
from tests.web.test_page_costs import add_records

MORE = 60  # more records than one page of any of these lists shows


def _world(n: int = MORE) -> dict:
    ids = build_world()
    add_records(n, ids)
    return ids


def _incidents_audited(customer: str, n: int) -> None:
    """n audited incidents of the customer (their audit events only: what its timeline shows)."""
    from portal.adapters.clock import utc_now
    from portal.adapters.tables import AuditEvent
    from portal.services import audit
    from portal.services.context import Ctx

    with AuditEvent.batch_write() as batch:
        for i in range(n):
            batch.save(AuditEvent(**audit.event_fields(
                Ctx(None, utc_now()), "incident.recorded", target_type="customer", target_id=customer,
                dept_id="ortho", detail={"kind": "late_payment", "description": f"逾期{i}"})))


def _api_pages(client, path: str, headers: dict) -> tuple[list, int]:
    """Every item of a paged API list, following its cursors, and how many pages it took."""
    items, cursor, pages = [], None, 0
    while True:
        answer = client.get(path, query_string={"cursor": cursor} if cursor else {}, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        items, cursor, pages = items + body["items"], body["cursor"], pages + 1
        if not cursor:
            return items, pages


def _next_link(html: str, path: str) -> str | None:
    found = re.search(rf'href="({re.escape(path)}\?[^"#]*cursor=[^"#]+)', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _html_pages(client, path: str) -> list[str]:
    """Every page of an HTML list, following its "earlier records" links."""
    pages, url = [], path
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, url
        pages.append(answer.get_data(as_text=True))
        url = _next_link(pages[-1], path)
        assert len(pages) < 20
    return pages


def test_api_grade_history_comes_a_page_at_a_time_newest_first_and_the_pages_add_up(client):
    ids = _world()
    md = bearer(api_token(client, "md.admin@demo.local"))
    path = f"/api/v1/customers/{ids['customer_id']}/grade-history"
    first = client.get(path, headers=md).get_json()
    assert len(first["items"]) == 50 and first["cursor"]
    items, pages = _api_pages(client, path, md)
    got = [c["id"] for c in items]
    everything = [c.change_id for c in UnitOfWork().repo(GradeChanges).of_customer(ids["customer_id"])]
    assert pages >= 2 and got == everything and len(got) >= MORE  # newest first, none twice, none lost
    mine = bearer(api_token(client, CUSTOMER_EMAIL))  # its own users see no proposals, on any page
    assert all(c["kind"] != "proposal" for c in _api_pages(client, path, mine)[0])


def test_api_documents_page_through_every_version_newest_first(client):
    ids = _world()
    md = bearer(api_token(client, "md.admin@demo.local"))
    items, pages = _api_pages(client, f"/api/v1/customers/{ids['customer_id']}/documents", md)
    got = [d["id"] for d in items]
    assert pages >= 2 and len(got) > MORE and got == sorted(got, reverse=True) and len(set(got)) == len(got)
    assert {"verified", "superseded"} <= {d["status"] for d in items}
    assert {d["customer"] for d in items} == {ids["customer_id"]}


@pytest.mark.parametrize("cursor", ["{nope", "x" * 400, "a", "ab=="])
def test_a_forged_cursor_on_a_customer_history_is_refused_not_a_500(client, cursor):
    ids = build_world()
    customer = ids["customer_id"]
    md = bearer(api_token(client, "md.admin@demo.local"))
    for path in (f"/api/v1/customers/{customer}/grade-history", f"/api/v1/customers/{customer}/documents"):
        answer = client.get(path, query_string={"cursor": cursor}, headers=md)
        assert answer.status_code == 422 and "cursor" in answer.get_json()["error"]["fields"], (path, cursor)
    sign_in(client, "md.admin@demo.local")
    for path in (f"/staff/customers/{customer}", f"/staff/customers/{customer}/documents",
                 f"/staff/customers/{customer}/grades", f"/staff/customers/{customer}/timeline"):
        assert client.get(path, query_string={"cursor": cursor}).status_code == 422, (path, cursor)
    buyer = client.application.test_client()
    sign_in(buyer, CUSTOMER_EMAIL)
    for path in ("/customer/documents", "/customer/tickets"):
        assert buyer.get(path, query_string={"cursor": cursor}).status_code == 422, (path, cursor)


def test_another_customers_cursor_gives_nothing_of_theirs(client):
    from tests.factories import register, stand

    ids = _world()
    other, _ctx = register(email="other@x.cn")
    stand(other, "ortho", "QUALIFIED")
    add_records(3, {"customer_id": other.customer_id})
    md = bearer(api_token(client, "md.admin@demo.local"))
    for list_ in ("grade-history", "documents"):
        cursor = client.get(f"/api/v1/customers/{ids['customer_id']}/{list_}", headers=md).get_json()["cursor"]
        theirs = client.get(f"/api/v1/customers/{other.customer_id}/{list_}", query_string={"cursor": cursor},
                            headers=md)
        assert theirs.status_code == 200
        own = {i["id"] for i in _api_pages(client, f"/api/v1/customers/{other.customer_id}/{list_}", md)[0]}
        assert {i["id"] for i in theirs.get_json()["items"]} <= own, list_
    rep = bearer(api_token(client, "ortho.rep@demo.local"))
    docs = client.get(f"/api/v1/customers/{other.customer_id}/documents", headers=rep, query_string={
        "cursor": client.get(f"/api/v1/customers/{ids['customer_id']}/documents", headers=rep).get_json()["cursor"]})
    assert {d["customer"] for d in docs.get_json()["items"]} <= {other.customer_id}


def test_the_customer_sees_its_current_documents_whatever_the_history_and_pages_back_through_it(client):
    ids = _world()  # 60 uploads newer than the verified ones
    sign_in(client, CUSTOMER_EMAIL)
    pages = _html_pages(client, "/customer/documents")
    current = pages[0].split('id="current-documents"')[1].split("</section>")[0]
    assert current.count("<tr><td>") >= 1 and "superseded" not in current and "旧" not in current
    history_rows = [p.split('id="document-history"')[1].count("<tr><td>") for p in pages]
    assert history_rows[0] == 50 and sum(history_rows) > MORE and len(pages) >= 2
    assert 'id="current-documents"' not in pages[1]  # later pages: the history only
    home = client.get("/customer/").get_data(as_text=True)
    checklist = home.split('class="checklist"')[1].split("</ul>")[0]
    assert 'class="ok"' in checklist and 'class="todo"' not in checklist  # every required type is verified
    assert ids["doc_id"] in pages[0]


def test_the_customer_pages_back_through_its_tickets(client):
    _world()
    sign_in(client, CUSTOMER_EMAIL)
    pages = _html_pages(client, "/customer/tickets")
    rows = [p.split("<tbody>")[1].split("</tbody>")[0].count("<tr>") for p in pages]
    assert rows[0] == 50 and sum(rows) == MORE + 1  # the world's ticket and 60 more, each once


def test_staff_page_back_through_grades_timeline_visits_and_document_versions(client):
    ids = _world()
    customer = ids["customer_id"]
    sign_in(client, "md.admin@demo.local")
    grades = _html_pages(client, f"/staff/customers/{customer}/grades")
    assert len(grades) >= 2 and sum(p.split("<tbody>")[1].count("<tr>") for p in grades) == len(
        UnitOfWork().repo(GradeChanges).of_customer(customer))
    _incidents_audited(customer, MORE)  # the timeline: the audited changes (grade changes came with the world)
    timeline = _html_pages(client, f"/staff/customers/{customer}/timeline")
    events = sum(p.count('<li class="tl-') for p in timeline)
    # issue 17: the timeline is every audited change of the customer's records (MD sees them all), each once
    expected = len(UnitOfWork().repo(CustomerTimeline).all(customer, index="by_customer"))
    assert expected > 2 * MORE
    assert len(timeline) >= 3 and timeline[0].count('<li class="tl-') == 40 and events == expected
    archive = _html_pages(client, f"/staff/customers/{customer}")
    visit_rows = [p.split('id="customer-visits"')[1].split("</tbody>")[0].count("<tr><td>") for p in archive]
    assert visit_rows[0] == 20 and sum(visit_rows) == MORE + 1
    assert f"/staff/customers/{customer}/documents" in archive[0]
    versions = _html_pages(client, f"/staff/customers/{customer}/documents")
    assert sum(p.split("<tbody>")[1].count("<tr>") for p in versions) > MORE and ids["doc_id"] in versions[-1]


def test_the_standing_shows_open_proposals_and_the_last_visit_made_under_a_long_history(client):
    ids = build_world()
    customer, rep = ids["customer_id"], staff_ctx("ortho.rep@demo.local")
    proposal = grading.propose(rep, "ortho", customer, "PREFERRED", "回款良好，建议升级", None)
    made = visits.record(rep, ids["visit_id"], "done", "客户反馈良好", None)
    add_records(MORE, ids)  # 60 newer declined proposals and 60 newer planned visits
    sign_in(client, "ortho.leader@demo.local")
    page = client.get(f"/staff/departments/ortho/customers/{customer}").get_data(as_text=True)
    assert proposal.change_id in page and "回款良好，建议升级" in page
    assert f'<span id="last-visit">{made.planned_on}</span>' in page
    grading.decline(staff_ctx("ortho.leader@demo.local"), "ortho", customer, proposal.change_id, "暂不升级")
    assert proposal.change_id not in client.get(f"/staff/departments/ortho/customers/{customer}").get_data(
        as_text=True)


def test_api_timeline_staff_and_own_pages_add_up_and_the_own_view_hides_staff_only_facts(client):
    ids = _world()
    customer = ids["customer_id"]
    _incidents_audited(customer, MORE)
    md = bearer(api_token(client, "md.admin@demo.local"))
    items, pages = _api_pages(client, f"/api/v1/customers/{customer}/timeline", md)
    expected = len(UnitOfWork().repo(CustomerTimeline).all(customer, index="by_customer"))
    assert pages >= 3 and len(items) == expected  # every audited change, each once
    assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)
    assert any(i["action"] == "incident.recorded" for i in items)
    mine = bearer(api_token(client, CUSTOMER_EMAIL))
    own, _pages = _api_pages(client, "/api/v1/timeline", mine)
    assert own and not any(i["action"] in ("incident.recorded", "grade.proposed") for i in own)
    assert client.get(f"/api/v1/customers/{customer}/timeline", headers=mine).status_code == 403
    assert client.get("/api/v1/timeline", headers=md).status_code == 403  # staff read it by the customer's id
    rehab = bearer(api_token(client, "rehab.leader@demo.local"))
    assert client.get(f"/api/v1/customers/{customer}/timeline", headers=rehab).status_code == 403  # SEC-1
