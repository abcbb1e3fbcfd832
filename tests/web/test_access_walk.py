"""SEC-1 / ACT-*: walk every route as every kind of user and assert exactly who gets in."""

import pytest

from portal.api.spec import openapi_path
from tests.conftest import api_token, sign_in

IDENTITIES = ["anonymous", "customer", "md.admin", "leader", "ortho.leader", "ortho.clerk", "ortho.rep",
              "rehab.leader", "rehab.rep"]
STAFF = set(IDENTITIES) - {"anonymous", "customer"}
SIGNED_IN = set(IDENTITIES) - {"anonymous"}
ORTHO_VIEW = {"md.admin", "leader", "ortho.leader", "ortho.clerk", "ortho.rep"}
ORTHO_MANAGE = {"md.admin", "ortho.leader"}
MD = {"md.admin"}
PUBLIC = set(IDENTITIES)
CUSTOMER = {"customer"}
ORTHO_PROSPECTS = {"md.admin", "ortho.leader", "ortho.clerk", "ortho.rep"}
ORTHO_REVIEW = {"ortho.leader", "ortho.clerk", "ortho.rep"}
ORTHO_DECIDE = {"ortho.leader"}
ORTHO_IMPORT = {"md.admin", "ortho.leader", "ortho.rep"}
IMPORTERS = ORTHO_IMPORT | {"rehab.leader", "rehab.rep"}  # an import is found by its id: 404 unless one's own

