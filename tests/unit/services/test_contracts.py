"""REL-3 / ADM-2 on the in-memory store: a contract's steps rule by rule (draft → submitted → approved by the
leader, by MD above MD's threshold → signed with a verified scan → in force → amended → terminated or expired),
each refused out of turn with a clear message and nothing changed; reminders 60 and 30 days before the end."""

from datetime import date, timedelta

import pytest

from portal.adapters import records
from portal.adapters.records import to_item
from portal.adapters.repos.contracts import Contracts
from portal.adapters.repos.identity import AuditTrail, Users
from portal.adapters.repos.notifications import Notifications
from portal.adapters.store.expr import Put
from portal.services import contract_changes, contract_reads, contracts
from portal.services.contracts import REFUSALS, Terms
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.unit.services.ticket_world import customer

REP, CLERK, LEADER = "ortho.rep@demo.local", "ortho.clerk@demo.local", "ortho.leader@demo.local"
MD, REHAB = "md.admin@demo.local", "rehab.leader@demo.local"


def terms(amount=200_000, start=date(2027, 1, 1), end=date(2027, 12, 31), no="GK-2027-001", title="骨板年度购销合同"):
    return Terms(no, title, amount, start, end)


def scan(fake, customer_id, *, reviewed=True, status="verified", type_id="signed-contract"):
    """A customer's document as the document path leaves it: file-checked, and confirmed by a person."""
    doc = records.Document(doc_id=f"doc-{customer_id[:8]}-{status}-{reviewed}-{type_id}", customer_id=customer_id,
                           type_id=type_id, status=status, original_name="合同.pdf",
                           content_type="application/pdf", s3_key="k", size=1000, issue_date="2026-12-01",
                           uploaded_by="x", created_at=fake.now, reviewed_at=fake.now if reviewed else None,
                           version=1)
    uow = fake.uow()
    uow.stage(Put(records.Document.model, to_item(doc)))
    uow.commit()
    return doc.doc_id


def drafted(fake, amount=200_000, **kw):
    customer_id, _ = customer(fake)
    return contracts.create(fake.ctx(REP), "ortho", customer_id, terms(amount, **kw)), customer_id


def signed(fake, amount=200_000, **kw):
    head, customer_id = drafted(fake, amount, **kw)
    contracts.submit(fake.ctx(REP), head.contract_id)
    contracts.approve(fake.ctx(LEADER), head.contract_id)
    return contracts.sign(fake.ctx(CLERK), head.contract_id, scan(fake, customer_id)), customer_id


def stored(fake, contract_id):
    return fake.repo(Contracts).find(contract_id)


def test_REL_3_a_contract_goes_from_draft_to_in_force_and_each_step_is_audited(fake):
    head, customer_id = drafted(fake)
    assert (head.state, head.latest_version, head.signed_version) == ("draft", 1, None)
    contracts.submit(fake.ctx(REP), head.contract_id)
    assert stored(fake, head.contract_id)[0].state == "submitted"
    contracts.approve(fake.ctx(LEADER), head.contract_id)
    head_now, versions = stored(fake, head.contract_id)
    assert head_now.state == "approved" and versions[0].approved_by == LEADER
    doc_id = scan(fake, customer_id)
    contracts.sign(fake.ctx(CLERK), head.contract_id, doc_id)
    head_now, versions = stored(fake, head.contract_id)
    assert (head_now.state, head_now.signed_version, head_now.doc_id) == ("signed", 1, doc_id)
    # in force from its start day (Beijing dates): before it "signed", from it "in force"
    view = contract_reads.contract_page(fake.ctx(REP), head.contract_id)
    assert view.shown == "signed"
    assert [s["action"] for s in view.history] == ["created", "submitted", "approved", "signed"]
    later = fake.later(fake.ctx(REP), days=(date(2027, 1, 2) - fake.now.date()).days)
    assert contract_reads.contract_page(later, head.contract_id).shown == "in_force"
    events = fake.repo(AuditTrail).all(fake.now.date().isoformat())
    assert [e.action for e in events if e.target_id == customer_id] == [
        "contract.created", "contract.submitted", "contract.approved", "contract.signed"]


def test_REL_3_approval_by_a_rep_is_403_and_changes_nothing(fake):
    head, _ = drafted(fake)
    contracts.submit(fake.ctx(REP), head.contract_id)
    with pytest.raises(Forbidden):
        contracts.approve(fake.ctx(REP), head.contract_id)
    assert stored(fake, head.contract_id)[0].state == "submitted"


