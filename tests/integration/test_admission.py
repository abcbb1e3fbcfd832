"""ADM-1…4, ONB-1…3, GRD-4, SEC-1: registration, documents, applications and their review, on moto."""

import threading
from datetime import date, timedelta

import pytest

from portal.adapters import aws, files
from portal.adapters.clock import utc_now
from portal.adapters.tables import Application, BlacklistEntry, Document, Prospect, Standing
from portal.domain.timeutil import shanghai_day
from portal.services import applications, customers, documents, prospects
from portal.services.applications import ConditionRecord
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import staff_ctx as staff
from tests.conftest import user_id_of
from tests.factories import EXE, PDF, PNG, applied, credit_code, register, upload


def objects():
    listing = aws.client("s3").list_objects_v2(Bucket=files._bucket["name"])
    return [o["Key"] for o in listing.get("Contents", [])]


def review_to_admission(app, leader="ortho.leader@demo.local", rep="ortho.rep@demo.local", codes="abcdef"):
    """Assign, check the background, record the conditions `codes` (all six by default) as met."""
    lead, person = staff(leader), staff(rep)
    app = applications.assign(lead, app.app_id, user_id_of(rep), app.version)
    app = applications.record_background_check(person, app.app_id, "工商信息、涉诉记录已核查，无异常。", app.version)
    doc = next(d for d in Document.by_customer.query(app.customer_id) if d.status == "verified")
    for code in codes:
        record = ConditionRecord(code=code, met=True, evidence_doc=doc.doc_id if code in "ae" else None,
                                 contract_no="GX-2027-001" if code == "c" else None,
                                 note=None if code in "ace" else "已核实")
        app = applications.record_condition(person, app.app_id, record, app.version)
    return app


# --- registration (ONB-1) --------------------------------------------------------------------

def test_ADM_registration_refuses_a_wrong_check_digit(app):
    good = credit_code(77)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(Invalid) as exc:
        register(credit_code=bad)
    assert "credit_code" in exc.value.fields
    assert "GB 32100" in str(exc.value.fields["credit_code"][0])


def test_ADM_duplicate_credit_code_is_a_conflict_and_writes_nothing(app):
    from portal.services.auth import find_user_by_email

    first, ctx = register(credit_code=credit_code(500))
    with pytest.raises(Conflict) as exc:
        register(credit_code=credit_code(500).lower(), email="second@copy.cn")
    assert "credit_code" in exc.value.fields
    assert find_user_by_email("second@copy.cn") is None
    assert customers.get_customer(ctx, first.customer_id).name == first.name


def test_medical_institution_needs_level_and_beds_and_mobile_must_be_mainland(app):
    with pytest.raises(Invalid) as exc:
        register(kind="medical", hospital_level=None, beds=None, mobile="+1 415 555 0100")
    assert {"hospital_level", "beds", "mobile"} <= set(exc.value.fields)
    customer, _ctx = register(kind="medical", hospital_level="三级甲等", beds=1200, mobile="138 0013 8000")
    assert (customer.hospital_level, customer.beds, customer.mobile) == ("三级甲等", 1200, "+8613800138000")


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


# --- documents ----------------------------------------------------------------------------------

def test_upload_is_verified_by_its_real_bytes_and_the_key_never_holds_the_name(app):
    _customer, ctx = register()
    doc = upload(ctx, "business-licence", filename="营业执照 2027.pdf")
    assert doc.status == "verified" and doc.original_name == "营业执照 2027.pdf"
    assert "营业执照" not in doc.s3_key and doc.s3_key.endswith(".pdf")
    assert doc.s3_key in objects()


def test_executable_named_pdf_is_rejected_and_its_object_deleted(app):
    _customer, ctx = register()
    doc = upload(ctx, "business-licence", content=EXE, filename="licence.pdf")
    assert doc.status == "rejected" and doc.reject_reason == "wrong_type"
    assert doc.s3_key not in objects()
    assert "not a real PDF" in documents.rejection_message(Document.get(doc.doc_id))


def test_jpg_php_name_never_reaches_the_key_and_php_type_is_refused(app):
    _customer, ctx = register()
    with pytest.raises(Invalid) as exc:
        upload(ctx, "business-licence", content_type="application/x-php", filename="photo.jpg.php")
    assert "file" in exc.value.fields
    doc = upload(ctx, "business-licence", content=PNG, content_type="image/jpeg", filename="photo.jpg.php")
    assert doc.status == "rejected" and ".php" not in doc.s3_key and doc.s3_key not in objects()


def test_eleven_megabyte_file_is_rejected_and_deleted(app):
    _customer, ctx = register()
    big = PDF + b"0" * (11 * 1024 * 1024)
    doc = upload(ctx, "business-licence", content=big)
    assert doc.status == "rejected" and doc.reject_reason == "too_large" and doc.s3_key not in objects()


