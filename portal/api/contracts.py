"""API for contracts (REL-3): a department's list, one contract with its versions and history, each step (draft,
submit, send back, approve, sign, amend, terminate), MD's approval threshold, and the customer's own contracts."""

from __future__ import annotations

from flask import jsonify, request

from portal.api import bp
from portal.api.spec import operation
from portal.api.validation import parse
from portal.domain.roles import Perm
from portal.services import contract_changes, contract_reads, contracts
from portal.services.contracts import Terms
from portal.web import ctx
from portal.web.forms.contracts import (
    ContractNewForm,
    ContractReasonForm,
    ContractSignForm,
    ContractStepForm,
    ContractTermsForm,
    ContractThresholdForm,
)


def _terms(form) -> Terms:
    return Terms(form.contract_no.data or "", form.title.data or "", form.amount.data, form.start_date.data,
                 form.end_date.data)


def version_json(v) -> dict:
    """One version of a contract's terms."""
    return {"number": int(v.version_no), "contract_no": v.contract_no, "title": v.title, "amount": int(v.amount),
            "start_date": v.start_date, "end_date": v.end_date, "state": v.state, "note": v.note,
            "approved_by": v.approved_by_name, "signed_scan": v.doc_id}


def contract_json(view, with_versions: bool = False) -> dict:
    """The API's view of a contract: its terms in force (or drafted), where it stands, and on request its versions
    and history."""
    h = view.head
    out = {"id": h.contract_id, "department": h.dept_id, "customer": h.customer_id, "customer_name": h.customer_name,
           "contract_no": h.contract_no, "title": h.title, "amount": int(h.amount), "start_date": h.start_date,
           "end_date": h.end_date, "state": view.shown, "signed_version": int(h.signed_version or 0) or None,
           "latest_version": int(h.latest_version or 1), "ended_reason": h.ended_reason, "version": int(h.version)}
    if with_versions:
        out["versions"] = [version_json(v) for v in view.versions]
        out["history"] = view.history
    return out


def _one(contract_id: str):
    return jsonify(contract_json(contract_reads.contract_page(ctx(), contract_id), with_versions=True))


@operation(bp, "/departments/<dept_id>/contracts", "GET", "REL-3: the department's contracts, newest first",
           response="ContractList", query=("cursor",), perm=Perm.VIEW_CUSTOMERS)
def department_contracts(dept_id: str):
    """The department's contracts, a page at a time."""
    page = contract_reads.department_page(ctx(), dept_id, request.args.get("cursor"))
    return jsonify({"items": [contract_json(v) for v in page.items], "cursor": page.cursor})


@operation(bp, "/departments/<dept_id>/contracts", "POST", "REL-3: draft a contract with a customer",
           form=ContractNewForm, response="Contract", status=201, perm=Perm.DRAFT_CONTRACTS)
def contract_create(dept_id: str):
    """Draft a contract."""
    form = parse(ContractNewForm)
    head = contracts.create(ctx(), dept_id, form.customer_id.data, _terms(form))
    return jsonify(contract_json(contract_reads.contract_page(ctx(), head.contract_id), True)), 201


@operation(bp, "/contracts/<contract_id>", "GET", "REL-3: one contract with its versions and history",
           response="Contract", perm=Perm.VIEW_CUSTOMERS)
def contract_detail(contract_id: str):
    """One contract."""
    return _one(contract_id)


@operation(bp, "/contracts/<contract_id>/terms", "POST", "REL-3: change the terms of the draft version",
           form=ContractTermsForm, response="Contract", perm=Perm.DRAFT_CONTRACTS)
def contract_edit(contract_id: str):
    """Change a draft."""
    contracts.load(ctx(), contract_id, Perm.DRAFT_CONTRACTS)
    form = parse(ContractTermsForm)
    contracts.edit(ctx(), contract_id, _terms(form), form.version.data)
    return _one(contract_id)


