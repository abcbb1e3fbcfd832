"""Licence expiry (issue 6 item 8): warnings 60/30/7 days ahead, once each; expired → ADM-2 (a)/(e) flag."""

from datetime import UTC, date, datetime

import time_machine

from portal.adapters.tables import Standing
from portal.services import documents
from portal.services.context import system_ctx
from tests.conftest import sent_mail as sent
from tests.factories import register, stand, upload


def at(y, m, d, h=1):
    return system_ctx(datetime(y, m, d, h, tzinfo=UTC))




@time_machine.travel("2026-11-20 02:00:00+00:00", tick=False)  # uploaded before the fixed dates below
def test_warnings_once_each_then_the_flag_and_a_new_version_lifts_it(app):
    customer, ctx = register()
    stand(customer, "ortho", "QUALIFIED")
    doc = upload(ctx, "business-licence", expiry_date=date(2027, 3, 1))
    assert documents.watch_expiry(at(2026, 12, 30)).warned == []
    assert documents.watch_expiry(at(2026, 12, 31)).warned == [f"{doc.doc_id}:60"]
    assert documents.watch_expiry(at(2026, 12, 31, 5)).warned == []
    assert documents.watch_expiry(at(2027, 1, 30)).warned == [f"{doc.doc_id}:30"]
    assert documents.watch_expiry(at(2027, 2, 22)).warned == [f"{doc.doc_id}:7"]
    midnight = system_ctx(datetime(2027, 2, 28, 16, 0, tzinfo=UTC))  # 00:00 on 1 March in Shanghai: expires today
    run = documents.watch_expiry(midnight)
    assert run.warned == [] and run.flagged == []  # valid through its expiry day
    assert documents.watch_expiry(system_ctx(datetime(2027, 3, 1, 16, 0, tzinfo=UTC))).flagged == [
        f"{doc.doc_id}:expired"]
    assert Standing.get("ortho", customer.customer_id).licence_flags == {"business-licence"}
    assert documents.watch_expiry(at(2027, 3, 5)).flagged == []
    assert len(sent("资质即将到期")) == 3 and len(sent("资质已过期")) == 1
    upload(ctx, "business-licence", filename="新营业执照.pdf", long_term=True)
    assert Standing.get("ortho", customer.customer_id).licence_flags is None


@time_machine.travel("2026-11-20 02:00:00+00:00", tick=False)
def test_documents_not_required_for_the_customer_type_are_not_watched(app):
    _customer, ctx = register(kind="retail")
    doc = upload(ctx, "tax-registration", expiry_date=date(2027, 1, 10))
    assert documents.watch_expiry(at(2027, 1, 5)).warned == []
    assert doc.status == "verified"