def test_confirming_a_document_never_uploaded_rejects_it(app):
    _customer, ctx = register()
    doc = upload(ctx, "business-licence", content=None)
    assert doc.status == "rejected" and doc.reject_reason == "missing"
    with pytest.raises(Conflict):
        documents.confirm(ctx, doc.doc_id)


def test_bad_dates_are_refused_by_field(app):
    _customer, ctx = register()
    tomorrow = shanghai_day(ctx.now) + timedelta(days=1)
    with pytest.raises(Invalid) as exc:
        upload(ctx, "business-licence", issue_date=tomorrow, expiry_date=None, long_term=False)
    assert set(exc.value.fields) == {"issue_date", "expiry_date"}
    with pytest.raises(Invalid) as exc:
        upload(ctx, "business-licence", issue_date=date(2024, 1, 1), expiry_date=date(2023, 1, 1))
    assert "expiry_date" in exc.value.fields


def test_SEC_2_a_new_document_version_keeps_the_old_one_in_history(app):
    _customer, ctx = register()
    first = upload(ctx, "business-licence")
    second = upload(ctx, "business-licence", filename="新营业执照.pdf")
    assert Document.get(first.doc_id).status == "superseded"
    assert Document.get(second.doc_id).status == "verified"


def test_SEC_1_customer_b_cannot_read_customer_a_documents_or_applications(app):
    _a, ctx_a, app_a = applied()
    _b, ctx_b = register()
    doc_a = next(Document.by_customer.query(ctx_a.actor.customer_id))
    with pytest.raises(NotFound):
        documents.get_document(ctx_b, doc_a.doc_id)
    with pytest.raises(NotFound):
        documents.open_document(ctx_b, doc_a.doc_id)
    with pytest.raises(NotFound):
        applications.get_application(ctx_b, app_a.app_id)
    with pytest.raises(NotFound):
        customers.get_customer(ctx_b, ctx_a.actor.customer_id)


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

def test_ADM_4_applying_without_required_documents_is_refused(app):
    _customer, ctx = register()
    upload(ctx, "business-licence")
    with pytest.raises(Invalid) as exc:
        applications.submit(ctx, "ortho", ["bone-plate"])
    assert "tax-registration" in str(exc.value.fields["documents"][0])
    assert list(Application.by_customer.query(ctx.actor.customer_id)) == []


@pytest.mark.parametrize("kind", ["retail", "internal"])
def test_ADM_1_review_free_customers_still_need_their_documents(app, kind):
    _customer, ctx = register(kind=kind)
    with pytest.raises(Invalid) as exc:
        applications.submit(ctx, "rehab", ["wheelchair"])
    assert "business-licence" in str(exc.value.fields["documents"][0])
    assert list(Application.by_customer.query(ctx.actor.customer_id)) == []


@pytest.mark.parametrize("kind", ["retail", "internal"])
def test_ADM_1_review_free_customer_waits_for_a_department_member_to_confirm_it(app, kind):
    from portal.services import grading

    customer, ctx, app_ = applied("rehab", ("wheelchair",), kind=kind)
    assert app_.status == "submitted" and app_.confirm_only and app_.queue_dept == "rehab"
    assert [a.app_id for a in applications.queue(staff("rehab.rep@demo.local"), "rehab").items] == [app_.app_id]
    assert Standing.count("rehab", Standing.customer_id == customer.customer_id) == 0
    assert grading.quota(staff("rehab.leader@demo.local"), "rehab").counts.total == 0
    with pytest.raises(Forbidden):  # another department's member cannot confirm it
        applications.confirm(staff("ortho.rep@demo.local"), app_.app_id, app_.version)
    done = applications.confirm(staff("rehab.rep@demo.local"), app_.app_id, app_.version)
    assert done.status == "admitted" and done.queue_dept is None and done.decided_by == "rehab.rep@demo.local"
    assert done.conditions is None and done.background_check is None  # no six-condition review (ADM-1)
    assert Standing.get("rehab", customer.customer_id).grade == "QUALIFIED"
    assert grading.quota(staff("rehab.leader@demo.local"), "rehab").counts.total == 1
    with pytest.raises(Conflict):  # a second click changes nothing
        applications.confirm(staff("rehab.rep@demo.local"), app_.app_id, done.version)


def test_ADM_1_five_anonymous_retail_sign_ups_change_no_quota(app):
    from portal.services import grading

    leader = staff("ortho.leader@demo.local")
    before = grading.quota(leader, "ortho").as_json()
    for _ in range(5):
        applied("ortho", ("bone-plate",), kind="retail")
    assert grading.quota(leader, "ortho").as_json() == before
    assert len(applications.queue(leader, "ortho").items) == 5


