"""Admission where it meets what is not on the unit of work yet, on moto: the blacklist and prospect services,
and S3's presigned links. Everything else of ADM-*, ONB-*, GRD-4, SEC-1 runs on the in-memory store
(tests/unit/services/test_admission.py, test_registration.py, test_documents.py)."""

import pytest

from portal.adapters.clock import utc_now
from portal.adapters.tables import Document, Prospect
from portal.services import applications, customers, documents, prospects
from portal.services.errors import Conflict, Forbidden, NotFound
from tests.conftest import staff_ctx as staff
from tests.conftest import user_id_of  # noqa: F401  (other modules import it from here)
from tests.factories import (
    applied,
    register,
    review_to_admission,  # noqa: F401  (other modules import it from here)
)


def test_ONB_1_every_customer_is_recorded_each_department_keeps_its_own_lists_md_sees_all(app):
    from portal.services import blacklist
    from tests.factories import stand

    extra = {"medical": {"hospital_level": "三级甲等", "beds": 800}}
    registered = {kind: register(kind=kind, **extra.get(kind, {}))[0]
                  for kind in ("enterprise", "medical", "retail", "internal")}
    md = staff("md.admin@demo.local")
    for kind, customer in registered.items():  # direct and internal related-party alike, all visible to MD
        seen = customers.get_customer(md, customer.customer_id)
        assert (seen.kind, seen.name, seen.credit_code) == (kind, customer.name, customer.credit_code)
    stand(registered["enterprise"], "ortho")
    stand(registered["medical"], "rehab", products=("walker",))
    blacklist.list_customer(staff("rehab.leader@demo.local"), registered["retail"].customer_id, "rehab", "违约")

    def listed(ctx, dept):
        return [s.customer_id for s in applications.standings(ctx, dept).items]

    assert listed(staff("ortho.clerk@demo.local"), "ortho") == [registered["enterprise"].customer_id]
    assert listed(staff("rehab.rep@demo.local"), "rehab") == [registered["medical"].customer_id]
    assert (listed(md, "ortho"), listed(md, "rehab")) == (
        [registered["enterprise"].customer_id], [registered["medical"].customer_id])
    with pytest.raises(Forbidden):
        applications.standings(staff("rehab.rep@demo.local"), "ortho")
    assert [e.customer_id for e in blacklist.entries(md, "rehab")] == [registered["retail"].customer_id]
    assert blacklist.entries(staff("ortho.leader@demo.local"), "ortho") == []
    with pytest.raises(Forbidden):
        blacklist.entries(staff("ortho.leader@demo.local"), "rehab")


def test_ONB_2_registering_through_an_invitation_ties_it_to_the_prospect(app):
    clerk = staff("ortho.clerk@demo.local")
    prospect = prospects.create(clerk, "ortho", name="华东骨科医院", email="buyer@hdgk.cn")
    link = prospects.invite(clerk, prospect.prospect_id, "http://127.0.0.1:5000")
    token = link.split("invitation=")[1]
    customer, _ctx = register(invitation=token, email="buyer@hdgk.cn")
    assert Prospect.get(prospect.prospect_id).customer_id == customer.customer_id
    assert customer.prospect_id == prospect.prospect_id
    with pytest.raises(Conflict) as used:
        register(invitation=token)  # used once only
    with pytest.raises(NotFound) as forged:
        register(invitation=prospect.prospect_id + "." + "forged" * 5 + "xx")  # well-formed, never issued
    assert "invitation" in used.value.fields and "invitation" in forged.value.fields


def test_staff_open_documents_through_a_short_lived_attachment_link_and_it_is_audited(app):
    from urllib.parse import parse_qs, urlsplit

    _c, ctx, _app = applied()
    doc = next(Document.by_customer.query(ctx.actor.customer_id))
    url = documents.open_document(staff("ortho.clerk@demo.local"), doc.doc_id)
    query = parse_qs(urlsplit(url).query)
    assert query["response-content-disposition"][0].startswith("attachment; filename=")
    assert "filename*=UTF-8''" in query["response-content-disposition"][0]
    assert int(query["X-Amz-Expires"][0]) <= 600
    with pytest.raises(Forbidden):
        documents.open_document(staff("rehab.rep@demo.local"), doc.doc_id)
    from portal.adapters.tables import AuditEvent
    from portal.domain.timeutil import shanghai_day

    opened = [e for e in AuditEvent.query(shanghai_day(utc_now()).isoformat()) if e.action == "document.opened"]
    assert opened and opened[-1].actor_email == "ortho.clerk@demo.local"


# --- applications (ADM-1…4) -----------------------------------------------------------------
