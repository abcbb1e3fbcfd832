"""Schemas of what the API answers (components of the OpenAPI document) and of its query parameters."""

from __future__ import annotations

from portal.domain.customers import HOSPITAL_LEVELS
from portal.services.audit_trail import FIRST_DAY, LAST_DAY
from portal.services.paging import CURSOR_MAX_LENGTH, CURSOR_PATTERN

# The audit's days are a whole millennium, so one digit says it in the pattern below (checked here at import).
assert (FIRST_DAY.month, FIRST_DAY.day, FIRST_DAY.year % 1000, LAST_DAY.year - FIRST_DAY.year) == (1, 1, 0, 999)

S = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time"}
DAY = {"type": "string", "format": "date"}
GRADE = {"type": "string", "enum": ["VIP", "PREFERRED", "QUALIFIED"]}
CURSOR = {"type": ["string", "null"], "description": "give it back as `cursor` for the next page; null on the last"}


def opt(schema: dict) -> dict:
    """`schema` or null."""
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    out = {**schema, "type": [*kinds, "null"]}
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def obj(required: tuple[str, ...] = (), **props) -> dict:
    """An object with these properties (`required` always present)."""
    schema = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return schema


def ref(name: str) -> dict:
    """A reference to a component."""
    return {"$ref": f"#/components/schemas/{name}"}


def items_of(schema: dict, paged: bool = False) -> dict:
    """A list answer: `items`, and `cursor` when it comes a page at a time."""
    props = {"items": {"type": "array", "items": schema}}
    if paged:
        props["cursor"] = CURSOR
    return obj(tuple(props), **props)


ERROR = obj(("error",), error=obj(("code", "message", "fields"), code=S, message=S, fields={
    "type": "object", "additionalProperties": {"type": "array", "items": S}}))
DEPARTMENT = obj(("id",), id=S, name_zh=S, name_en=S, kind={"type": "string", "enum": ["company", "sales"]},
                 version=INT)
STAFF = obj(("id",), id=S, email=S, name=S, role=S, department=S, active=BOOL, version=INT)
PRODUCT = obj(("id",), id=S, department=S, name_zh=S, name_en=S, active=BOOL, version=INT)
CUSTOMER = obj(("id",), id=S, name=S, credit_code=S, kind=S, hospital_level=opt({"type": "string",
               "enum": list(HOSPITAL_LEVELS)}), beds=opt(INT), region=S, industry=S, scale=S, contact_name=S,
               mobile=S, email=S, mailing_address=opt(S))
COMPANY_ROLE = {"type": "string", "enum": ["admin", "member"]}
COLLEAGUE = obj(("id", "status", "role"), id=S, name=opt(S), email=S, role=COMPANY_ROLE,
                status={"type": "string", "enum": ["active", "disabled", "invited"]}, invited_by=opt(S),
                invite_expires=opt(TIME), version=INT)
DOCUMENT = obj(("id",), id=S, customer=S, type=S, status=S, original_name=opt(S), content_type=opt(S),
               size=opt(INT), issue_date=opt(S), expiry_date=opt(S), long_term=BOOL, reject_reason=opt(S),
               message=opt(S), reviewed=BOOL, reviewed_at=opt(TIME), reviewed_by=opt(S), refusal_note=opt(S),
               version=opt(INT))
APPLICATION = obj(("id", "status"), id=S, customer=S, customer_name=S, department=S, products={
    "type": "array", "items": S}, status={"type": "string", "enum": ["submitted", "admitted", "rejected"]},
    assignee=opt(S), background_check={"type": ["object", "null"]}, conditions={"type": "object"},
    decision_reason=opt(S), decided_by=opt(S), decided_at=opt(TIME), submitted_at=TIME, version=INT)
STANDING = obj(("customer", "grade"), department=S, customer=S, name=S, grade=GRADE,
               priority_rank={"type": "integer", "minimum": 1, "maximum": 3}, products={"type": "array", "items": S},
               admitted_at=TIME)
GRADE_CHANGE = obj(("id",), id=S, department=S, kind=S, status=S, to=opt(S), reason=opt(S), evaluation=opt(S),
                   override_reason=opt(S), no_evaluation_reason=opt(S), proposed_by=opt(S), by=S, at=TIME,
                   **{"from": opt(S)})
BLACKLIST_ENTRY = obj(("id",), id=S, customer=S, customer_name=S, scope=S, active=BOOL, reason=S, listed_by=S,
                      listed_at=TIME, expires_on=opt(S), ended_how=opt(S), ended_at=opt(TIME))
