"""DESIGN rule 3: one request sees one moment; every service it calls gets the same `now`."""

from tests.conftest import csrf_token, sign_in
from tests.factories import admitted


def test_a_page_reads_the_clock_once(app, monkeypatch):
    import portal.web
    from portal.adapters.clock import utc_now

    [customer] = admitted("ortho", 1)
    client = app.test_client()
    sign_in(client, "ortho.leader@demo.local")
    reads = []

    def counted():
        reads.append(utc_now())
        return reads[-1]

    monkeypatch.setattr(portal.web, "utc_now", counted)
    page = client.get(f"/staff/departments/ortho/customers/{customer}")
    assert page.status_code == 200
    assert len(reads) == 1  # the session check and every service on the page share it
    token = csrf_token(client, f"/staff/departments/ortho/customers/{customer}")
    reads.clear()
    changed = client.post(f"/staff/departments/ortho/customers/{customer}/grade",
                          data={"grade": "QUALIFIED", "reason": "x", "csrf_token": token})
    assert changed.status_code == 200 and 'id="grade-error"' in changed.get_data(as_text=True)  # already 合格
    assert len(reads) == 1
