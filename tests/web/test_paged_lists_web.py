"""Issue 12 item 4 through the Flask client: the department lists come a page at a time, a next-page link on the
pages and a `cursor` in the API; a forged cursor is a clear 422, never a 500; another department never sees them."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from ulid import ULID

from portal.adapters.clock import utc_now
from portal.adapters.tables import BlacklistEntry
from tests.conftest import api_token, bearer, sign_in

PAGES = ["/staff/departments/ortho/changes", "/staff/tickets/overdue", "/staff/reviews/2027H1/ortho",
         "/staff/blacklist?scope=ortho", "/staff/blacklist?scope=ortho&all=1", "/staff/departments/ortho/visits"]
API = ["/api/v1/departments/ortho/visits", "/api/v1/blacklist?scope=ortho", "/api/v1/blacklist?scope=ortho&all=true"]


def with_cursor(path: str, cursor: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{urlencode({'cursor': cursor})}"


@pytest.mark.parametrize("cursor", ["{nope", "x" * 400, "a", "ab=="])
def test_a_forged_cursor_is_refused_with_422_never_a_500(client, cursor):
    sign_in(client, "ortho.leader@demo.local")
    leader = bearer(api_token(client, "ortho.leader@demo.local"))
    for path in PAGES:
        assert client.get(with_cursor(path, cursor)).status_code == 422, (path, cursor)
    for path in API:
        answer = client.get(with_cursor(path, cursor), headers=leader)
        assert answer.status_code == 422 and "cursor" in answer.get_json()["error"]["fields"], (path, cursor)


def test_a_well_formed_cursor_is_a_place_in_the_list(client):
    sign_in(client, "ortho.leader@demo.local")
    for path in PAGES:
        for cursor in ("AAAA", "_-_-", "enp6"):  # before, after (U+FFFD) and past ("zzz") every key
            assert client.get(with_cursor(path, cursor)).status_code == 200, (path, cursor)
    sign_in(client, "md.admin@demo.local")
    for cursor in ("AAAA", "_-_-", "enp6"):
        assert client.get(with_cursor("/staff/tickets/overdue", cursor)).status_code == 200, cursor


def test_the_blacklist_comes_a_page_at_a_time_and_stays_in_its_department(app):
    now = utc_now()
    with BlacklistEntry.batch_write() as batch:
        for n in range(55):
            for scope in ("ortho", "rehab"):
                batch.save(BlacklistEntry(entry_id=str(ULID()), customer_id=f"c{n}", customer_name=f"名单{scope}{n}",
                                          scope=scope, active=True, reason="违约", listed_by="x", listed_at=now,
                                          active_scope=scope))
    client = app.test_client()
    leader = bearer(api_token(client, "ortho.leader@demo.local"))
    first = client.get("/api/v1/blacklist", query_string={"scope": "ortho"}, headers=leader).get_json()
    assert len(first["items"]) == 50 and first["cursor"]
    second = client.get("/api/v1/blacklist", query_string={"scope": "ortho", "cursor": first["cursor"]},
                        headers=leader).get_json()
    assert len(second["items"]) == 5 and second["cursor"] is None
    names = [e["customer_name"] for e in first["items"] + second["items"]]
    assert len(set(names)) == 55 and all(n.startswith("名单ortho") for n in names)
    assert client.get("/api/v1/blacklist", query_string={"scope": "rehab"}, headers=leader).status_code == 403
    sign_in(client, "ortho.leader@demo.local")
    page = client.get("/staff/blacklist").get_data(as_text=True)
    assert "名单ortho" in page and "名单rehab" not in page and "scope=ortho&amp;cursor=" in page
    more = client.get("/staff/blacklist", query_string={"scope": "ortho", "cursor": first["cursor"]})
    assert more.status_code == 200 and more.get_data(as_text=True).count("名单ortho") == 5
    assert client.get("/staff/blacklist", query_string={"scope": "rehab"}).status_code == 403