TICKET = obj(("id", "status"), id=S, customer=S, customer_name=S, department=S, kind=S, channel=S, subject=S,
             description=S, status=S, grade=opt(S), first_response_due=TIME, resolution_due=TIME,
             rating=opt(INT), comment=opt(S), breaches={"type": "array", "items": S}, version=INT,
             timeline={"type": "array", "items": {"type": "object"}})
TICKET_FILE = obj(("id",), id=S, name=opt(S), content_type=opt(S), size=opt(INT), status=opt(S),
                  reject_reason=opt(S), message=opt(S), by=S, at=TIME)
VISIT = obj(("id",), id=S, department=S, customer=S, customer_name=S, planned_on=S, mode=S, purpose=S,
            assignee=S, status=S, notes=opt(S), grade=opt(GRADE), version=INT, overdue=opt(BOOL))
CONTRACT_VERSION = obj(("number", "state"), number=INT, contract_no=S, title=S, amount=INT, start_date=DAY,
                       end_date=DAY, state=S, note=opt(S), approved_by=opt(S), signed_scan=opt(S))
CONTRACT = obj(("id", "state"), id=S, department=S, customer=S, customer_name=S, contract_no=S, title=S, amount=INT,
               start_date=DAY, end_date=DAY, state=S, signed_version=opt(INT), latest_version=INT,
               ended_reason=opt(S), version=INT, versions={"type": "array", "items": CONTRACT_VERSION},
               history={"type": "array", "items": {"type": "object"}})
AUDIT_EVENT = obj(("id", "at", "action"), id=S, at=TIME, actor=opt(S), actor_email=opt(S), role=opt(S),
                  department=opt(S), action=S, outcome=opt(S), target_type=opt(S), target_id=opt(S),
                  detail=opt(S), ip=opt(S))
UPLOAD = {"url": S, "fields": {"type": "object", "additionalProperties": S}}
TIMELINE_ENTRY = obj(("at", "action", "detail", "automatic"), at=TIME, action=S, detail={"type": "object"},
                     who=opt(S), department=opt(S), automatic=BOOL)