def test_ADM_1_confirmation_is_refused_for_a_reviewed_type_and_when_documents_lapsed(app):
    from dataclasses import replace
    from datetime import timedelta

    from portal.domain.timeutil import shanghai_day

    _c, _ctx, reviewed = applied()
    with pytest.raises(Conflict):
        applications.confirm(staff("ortho.rep@demo.local"), reviewed.app_id, reviewed.version)
    customer, ctx = register(kind="retail")
    expiry = shanghai_day(ctx.now) + timedelta(days=3)
    upload(ctx, "business-licence", expiry_date=expiry)
    app_ = applications.submit(ctx, "ortho", ["bone-plate"])
    rep = staff("ortho.rep@demo.local")
    later = replace(rep, now=rep.now + timedelta(days=4))
    with pytest.raises(Invalid) as exc:
        applications.confirm(later, app_.app_id, app_.version)
    assert "business-licence" in str(exc.value.fields["decision"][0])
    assert Standing.count("ortho", Standing.customer_id == customer.customer_id) == 0


def test_ADM_1_the_leader_may_reject_a_review_free_customer(app):
    _c, _ctx, app_ = applied("rehab", ("walker",), kind="internal")
    done = applications.decide(staff("rehab.leader@demo.local"), app_.app_id, False, "非本集团关联方", app_.version)
    assert done.status == "rejected" and done.queue_dept is None


def test_ADM_4_products_must_be_the_departments(app):
    _customer, ctx = register()
    with pytest.raises(Invalid):
        applications.submit(ctx, "ortho", ["wheelchair"])
    with pytest.raises(Invalid):
        applications.submit(ctx, "md", ["bone-plate"])


def test_a_second_open_application_to_the_same_department_is_a_conflict(app):
    _c, ctx, _app = applied()
    with pytest.raises(Conflict):
        applications.submit(ctx, "ortho", ["bone-plate"])


def test_ADM_3_blacklisted_customer_cannot_apply_in_scope(app):
    customer, ctx = register()
    from tests.factories import all_required_documents

    all_required_documents(ctx)
    BlacklistEntry(entry_id="e1", customer_id=customer.customer_id, scope="ortho", listed_at=utc_now()).save()
    with pytest.raises(Forbidden):
        applications.submit(ctx, "ortho", ["bone-plate"])
    assert applications.submit(ctx, "rehab", ["walker"]).status == "submitted"
    BlacklistEntry(entry_id="e2", customer_id=customer.customer_id, scope="company", listed_at=utc_now()).save()
    with pytest.raises(Forbidden):
        applications.submit(ctx, "rehab", ["wheelchair"])


def test_ONB_3_only_the_designated_person_records_the_background_check(app):
    _c, _ctx, app_ = applied()
    app_ = applications.assign(staff("ortho.leader@demo.local"), app_.app_id, user_id_of("ortho.rep@demo.local"),
                               app_.version)
    with pytest.raises(Forbidden):
        applications.record_background_check(staff("ortho.clerk@demo.local"), app_.app_id, "x", app_.version)


def test_ADM_2_admission_needs_all_six_conditions(app):
    _c, _ctx, app_ = applied()
    app_ = review_to_admission(app_)
    app_ = applications.record_condition(staff("ortho.rep@demo.local"), app_.app_id, ConditionRecord(
        code="d", met=False, note="发现违规经营记录"), app_.version)  # the reviewer finds (d) not met after all
    with pytest.raises(Invalid) as exc:
        applications.decide(staff("ortho.leader@demo.local"), app_.app_id, True, "同意准入", app_.version)
    assert "still open or not met: (d)" in str(exc.value.fields["decision"][0])
    assert Application.get(app_.app_id).status == "submitted"


def test_ADM_2_a_condition_never_recorded_blocks_admission_five_of_six_is_not_enough(app):
    customer, _ctx, app_ = applied()
    app_ = review_to_admission(app_, codes="abcde")  # (f) brand protection never recorded
    leader = staff("ortho.leader@demo.local")
    with pytest.raises(Invalid) as exc:
        applications.decide(leader, app_.app_id, True, "同意准入", app_.version)
    assert "still open or not met: (f)" in str(exc.value.fields["decision"][0])
    assert Standing.count("ortho", Standing.customer_id == customer.customer_id) == 0
    app_ = applications.record_condition(staff("ortho.rep@demo.local"), app_.app_id, ConditionRecord(
        code="f", met=True, note="已签署品牌保护承诺书"), app_.version)
    assert applications.decide(leader, app_.app_id, True, "六项条件均满足", app_.version).status == "admitted"