def test_REL_3_above_the_threshold_md_approves_not_the_leader(fake):
    contract_changes.set_threshold(fake.ctx(MD), 500_000)
    head, _ = drafted(fake, amount=500_001)
    contracts.submit(fake.ctx(REP), head.contract_id)
    with pytest.raises(Forbidden) as exc:
        contracts.approve(fake.ctx(LEADER), head.contract_id)
    assert exc.value.message == REFUSALS["needs_md"]
    assert stored(fake, head.contract_id)[0].state == "submitted"  # nothing changed
    contracts.approve(fake.ctx(MD), head.contract_id)
    assert stored(fake, head.contract_id)[0].state == "approved"
    # at the threshold itself the leader approves
    at, _ = drafted(fake, amount=500_000)
    contracts.submit(fake.ctx(REP), at.contract_id)
    contracts.approve(fake.ctx(LEADER), at.contract_id)


def test_REL_3_the_threshold_is_MDs_to_set(fake):
    with pytest.raises(Forbidden):
        contract_changes.set_threshold(fake.ctx(LEADER), 1)
    with pytest.raises(Invalid) as exc:
        contract_changes.set_threshold(fake.ctx(MD), 0)
    assert set(exc.value.fields) == {"amount"}


def test_REL_3_another_departments_contract_is_403(fake):
    head, _ = drafted(fake)
    with pytest.raises(Forbidden):
        contracts.submit(fake.ctx(REHAB), head.contract_id)
    with pytest.raises(Forbidden):
        contract_reads.contract_page(fake.ctx("rehab.rep@demo.local"), head.contract_id)
    with pytest.raises(NotFound):
        contract_reads.contract_page(fake.ctx(REP), "no-such-contract")
    assert stored(fake, head.contract_id)[0].state == "draft"


def test_REL_3_steps_out_of_turn_are_refused_with_a_clear_message(fake):
    head, customer_id = drafted(fake)
    with pytest.raises(Conflict) as exc:
        contracts.approve(fake.ctx(LEADER), head.contract_id)  # not submitted
    assert exc.value.message == REFUSALS["wrong_step"]
    with pytest.raises(Conflict):
        contracts.sign(fake.ctx(CLERK), head.contract_id, scan(fake, customer_id))  # not approved
    with pytest.raises(Conflict) as exc:
        contract_changes.amend(fake.ctx(REP), head.contract_id, terms(), "加量")  # not signed
    assert exc.value.message == REFUSALS["not_signed"]
    with pytest.raises(Conflict):
        contract_changes.terminate(fake.ctx(LEADER), head.contract_id, "客户撤销")
    assert stored(fake, head.contract_id)[0].state == "draft"


def test_REL_3_bad_terms_are_named_by_field_and_nothing_is_written(fake):
    customer_id, _ = customer(fake)
    with pytest.raises(Invalid) as exc:
        contracts.create(fake.ctx(REP), "ortho", customer_id,
                         Terms(" ", "x" * 201, -5, date(2027, 2, 1), date(2027, 1, 1)))
    assert set(exc.value.fields) == {"contract_no", "title", "amount", "end_date"}
    assert fake.repo(Contracts).of_customer(customer_id) == []


def test_REL_3_the_scan_must_be_the_customers_checked_and_confirmed_document(fake):
    head, customer_id = drafted(fake)
    contracts.submit(fake.ctx(REP), head.contract_id)
    contracts.approve(fake.ctx(LEADER), head.contract_id)
    other, _ = customer(fake)
    for doc_id in (scan(fake, customer_id, reviewed=False), scan(fake, customer_id, status="rejected"),
                   scan(fake, customer_id, type_id="business-licence"), scan(fake, other), "missing"):
        with pytest.raises(Invalid) as exc:
            contracts.sign(fake.ctx(CLERK), head.contract_id, doc_id)
        assert set(exc.value.fields) == {"doc_id"}
    assert stored(fake, head.contract_id)[0].state == "approved"


def test_REL_3_an_amendment_is_a_new_version_approved_like_the_first_and_the_old_one_is_kept(fake):
    head, customer_id = signed(fake)
    _, draft = contract_changes.amend(fake.ctx(REP), head.contract_id, terms(amount=300_000, end=date(2028, 6, 30)),
                               "延长期限并增加金额")
    assert draft.version_no == 2
    with pytest.raises(Conflict) as exc:  # one amendment at a time
        contract_changes.amend(fake.ctx(REP), head.contract_id, terms(), "再改")
    assert exc.value.message == REFUSALS["amendment_open"]
    # while the amendment is open the signed terms stay in force
    assert stored(fake, head.contract_id)[0].amount == 200_000
    contracts.submit(fake.ctx(REP), head.contract_id)
    contracts.approve(fake.ctx(LEADER), head.contract_id)
    contracts.sign(fake.ctx(CLERK), head.contract_id, scan(fake, customer_id, status="verified"))
    head_now, versions = stored(fake, head.contract_id)
    assert (head_now.signed_version, head_now.amount, head_now.end_date) == (2, 300_000, "2028-06-30")
    assert [(v.version_no, v.state) for v in versions] == [(1, "superseded"), (2, "signed")]


