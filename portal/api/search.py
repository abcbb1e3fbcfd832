"""API for staff: customer search (issue 17 item 5) and MD's customer register (ONB-1, issue 17 item 6)."""

from __future__ import annotations

from flask import jsonify, request

from portal.api import bp
from portal.api.spec import operation
from portal.domain.roles import Perm
from portal.services import register, search
from portal.web import ctx


@operation(bp, "/search", "GET",
           "Customers the user may see whose name has the query (two or more consecutive characters), or whose "
           "credit code, contact, mobile or e-mail is the query (MD: all; a department: its customers)",
           response="SearchResults", query=("q", "cursor"), perm=Perm.VIEW_CUSTOMERS)
def search_customers():
    """A page of customers found (no `q`: nothing asked, nothing found)."""
    if request.args.get("q") is None:
        return jsonify({"items": [], "cursor": None})
    found = search.search(ctx(), request.args.get("q"), request.args.get("cursor"))
    return jsonify({"items": [{"id": h.customer_id, "name": h.name, "contact_name": h.contact_name,
                               "credit_code": h.credit_code, "kind": h.kind} for h in found.items],
                    "cursor": found.cursor})


@operation(bp, "/register", "GET",
           "MD's register: every registered company, newest first, with its status in each sales department "
           "(registered, applied, admitted with grade, blacklisted); filters drop rows of the page read",
           response="Register", query=("status", "department", "kind", "cursor"), perm=Perm.VIEW_REGISTER)
def register_of_companies():
    """A page of the register."""
    page = register.register_page(ctx(), status=request.args.get("status") or None,
                                  dept_id=request.args.get("department") or None,
                                  kind=request.args.get("kind") or None, cursor=request.args.get("cursor"))
    return jsonify({"items": [{"id": r.customer_id, "name": r.name, "credit_code": r.credit_code, "kind": r.kind,
                               "registered_at": r.registered_at, "company_blacklisted": r.company_blacklisted,
                               "departments": [{"department": s.dept_id, "status": s.status, "grade": s.grade}
                                               for s in r.statuses]} for r in page.rows],
                    "cursor": page.cursor})