SCHEMAS = {
    "Error": ERROR,
    "Token": obj(("token", "token_type", "expires_in"), token=S, token_type={"type": "string", "enum": ["Bearer"]},
                 expires_in=INT),
    "Me": obj(("id", "kind"), id=S, email=S, name=S, kind={"type": "string", "enum": ["staff", "customer"]},
              role=opt(S), department=opt(S), customer=opt(S)),
    "Department": DEPARTMENT,
    "DepartmentList": items_of(DEPARTMENT),
    "Staff": STAFF,
    "StaffPage": items_of(STAFF, paged=True),
    "Product": PRODUCT,
    "ProductList": items_of(PRODUCT),
    "Customer": CUSTOMER,
    "Document": DOCUMENT,
    "ReviewQueue": items_of({**DOCUMENT, "properties": {**DOCUMENT["properties"], "customer_name": S}}, paged=True),
    "DocumentPage": items_of(ref("Document"), paged=True),
    "UploadTicket": obj(("document_id", "url", "fields"), document_id=S, **UPLOAD),
    "ResetRequested": obj(("status", "message"), status={"type": "string", "enum": ["received"]}, message=S),
    "PasswordReset": obj(("status",), status={"type": "string", "enum": ["changed"]}),
    "RegistrationReceived": obj(("status", "email", "message"), status={"type": "string", "enum": ["received"]},
                                email=S, message=S),
    "DocumentTypeList": items_of(obj(("id",), id=S, name_zh=S, name_en=S, required_for={
        "type": "array", "items": {"type": "string", "enum": ["enterprise", "medical", "retail", "internal"]}})),
    "Link": obj(("url",), url=S),
    "Application": APPLICATION,
    "ApplicationPage": items_of(ref("Application"), paged=True),
    "Standing": STANDING,
    "StandingPage": items_of(ref("Standing"), paged=True),
    "Evaluation": obj(("id", "total", "proposed"), id=S, total={"type": "number"}, points={"type": "object"},
                      proposed=GRADE, capped_by={"type": "array", "items": S}, scorecard={"type": "object"},
                      values={"type": "object"}, hard={"type": "object"},
                      computed={"type": "object", "description": "indicator key -> value, source, facts, "
                                                                 "source_text (computed from the facts)"},
                      overrides={"type": "object", "description": "indicator key -> value, computed, reason, by"}),
    "GradeChange": GRADE_CHANGE,
    "GradeHistory": items_of(ref("GradeChange"), paged=True),
    "Timeline": items_of(TIMELINE_ENTRY, paged=True),
    "Quota": obj(("total", "vip", "preferred"), department=S, total=INT, vip=INT, preferred=INT, qualified=INT,
                 max_vip=INT, max_preferred=INT, vip_places_left=INT, preferred_places_left=INT,
                 over_quota={"type": "array", "items": GRADE}, products={"type": "object"}),
    "Priorities": items_of(obj(("department", "grade", "priority_rank"), department=S, grade=GRADE,
                               priority_rank={"type": "integer", "minimum": 1, "maximum": 3})),
    "Scorecard": obj(("scope", "card_id", "version", "definition"), scope=S, card_id=S, version=INT,
                     definition={"type": "object"}),
    "BlacklistEntry": BLACKLIST_ENTRY,
    "BlacklistList": items_of(ref("BlacklistEntry"), paged=True),
    "Ticket": TICKET,
    "TicketList": items_of(ref("Ticket")),
    "TicketFileUpload": obj(("file_id", "url", "fields"), file_id=S, **UPLOAD),
    "TicketDraftUpload": obj(("upload_id", "url", "fields"), upload_id=S, **UPLOAD),
    "TicketFile": TICKET_FILE,
    "Visit": VISIT,
    "VisitList": items_of(ref("Visit"), paged=True),
    "Contract": CONTRACT,  # REL-3
    "ContractList": items_of(ref("Contract"), paged=True),
    "ContractThreshold": obj(("amount",), amount=INT),
    "AuditPage": items_of(AUDIT_EVENT, paged=True),
    # issue 15 items 2-4: accounts
    "Sent": obj(("status", "message"), status={"type": "string", "enum": ["sent"]}, message=S),
    "EmailVerified": obj(("status", "email"), status={"type": "string", "enum": ["verified"]}, email=S),
    "Profile": obj(("id", "email", "verified"), id=S, email=S, name=S, mobile=opt(S), language=opt(S),
                   verified=BOOL, pending_email=opt(S), kind=S,
                   company_role=opt(COMPANY_ROLE), customer=opt(S)),
    "Colleague": COLLEAGUE,
    "ColleagueList": items_of(ref("Colleague")),
    "Invitation": obj(("company", "email", "role", "expires"), company=S, email=S, role=COMPANY_ROLE, expires=TIME),
    "Joined": obj(("status", "email"), status={"type": "string", "enum": ["joined"]}, email=S),
    "SignedOut": obj(("status", "sessions"), status={"type": "string", "enum": ["signed_out"]}, sessions=INT),
    "Security": obj(("totp", "totp_required", "recovery_codes_left", "sessions"), totp=BOOL, totp_required=BOOL,
                    recovery_codes_left=INT, sessions={"type": "array", "items": obj(
                        ("id", "kind", "device", "last_seen", "current"), id=S,
                        kind={"type": "string", "enum": ["web", "api"]}, device=S, ip=opt(S), started=TIME,
                        last_seen=TIME, current=BOOL)}),
    "TotpSetup": obj(("secret", "otpauth_uri"), secret=S, otpauth_uri=S),
    "RecoveryCodes": obj(("recovery_codes",), recovery_codes={"type": "array", "items": S}),
    "Notification": obj(("id", "kind", "title", "read"), id=S, kind=S, title=S, detail=S, link=S, read=BOOL,
                        created_at=opt(TIME)),
    "NotificationPage": {**items_of(ref("Notification"), paged=True),
                         "properties": {**items_of(ref("Notification"), paged=True)["properties"], "unread": INT}},
    "Status": obj(("status",), status=S),
    "Export": obj(("id", "department", "status", "created_at"), id=S, department=S, grade=opt(GRADE),
                  status={"type": "string", "enum": ["pending", "ready", "failed", "expired"]}, rows=opt(INT),
                  created_at=TIME, finished_at=opt(TIME), download_url=opt(S)),
    "ExportPage": items_of(ref("Export"), paged=True),
    "SearchResults": items_of(obj(("id", "name"), id=S, name=S, contact_name=opt(S), credit_code=opt(S),
                                  kind=opt(S)), paged=True),
    "Register": items_of(obj(("id", "name", "departments"), id=S, name=S, credit_code=opt(S), kind=opt(S),
                             registered_at=opt(S), company_blacklisted=BOOL,
                             departments={"type": "array", "items": obj(
                                 ("department", "status"), department=S,
                                 status={"type": "string", "enum": ["registered", "applied", "admitted",
                                                                    "blacklisted"]},
                                 grade=opt(GRADE))}), paged=True),
    "Eligibility": obj(("customer", "department", "product", "eligible", "reasons"), customer=S, department=S,
                       product=S, eligible=BOOL, grade=opt(GRADE), discount_percent=opt(INT),
                       reasons={"type": "array", "items": obj(("code", "ok", "text"), code=S, ok=BOOL, text=S)}),
    "EligibilityBatch": items_of(ref("Eligibility")),
    "CustomerImport": obj(
        ("ok", "dry_run", "problems", "quotas", "companies", "skipped", "created", "remaining"), ok=BOOL,
        dry_run=BOOL, file_problem=opt(S), created=INT, remaining=INT,
        problems={"type": "array", "items": obj(("row", "column", "message"), row=INT, column=S, message=S)},
        quotas={"type": "array", "items": obj(("department", "grade", "would_be", "limit", "message"),
                                              department=S, grade=GRADE, would_be=INT, limit=INT, message=S)},
        companies={"type": "array", "items": obj(
            ("credit_code", "name", "kind", "contact", "standings"), credit_code=S, name=S, kind=S,
            contact=obj(("name", "email", "mobile"), name=S, email=S, mobile=S),
            standings={"type": "array", "items": obj(
                ("department", "grade", "grade_label", "products", "designated"), department=S, grade=GRADE,
                grade_label=S, products={"type": "array", "items": S}, designated=S)})},
        skipped={"type": "array", "items": obj(("credit_code", "name"), credit_code=S, name=S)}),
    "SalesUpload": obj(("id", "url", "fields"), id=S, **UPLOAD),
    "SalesImportStatus": obj(("id", "department", "kind", "status"), id=S, department=S,
                             kind={"type": "string", "enum": ["orders", "receivables"]},
                             status={"type": "string", "enum": ["uploading", "pending", "writing", "done",
                                                                "refused"]},
                             rows=opt(INT), written=INT, created=opt(INT), changed=opt(INT), unchanged=opt(INT),
                             problem_count=opt(INT), problems={"type": "array", "items": S}),
    "Backlog": obj(("department", "product", "items", "more"), department=S, product=S, more=BOOL, items={
        "type": "array", "items": obj(("place", "order_no", "customer", "ordered_on", "quantity", "amount_yuan"),
                                      place=INT, order_no=S, customer=S, customer_name=opt(S), grade=opt(GRADE),
                                      ordered_on=DAY, quantity=INT, amount_yuan=S)}),
    "SalesImport": obj(("rows", "created", "changed", "unchanged"), rows=INT, created=INT, changed=INT,
                       unchanged=INT),
    "Ageing": obj(("department", "today", "total_yuan", "buckets"), department=S, today=DAY, total_yuan=S,
                  buckets={"type": "array", "items": obj(("bucket", "yuan", "invoices"), bucket={
                      "type": "string", "enum": ["current", "d1_30", "d31_90", "over_90"]}, yuan=S, invoices=INT)}),
    "NotificationPreferences": obj(("locale", "modes"), locale={"type": "string", "enum": ["zh", "en"]},
                                   modes={"type": "object", "additionalProperties": {
                                       "type": "string", "enum": ["immediate", "digest", "off"]}}),
}