def test_REL_3_a_contract_amended_after_termination_is_refused(fake):
    head, _ = signed(fake)
    with pytest.raises(Forbidden):
        contract_changes.terminate(fake.ctx(REP), head.contract_id, "客户停业")  # the leader ends it
    with pytest.raises(Invalid):
        contract_changes.terminate(fake.ctx(LEADER), head.contract_id, "  ")  # a reason is required
    contract_changes.terminate(fake.ctx(LEADER), head.contract_id, "客户停业")
    head_now, versions = stored(fake, head.contract_id)
    assert (head_now.state, head_now.ended_reason) == ("terminated", "客户停业")
    with pytest.raises(Conflict) as exc:
        contract_changes.amend(fake.ctx(REP), head.contract_id, terms(), "续签")
    assert exc.value.message == REFUSALS["ended"]
    assert stored(fake, head.contract_id)[1] == versions  # nothing added


def test_REL_3_reminders_60_and_30_days_before_the_end_once_each_then_expiry(fake):
    head, _ = signed(fake, start=date(2026, 1, 1), end=fake.now.date() + timedelta(days=61))
    system = fake.ctx(None)
    assert contract_reads.run_daily(system).reminded == []  # 61 days ahead: nothing yet
    day60 = fake.later(system, days=1)
    assert contract_reads.run_daily(day60).reminded == [f"{head.contract_id}:60"]
    assert contract_reads.run_daily(day60).reminded == []  # a second run tells nobody twice
    assert contract_reads.run_daily(fake.later(system, days=2)).reminded == []  # 59 days: told already
    day30 = fake.later(system, days=31)
    assert contract_reads.run_daily(day30).reminded == [f"{head.contract_id}:30"]
    assert contract_reads.run_daily(fake.later(system, days=40)).reminded == []
    told, _ = fake.repo(Notifications).page(fake.user(LEADER).user_id, None, 50)
    assert sum(n.kind == "contract_expiring" for n in told) == 2  # the leader (no one designated), once each
    after = fake.later(system, days=62)
    assert contract_reads.run_daily(after).expired == [head.contract_id]
    assert contract_reads.run_daily(after).expired == []
    head_now, _ = stored(fake, head.contract_id)
    assert head_now.state == "expired" and head_now.expiry_bucket is None
    with pytest.raises(Conflict):
        contract_changes.amend(fake.later(fake.ctx(REP), days=62), head.contract_id, terms(), "续签")


def test_REL_3_the_customer_sees_its_own_signed_contracts_only(fake):
    head, customer_id = signed(fake)
    contracts.create(fake.ctx(REP), "ortho", customer_id, terms(no="GK-DRAFT"))  # a draft is not shown
    mine = fake.ctx(fake.repo(Users).of_customer(customer_id)[0].email)
    assert [v.head.contract_id for v in contract_reads.own_contracts(mine)] == [head.contract_id]
    assert [v.version_no for v in contract_reads.own_contract(mine, head.contract_id).versions] == [1]
    with pytest.raises(Forbidden):
        contract_reads.own_contracts(fake.ctx(REP))
    _, someone_else = customer(fake)
    assert contract_reads.own_contracts(someone_else) == []
    with pytest.raises(NotFound):
        contract_reads.own_contract(someone_else, head.contract_id)


def test_ADM_2_evidence_choices_are_the_customers_signed_contracts_in_that_department(fake):
    head, customer_id = signed(fake)
    contracts.create(fake.ctx(REP), "ortho", customer_id, terms(no="GK-DRAFT"))  # a draft is no evidence
    choices = contract_reads.evidence_choices(fake.ctx(REP), "ortho", customer_id)
    assert [c.head.contract_id for c in choices] == [head.contract_id]
    assert contract_reads.evidence_choices(fake.ctx(REHAB), "rehab", customer_id) == []


def test_REL_1_the_customers_timeline_keeps_its_contracts_signed_and_ended_not_their_drafts(fake):
    from portal.services.pages import timeline

    head, customer_id = signed(fake)
    contract_changes.terminate(fake.ctx(LEADER), head.contract_id, "客户停业")
    mine = fake.ctx(fake.repo(Users).of_customer(customer_id)[0].email)
    actions = [e.action for e in timeline.own_timeline(mine).events]
    assert actions[:2] == ["contract.terminated", "contract.signed"]
    assert "contract.created" not in actions