# endpoint -> who may use it, with ids pointing into department `ortho`
EXPECTED = {
    "auth.index": PUBLIC, "auth.login": PUBLIC, "auth.set_language": PUBLIC,
    "auth.forgot_password": PUBLIC, "auth.reset_password": PUBLIC, "site.show": PUBLIC,
    "auth.logout": SIGNED_IN, "auth.change_password": SIGNED_IN,
    "staff.home": STAFF, "staff.departments": STAFF,
    "staff.department": ORTHO_VIEW, "staff.staff_member": ORTHO_VIEW, "staff.staff_member POST": ORTHO_MANAGE,
    "staff.department_new": MD, "staff.department_edit": MD, "staff.audit_log": MD,
    "staff.staff_new": ORTHO_MANAGE, "staff.staff_active": ORTHO_MANAGE,
    "staff.product_new": ORTHO_MANAGE, "staff.product_edit": ORTHO_MANAGE,
    "customer.home": CUSTOMER, "customer.timeline": CUSTOMER,
    "customer.documents_page": CUSTOMER, "customer.document_request": CUSTOMER,
    "customer.document_confirm": CUSTOMER, "customer.document_open": CUSTOMER, "customer.apply": CUSTOMER,
    "customer.application": CUSTOMER, "auth.register": PUBLIC,
    "staff.prospect_list": ORTHO_PROSPECTS, "staff.prospect_invite": ORTHO_PROSPECTS,
    "staff.application_queue": ORTHO_VIEW, "staff.application": ORTHO_VIEW, "staff.application_assign": ORTHO_DECIDE,
    "staff.application_background": ORTHO_REVIEW, "staff.application_condition": ORTHO_REVIEW,
    "staff.application_decision": ORTHO_DECIDE, "staff.customer_list": ORTHO_VIEW, "staff.customer": ORTHO_VIEW,
    "staff.customer_documents": ORTHO_VIEW,
    "staff.document_open": ORTHO_VIEW, "staff.document_types": MD,
    "staff.standing": ORTHO_VIEW, "staff.grade": ORTHO_REVIEW, "staff.decline": ORTHO_DECIDE,
    "staff.accept": ORTHO_DECIDE, "api.grade_proposal_accept": ORTHO_DECIDE, "api.grade_proposal_decline": ORTHO_DECIDE,
    "staff.end_standing": ORTHO_DECIDE, "staff.evaluate": ORTHO_REVIEW, "staff.grade_history": ORTHO_VIEW,
    "staff.scorecard_list": STAFF, "staff.scorecard": ORTHO_VIEW,
    "staff.scorecard POST": {"md.admin", "ortho.leader"},
    "api.standing_get": ORTHO_VIEW, "api.evaluation_create": ORTHO_REVIEW, "api.grade_change": ORTHO_DECIDE,
    "api.grade_propose": ORTHO_REVIEW, "api.standing_end": ORTHO_DECIDE, "api.department_quota": ORTHO_VIEW,
    "api.grade_history": ORTHO_VIEW | CUSTOMER, "api.priorities": ORTHO_VIEW | CUSTOMER,
    "api.scorecard_get": ORTHO_VIEW, "api.scorecard_put": {"md.admin", "ortho.leader"},
    "staff.blacklist_page": STAFF, "staff.blacklist_new": ORTHO_MANAGE, "staff.blacklist_lift": ORTHO_DECIDE,
    "staff.report_decide": MD, "staff.incident_new": ORTHO_REVIEW, "staff.review_cycles": STAFF,
    "staff.review_tasks": ORTHO_VIEW, "staff.review_task": ORTHO_VIEW, "staff.reentry_approve": {"leader"},
    "staff.timeline": ORTHO_VIEW, "api.customer_timeline": ORTHO_VIEW, "api.own_timeline": CUSTOMER,
    "staff.jobs": MD,
    "api.blacklist_create": {"md.admin", "ortho.leader", "rehab.leader"}, "api.blacklist_list": STAFF,
    "api.blacklist_lift": ORTHO_DECIDE,
    "customer.ticket_list": CUSTOMER, "customer.ticket": CUSTOMER, "staff.ticket_queue": ORTHO_VIEW,
    "staff.tickets_overdue": STAFF, "staff.ticket": ORTHO_VIEW, "staff.ticket POST": ORTHO_REVIEW,
    "staff.ticket_offline": ORTHO_REVIEW | MD, "api.ticket_create": SIGNED_IN, "api.ticket_get": ORTHO_VIEW | CUSTOMER,
    "api.ticket_step": ORTHO_REVIEW, "api.ticket_reply": ORTHO_REVIEW | CUSTOMER, "api.ticket_close": CUSTOMER,
    "customer.ticket_file_request": CUSTOMER, "customer.ticket_file_confirm": CUSTOMER,
    "customer.ticket_file_open": CUSTOMER, "staff.ticket_file_request": ORTHO_REVIEW,
    "staff.ticket_file_confirm": ORTHO_REVIEW, "staff.ticket_file_open": ORTHO_VIEW,
    "api.ticket_file_create": ORTHO_REVIEW | CUSTOMER, "api.ticket_file_confirm": ORTHO_REVIEW | CUSTOMER,
    "api.ticket_file_download": ORTHO_VIEW | CUSTOMER,
    "staff.visit_plan": ORTHO_VIEW, "staff.visit_new": ORTHO_REVIEW, "staff.visit": ORTHO_VIEW,
    "staff.visit POST": ORTHO_REVIEW, "api.department_visits": ORTHO_VIEW, "api.visit_create": ORTHO_REVIEW,
    "api.visit_outcome": ORTHO_REVIEW,
    "api.department_tickets": ORTHO_VIEW, "staff.sla": ORTHO_VIEW, "staff.sla POST": ORTHO_DECIDE,
    "customer.misconduct_report": CUSTOMER, "staff.misconduct_inbox": MD, "staff.ticket_report": STAFF,
    "customer.change_report": CUSTOMER, "staff.change_tasks": ORTHO_VIEW, "staff.change_tasks POST": ORTHO_DECIDE,
    "api.customer_register": PUBLIC, "api.customer_get": ORTHO_VIEW | CUSTOMER,
    "api.customer_documents": ORTHO_VIEW | CUSTOMER, "api.document_create": CUSTOMER,
    "api.document_confirm": CUSTOMER, "api.document_download": ORTHO_VIEW | CUSTOMER,
    "api.application_create": CUSTOMER, "api.application_get": ORTHO_VIEW | CUSTOMER,
    "api.application_condition": ORTHO_REVIEW, "api.application_decision": ORTHO_DECIDE,
    "api.department_applications": ORTHO_VIEW, "api.department_customers": ORTHO_VIEW,
    "api.openapi": PUBLIC, "api.tokens_create": PUBLIC, "api.password_reset_request": PUBLIC,
    "api.password_reset_finish": PUBLIC,
    "api.me": SIGNED_IN, "api.departments": STAFF, "api.department_create": MD,
    "api.department": ORTHO_VIEW, "api.department_staff": ORTHO_VIEW, "api.staff_create": ORTHO_MANAGE,
    "api.staff_get": ORTHO_VIEW, "api.staff_update": ORTHO_MANAGE, "api.staff_disable": ORTHO_MANAGE,
    "api.staff_enable": ORTHO_MANAGE, "api.products": ORTHO_VIEW, "api.product_create": ORTHO_MANAGE,
    "api.product_update": ORTHO_MANAGE, "api.audit_events": MD,
    "staff.application_confirm": ORTHO_REVIEW, "api.application_assign": ORTHO_DECIDE,
    "api.application_background": ORTHO_REVIEW, "api.application_confirm": ORTHO_REVIEW,
    "api.document_type_list": PUBLIC, "api.reentry_approve": {"leader"},
    # issue 15 items 2-4: one's own account, a company's colleagues, links that need no sign-in
    "account.profile_page": SIGNED_IN, "account.verify": PUBLIC, "account.resend": SIGNED_IN,
    "account.invitation": PUBLIC, "customer.colleague_list": CUSTOMER, "customer.colleague": CUSTOMER,
    "api.email_verify": PUBLIC, "api.email_verification_resend": SIGNED_IN, "api.profile_get": SIGNED_IN,
    "api.profile_put": SIGNED_IN, "api.profile_email": SIGNED_IN, "api.company_put": CUSTOMER,
    "api.colleague_list": CUSTOMER, "api.colleague_invite": CUSTOMER, "api.colleague_role": CUSTOMER,
    "api.colleague_disable": CUSTOMER, "api.colleague_enable": CUSTOMER, "api.invitation_get": PUBLIC,
    "api.invitation_accept": PUBLIC,
    "auth.login_totp": PUBLIC, "auth.login_link": PUBLIC, "auth.security": SIGNED_IN, "auth.totp_start": SIGNED_IN,
    "auth.totp_setup": SIGNED_IN, "auth.session_end": SIGNED_IN, "auth.sessions_end_all": SIGNED_IN,
    "api.token_sign_out": SIGNED_IN, "api.security": SIGNED_IN, "api.totp_start": SIGNED_IN, "api.totp_off": SIGNED_IN,
    "auth.totp_off": SIGNED_IN,
    "api.totp_confirm": SIGNED_IN, "api.session_end": SIGNED_IN, "api.sessions_end_all": SIGNED_IN,
    "api.staff_totp_reset": MD, "staff.staff_totp_reset": MD,
    "inbox.inbox": SIGNED_IN, "inbox.open_item": SIGNED_IN, "inbox.mark_read": SIGNED_IN,
    "inbox.mark_all_read": SIGNED_IN, "inbox.preferences": SIGNED_IN, "api.notification_list": SIGNED_IN,
    "api.notification_read": SIGNED_IN, "api.notification_read_all": SIGNED_IN,
    "api.notification_preferences": SIGNED_IN, "api.notification_preferences_set": SIGNED_IN,
    "staff.failed_mail": MD,
    # issue 12 item 4: exports are jobs; the walked export is nobody's (a 404 for everyone, tested apart)
    "staff.export_request": ORTHO_VIEW, "staff.exports": STAFF, "staff.export_download": STAFF,
    "api.export_create": ORTHO_VIEW, "api.export_list": STAFF, "api.export_get": STAFF,
    # issue 17 items 5 and 6: customer search for every staff member (each sees only its own), MD's register
    "staff.customer_search": STAFF, "api.search_customers": STAFF, "staff.customer_register": MD,
    "staff.customer_register_csv": MD, "staff.customer_register_xlsx": MD, "api.register_of_companies": MD,
    # issue 17: a person reviews file-checked documents: MD, or a department the customer deals with
    "staff.document_review_queue": STAFF - {"leader"}, "staff.document_review": ORTHO_PROSPECTS,
    "api.document_review_queue": STAFF - {"leader"},
    "api.document_review": ORTHO_PROSPECTS,
    # issue 17: files uploaded while a ticket is written (customers only; staff attach once it exists)
    "customer.ticket_draft_request": CUSTOMER, "api.ticket_upload_create": CUSTOMER,
    # issue 18 item 4: may we sell? for every staff member (each in its own department, MD anywhere); MD's classes
    "staff.eligibility_page": STAFF, "api.eligibility_one": STAFF, "api.eligibility_batch": STAFF,
    "staff.device_classes_page": MD, "api.product_device_class": MD, "api.device_class_rules": MD,
    # issue 18 item 6 (ONB-1): only MD brings in existing customers
    "staff.customer_import": MD, "staff.customer_import_template_csv": MD, "staff.customer_import_template_xlsx": MD,
    "api.customers_import": MD,
    # REL-3: contracts: the department drafts and signs, its leader approves (MD too: above MD's threshold only
    # MD), the leader terminates; MD sets the threshold; a customer reads its own signed contracts
    "api.department_contracts": ORTHO_VIEW, "api.contract_detail": ORTHO_VIEW, "api.contract_create": ORTHO_REVIEW,
    "api.contract_edit": ORTHO_REVIEW, "api.contract_submit": ORTHO_REVIEW, "api.contract_sign": ORTHO_REVIEW,
    "api.contract_amend": ORTHO_REVIEW, "api.contract_approve": ORTHO_MANAGE, "api.contract_send_back": ORTHO_MANAGE,
    "api.contract_terminate": ORTHO_MANAGE, "api.contract_threshold": MD, "api.own_contracts": CUSTOMER,
    "staff.contract_list": ORTHO_VIEW, "staff.contract": ORTHO_VIEW, "staff.contract_new": ORTHO_REVIEW,
    "staff.contract_step": ORTHO_VIEW, "staff.contract_terms": ORTHO_REVIEW, "staff.contract_amend": ORTHO_REVIEW,
    "staff.contract_sign": ORTHO_REVIEW, "staff.contract_send_back": ORTHO_MANAGE,
    "staff.contract_terminate": ORTHO_MANAGE, "staff.contract_threshold": MD,
    "customer.contracts_page": CUSTOMER, "customer.contract": CUSTOMER,
    # issue 18 item 2: the ERP's orders and receivables, imported by the department's leader or rep (MD anywhere)
    "staff.sales_page": ORTHO_VIEW, "staff.sales_page POST": ORTHO_IMPORT, "staff.sales_template": ORTHO_IMPORT,
    "staff.sales_upload_request": ORTHO_IMPORT, "staff.sales_import_confirm": IMPORTERS,
    "api.sales_import_create": ORTHO_IMPORT, "api.sales_import_confirm": IMPORTERS,
    "api.sales_import_get": IMPORTERS,
    # issue 18 item 5: short supply, the department's open orders by grade (RGT-2)
    "staff.backlog_page": ORTHO_VIEW, "api.department_backlog": ORTHO_VIEW,
    "api.orders_batch": ORTHO_IMPORT, "api.receivables_batch": ORTHO_IMPORT, "api.receivables_ageing": ORTHO_VIEW,
}
# routes that end the walker's own session or token: walked last, each followed by a fresh sign-in
ENDS_SESSION = {"auth.sessions_end_all", "api.sessions_end_all", "api.token_sign_out"}