@operation(bp, "/contracts/<contract_id>/submit", "POST", "REL-3: submit the draft version for approval",
           form=ContractStepForm, response="Contract", perm=Perm.DRAFT_CONTRACTS)
def contract_submit(contract_id: str):
    """Submit."""
    contracts.load(ctx(), contract_id, Perm.DRAFT_CONTRACTS)
    contracts.submit(ctx(), contract_id, parse(ContractStepForm).version.data)
    return _one(contract_id)


@operation(bp, "/contracts/<contract_id>/approve", "POST",
           "REL-3: approve the submitted version (the leader; MD above MD's threshold)",
           form=ContractStepForm, response="Contract", perm=Perm.APPROVE_CONTRACTS)
def contract_approve(contract_id: str):
    """Approve."""
    contracts.load(ctx(), contract_id, Perm.APPROVE_CONTRACTS)
    contracts.approve(ctx(), contract_id, parse(ContractStepForm).version.data)
    return _one(contract_id)


@operation(bp, "/contracts/<contract_id>/send-back", "POST", "REL-3: send the submitted version back, saying why",
           form=ContractReasonForm, response="Contract", perm=Perm.APPROVE_CONTRACTS)
def contract_send_back(contract_id: str):
    """Send back."""
    contracts.load(ctx(), contract_id, Perm.APPROVE_CONTRACTS)
    form = parse(ContractReasonForm)
    contracts.send_back(ctx(), contract_id, form.reason.data, form.version.data)
    return _one(contract_id)


@operation(bp, "/contracts/<contract_id>/sign", "POST",
           "REL-3: record the signing with the customer's signed scan (a checked and confirmed document)",
           form=ContractSignForm, response="Contract", perm=Perm.DRAFT_CONTRACTS)
def contract_sign(contract_id: str):
    """Sign."""
    contracts.load(ctx(), contract_id, Perm.DRAFT_CONTRACTS)
    form = parse(ContractSignForm)
    contracts.sign(ctx(), contract_id, form.doc_id.data, form.version.data)
    return _one(contract_id)


@operation(bp, "/contracts/<contract_id>/amendments", "POST",
           "REL-3: amend a signed contract: a new draft version, approved like the first",
           form=ContractTermsForm, response="Contract", status=201, perm=Perm.DRAFT_CONTRACTS)
def contract_amend(contract_id: str):
    """Amend."""
    contracts.load(ctx(), contract_id, Perm.DRAFT_CONTRACTS)
    form = parse(ContractTermsForm)
    contract_changes.amend(ctx(), contract_id, _terms(form), form.note.data or "", form.version.data)
    return _one(contract_id), 201


@operation(bp, "/contracts/<contract_id>/terminate", "POST", "REL-3: terminate a signed contract, saying why",
           form=ContractReasonForm, response="Contract", perm=Perm.APPROVE_CONTRACTS)
def contract_terminate(contract_id: str):
    """Terminate."""
    contracts.load(ctx(), contract_id, Perm.APPROVE_CONTRACTS)
    form = parse(ContractReasonForm)
    contract_changes.terminate(ctx(), contract_id, form.reason.data, form.version.data)
    return _one(contract_id)


@operation(bp, "/contract-threshold", "PUT",
           "REL-3: MD sets the amount (yuan) above which MD approves contracts instead of the department leader",
           form=ContractThresholdForm, response="ContractThreshold", perm=Perm.MANAGE_COMPANY_STANDARDS)
def contract_threshold():
    """Set the threshold."""
    return jsonify({"amount": contract_changes.set_threshold(ctx(), parse(ContractThresholdForm).amount.data)})


@operation(bp, "/contracts", "GET", "REL-3: the caller's own company's signed contracts (in force and history)",
           response="ContractList")
def own_contracts():
    """The customer's own contracts."""
    return jsonify({"items": [contract_json(v) for v in contract_reads.own_contracts(ctx())], "cursor": None})