QUERY_PARAMS = {
    "cursor": {"type": "string", "minLength": 2, "maxLength": CURSOR_MAX_LENGTH, "pattern": CURSOR_PATTERN,
               "description": "the `cursor` of the previous page, as it was given"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "description": "at most this many items (50)"},
    "day": {"type": "string", "format": "date", "pattern": f"^{FIRST_DAY.year // 1000}[0-9]{{3}}-",
            "description": f"YYYY-MM-DD, Asia/Shanghai, {FIRST_DAY} to {LAST_DAY}; today by default"},
    "actor": {"type": "string", "maxLength": 254, "description": "user id"},
    "department": {"type": "string", "maxLength": 32},
    "action": {"type": "string", "maxLength": 64, "description": "actions starting with this"},
    "scope": {"type": "string", "maxLength": 32, "description": "`company` (default) or a department id"},
    "all": {"type": "boolean", "description": "ended entries too (default false)"},
    "grade": GRADE,
    "q": {"type": "string", "minLength": 2, "maxLength": 100, "pattern": "\\S.*\\S",
          "description": "two or more characters of a name, or a credit code, mobile or e-mail"},
    "status": {"type": "string", "enum": ["registered", "applied", "admitted", "blacklisted"]},
    "kind": {"type": "string", "enum": ["enterprise", "medical", "retail", "internal"]},
    "dept": {"type": "string", "minLength": 1, "maxLength": 64, "description": "the department asking"},
    "product": {"type": "string", "minLength": 1, "maxLength": 64, "description": "the product's id"},
}