# An allowed user never gets a 5xx, and a GET always answers 2xx/3xx. The walk sends empty forms and bodies, so
# an allowed POST/PUT/PATCH may be refused for that content: on the API only with an error its OpenAPI document
# lists for the operation (400 malformed, 404 names nothing, 409 conflict, 422 invalid fields), on pages only as
# listed here, each with its reason.
CONTENT_ERRORS = {400, 404, 409, 422}
PAGE_CONTENT_ERRORS = {
    "staff.staff_active POST": 400,  # the empty form has no action and no version
    "staff.change_tasks POST": 404,  # the empty form names no change task
    "staff.misconduct_inbox POST": 404,  # the empty form names no report
    "staff.jobs POST": 404,  # the empty form names no job
    "staff.ticket_file_confirm POST": 404,  # the walked file is the customer's upload: only its uploader confirms
    "customer.document_confirm POST": 409,  # the walked document was confirmed when it was uploaded
    "customer.ticket_file_confirm POST": 409,  # the walked ticket file too
    "customer.document_request POST": 422,  # JSON answers to the upload script: the empty form's fields
    "customer.ticket_file_request POST": 422,
    "customer.ticket_draft_request POST": 422,  # the same JSON answer for a new ticket's files
    "staff.ticket_file_request POST": 422,
    "auth.reset_password GET": 404,  # the walked token is no reset link: the page says so, next to a new-link button
    "auth.reset_password POST": 404,
    "account.verify GET": 404,  # the walked token is no verification link either
    "account.verify POST": 404,
    "account.invitation GET": 404,  # nor an invitation
    "account.invitation POST": 404,
    "customer.colleague POST": 400,  # the empty form names no action
    "api.invitation_get GET": 404,  # the walked token is no invitation: the API says so
    "auth.login_link POST": 404,  # the walked token is no sign-in link
    "auth.session_end POST": 404,  # the walked handle names none of the walker's sessions
    "inbox.open_item POST": 404,  # the walked notification id is nobody's (someone else's is a 404 too)
    "inbox.mark_read POST": 404,
    "staff.export_download GET": 404,  # the walked export id is nobody's (someone else's is a 404 too)
    "api.export_get GET": 404,
    "api.eligibility_one GET": 422,  # the walk sends no `dept` and `product`: the API names them
    "staff.contract_step POST": 400,  # the empty form names no step
    "customer.contract GET": 404,  # the walked contract is a draft: the customer sees signed ones only
    "api.sales_import_get GET": 404,  # the walked import id is nobody's (someone else's is a 404 too)
    "staff.sales_import_confirm POST": 404,
    "staff.sales_upload_request POST": 422,  # JSON answers to the upload script: the empty form's fields
    "api.department_backlog GET": 422,  # the walk sends no `product`: the API names it
}