def test_ADM_3_a_customer_listed_after_applying_cannot_be_admitted_at_decision_time(app):
    from portal.services import blacklist

    customer, _ctx, app_ = applied()
    app_ = review_to_admission(app_)  # all six met, background checked: admissible until the listing
    leader = staff("ortho.leader@demo.local")
    blacklist.list_customer(leader, customer.customer_id, "ortho", "申请期间发现违约")
    with pytest.raises(Invalid) as exc:
        applications.decide(leader, app_.app_id, True, "同意准入", app_.version)
    assert "blacklisted" in str(exc.value.fields["decision"][0])
    assert Standing.count("ortho", Standing.customer_id == customer.customer_id) == 0
    assert Application.get(app_.app_id).status == "submitted"
    assert applications.decide(leader, app_.app_id, False, "已列入黑名单", app_.version).status == "rejected"


def test_ADM_3_a_company_listing_after_applying_blocks_admission_in_every_department(app):
    from portal.services import blacklist

    customer, _ctx, app_ = applied("rehab", ("walker",))
    app_ = review_to_admission(app_, leader="rehab.leader@demo.local", rep="rehab.rep@demo.local")
    blacklist.list_customer(staff("md.admin@demo.local"), customer.customer_id, "company", "经核实欺诈")
    with pytest.raises(Invalid) as exc:
        applications.decide(staff("rehab.leader@demo.local"), app_.app_id, True, "同意准入", app_.version)
    assert "blacklisted" in str(exc.value.fields["decision"][0])
    assert Standing.count("rehab", Standing.customer_id == customer.customer_id) == 0


def test_ADM_2_condition_evidence_is_required(app):
    _c, _ctx, app_ = applied()
    rep = staff("ortho.rep@demo.local")
    with pytest.raises(Invalid) as exc:
        applications.record_condition(rep, app_.app_id, ConditionRecord(code="c", met=True), app_.version)
    assert "contract_no" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        applications.record_condition(rep, app_.app_id, ConditionRecord(code="a", met=True, evidence_doc="nope"),
                                      app_.version)
    assert "evidence_doc" in exc.value.fields


def test_GRD_4_admission_creates_the_standing_as_qualified_and_mails_the_customer(app):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    customer, ctx, app_ = applied()
    app_ = review_to_admission(app_)
    decided = applications.decide(staff("ortho.leader@demo.local"), app_.app_id, True, "六项条件均满足", app_.version)
    assert decided.status == "admitted"
    standing = Standing.get("ortho", customer.customer_id)
    assert standing.grade == "QUALIFIED" and standing.products == {"bone-plate"}
    assert standing.designated_staff == user_id_of("ortho.rep@demo.local")
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    assert any(customer.email in m.destinations["ToAddresses"] and "准入通过" in m.subject for m in sent)
    assert list(applications.queue(staff("ortho.clerk@demo.local"), "ortho").items) == []


def test_rejected_customer_sees_the_reason_and_may_apply_again(app):
    _c, ctx, app_ = applied()
    leader = staff("ortho.leader@demo.local")
    with pytest.raises(Invalid):
        applications.decide(leader, app_.app_id, False, "", app_.version)
    rejected = applications.decide(leader, app_.app_id, False, "缺少购销合同", app_.version)
    assert applications.get_application(ctx, rejected.app_id).decision_reason == "缺少购销合同"
    again = applications.submit(ctx, "ortho", ["bone-plate", "im-nail"])
    assert again.status == "submitted"


def test_rehab_staff_cannot_decide_an_ortho_application(app):
    _c, _ctx, app_ = applied()
    with pytest.raises(Forbidden):
        applications.decide(staff("rehab.leader@demo.local"), app_.app_id, False, "x", app_.version)
    with pytest.raises(Forbidden):
        applications.decide(staff("ortho.clerk@demo.local"), app_.app_id, False, "x", app_.version)


def test_deciding_twice_at_once_one_wins_the_other_gets_409(app, atomic_moto):
    _c, _ctx, app_ = applied()
    leader = staff("ortho.leader@demo.local")
    outcomes, barrier = [], threading.Barrier(2)

    def decide(reason):
        barrier.wait()
        try:
            applications.decide(leader, app_.app_id, False, reason, app_.version)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(r,)) for r in ("理由一", "理由二")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Application.get(app_.app_id).status == "rejected"


def test_queue_is_the_departments_only_oldest_first(app):
    _a, _ca, first = applied("ortho")
    _b, _cb, second = applied("ortho")
    _r, _cr, other = applied("rehab", products=("walker",))
    queue = applications.queue(staff("ortho.clerk@demo.local"), "ortho").items
    assert [a.app_id for a in queue] == [first.app_id, second.app_id]
    assert other.app_id not in [a.app_id for a in queue]


def test_ONB_2_a_malformed_invitation_is_a_clear_error(app):
    for token in (".only-secret", "no-dot", "x" * 300):
        with pytest.raises(Invalid) as exc:
            register(invitation=token)
        assert "invitation" in exc.value.fields