def allowed_answer_problem(rule, method: str, status: int, spec: dict) -> str | None:
    """Why an allowed user's answer is wrong (a 5xx, a 4xx not explained by the request's own content), or None."""
    if status < 400:
        return None
    if status >= 500:
        return "server error"
    if PAGE_CONTENT_ERRORS.get(f"{rule.endpoint} {method}") == status:
        return None
    if method == "GET":
        return "an allowed GET must answer 2xx/3xx"
    if rule.rule.startswith("/api/v1/"):
        documented = spec["paths"][openapi_path(rule.rule[len("/api/v1"):])][method.lower()]["responses"]
        if status in CONTENT_ERRORS and str(status) in documented:
            return None
        return f"not an error the API documents for the request's content ({sorted(documented)})"
    if PAGE_CONTENT_ERRORS.get(f"{rule.endpoint} {method}") == status:
        return None
    return "not a listed error for the empty form"


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def url_for_rule(rule, ids):
    fixed = {"auth.set_language": {"code": "en"}, "site.show": {"lang": "zh", "page": "admission"},
             "auth.session_end": {"handle": "0" * 16}, "api.session_end": {"handle": "0" * 16}}.get(
        rule.endpoint, {})  # the language switch, the public site's pages, a session handle naming none
    values = {arg: fixed[arg] if arg in fixed else ids[arg] for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule, _ in routes(app)}
    assert endpoints == {key.split()[0] for key in EXPECTED}, "a route was added or removed: say who may use it here"


@pytest.fixture
def walk_app(app):
    app.config["WTF_CSRF_ENABLED"] = False  # access is what is walked here; CSRF has its own tests
    return app


@pytest.fixture
def walk_ids(walk_app):
    """A customer that applied to `ortho`, its document and application, and an `ortho` prospect."""
    from tests.walk import build_world

    return build_world()


def _walker(app, who: str):
    """A client signed in as `who` (none for anonymous) and the headers of an API token of theirs."""
    client = app.test_client()
    if who == "anonymous":
        return client, {}
    email = "buyer@customer.cn" if who == "customer" else f"{who}@demo.local"
    assert sign_in(client, email).status_code == 302
    return client, {"Authorization": f"Bearer {api_token(app.test_client(), email)}"}


def test_SEC_1_every_route_admits_exactly_the_expected_users(walk_app, walk_ids):
    ids = walk_ids
    spec = walk_app.test_client().get("/api/v1/openapi.json").get_json()
    surprises = []
    for who in IDENTITIES:
        client, headers = _walker(walk_app, who)
        for rule, method in sorted(routes(walk_app), key=lambda route: route[0].endpoint in ENDS_SESSION):
            if rule.endpoint == "auth.logout":
                continue  # would end this walker's session; covered in test_sign_in
            if rule.endpoint in ENDS_SESSION:
                client, headers = _walker(walk_app, who)  # each gets a live session and token to end
            url = url_for_rule(rule, ids)
            is_api = url.startswith("/api/")
            kwargs = {"headers": headers, "json": {}} if is_api and method != "GET" else (
                {"headers": headers} if is_api else {"data": {}})
            response = client.open(url, method=method, **kwargs)
            allowed = who in EXPECTED.get(f"{rule.endpoint} {method}", EXPECTED[rule.endpoint])
            got_in = response.status_code not in (401, 403) and not (
                response.status_code == 302 and response.headers["Location"].startswith("/login"))
            if rule.endpoint in ("auth.index", "auth.set_language", "auth.login_totp"):
                got_in = response.status_code == 302
            if rule.endpoint == "auth.sessions_end_all":  # signed out on purpose: to the sign-in page, no `next`
                got_in = response.status_code == 302 and "next=" not in response.headers["Location"]
            if got_in != allowed:
                surprises.append(f"{who} {method} {url}: {response.status_code} (allowed={allowed})")
            elif allowed and (problem := allowed_answer_problem(rule, method, response.status_code, spec)):
                surprises.append(f"{who} {method} {url}: {response.status_code}: {problem}")
    assert surprises == [], "\n".join(surprises)


def test_refused_access_is_audited(walk_app):
    import time_machine

    from portal.adapters.clock import utc_now
    from portal.adapters.tables import AuditEvent
    from portal.domain.timeutil import shanghai_day

    with time_machine.travel(utc_now(), tick=False):  # the day is read once, before acting, on a stopped clock
        day = shanghai_day(utc_now()).isoformat()
        client = walk_app.test_client()
        sign_in(client, "rehab.rep@demo.local")
        assert client.get("/staff/departments/ortho").status_code == 403
    refused = [e for e in AuditEvent.query(day) if e.outcome == "refused" and e.actor_email == "rehab.rep@demo.local"]
    assert refused and refused[-1].action == "access.refused"
    assert refused[-1].ip == "127.0.0.1"
