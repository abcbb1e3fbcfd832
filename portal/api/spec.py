"""OpenAPI 3 document built from the registered routes and the very forms that validate their bodies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

OPERATIONS: list[Operation] = []


@dataclass(frozen=True)
class Operation:
    """One documented API operation."""

    rule: str
    method: str
    summary: str
    form: type | None = None
    response: str | None = None
    status: int = 200
    auth: bool = True
    perm: object = None
    body: dict | None = None  # a JSON schema, for bodies that are not flat forms
    query: tuple[str, ...] = field(default_factory=tuple)


def operation(bp, rule: str, method: str, summary: str, **kwargs):
    """Register a view on `bp` and document it in the same step, so route and document cannot drift."""

    from portal.web import signed_in_required, staff_required

    op = Operation(rule, method, summary, **kwargs)

    def decorator(view):
        guarded = view
        if op.perm is not None:
            guarded = staff_required(op.perm)(view)  # checked before the body is even read
        elif op.auth:
            guarded = signed_in_required(view)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=guarded, methods=[method])
        OPERATIONS.append(op)
        return view

    return decorator


def openapi_path(rule: str) -> str:
    """Flask's `<name>` placeholders in OpenAPI's `{name}` form."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def form_schema(form_class) -> dict:
    """JSON schema of what a WTForms form accepts: the API validates bodies with the same form."""
    props, required = {}, []
    form = form_class(meta={"csrf": False})
    for f in form:
        schema = _field_schema(f)
        if f.description:
            schema["description"] = str(f.description)
        props[f.name] = schema
        if any(isinstance(v, DataRequired | InputRequired) for v in f.validators):
            required.append(f.name)
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def _field_schema(f) -> dict:
    if isinstance(f, BooleanField):
        return {"type": "boolean"}
    if isinstance(f, IntegerField):
        schema = {"type": "integer"}
        for v in f.validators:
            if isinstance(v, NumberRange) and v.min is not None:
                schema["minimum"] = v.min
        return schema
    schema = {"type": "string"}
    if isinstance(f, SelectField) and f.choices:
        schema["enum"] = [choice.value for choice in f.choices]
    if isinstance(f, EmailField):
        schema["format"] = "email"
    if isinstance(f, PasswordField):
        schema["format"] = "password"
    for v in f.validators:
        if isinstance(v, Length):
            if v.min and v.min > 0:
                schema["minLength"] = v.min
            if v.max and v.max > 0:
                schema["maxLength"] = v.max
    return schema


ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "fields"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    }}},
}
DEPARTMENT = {"type": "object", "properties": {
    "id": {"type": "string"}, "name_zh": {"type": "string"}, "name_en": {"type": "string"},
    "kind": {"type": "string", "enum": ["company", "sales"]}, "version": {"type": "integer"}}}
STAFF = {"type": "object", "properties": {
    "id": {"type": "string"}, "email": {"type": "string"}, "name": {"type": "string"},
    "role": {"type": "string"}, "department": {"type": "string"}, "active": {"type": "boolean"},
    "version": {"type": "integer"}}}
PRODUCT = {"type": "object", "properties": {
    "id": {"type": "string"}, "department": {"type": "string"}, "name_zh": {"type": "string"},
    "name_en": {"type": "string"}, "active": {"type": "boolean"}, "version": {"type": "integer"}}}
SCHEMAS = {
    "Error": ERROR,
    "Token": {"type": "object", "properties": {"token": {"type": "string"}, "token_type": {"type": "string"},
                                               "expires_in": {"type": "integer"}}},
    "Me": {"type": "object", "properties": {"id": {"type": "string"}, "email": {"type": "string"},
                                            "name": {"type": "string"}, "kind": {"type": "string"},
                                            "role": {"type": ["string", "null"]},
                                            "department": {"type": ["string", "null"]},
                                            "customer": {"type": ["string", "null"]}}},
    "Department": DEPARTMENT,
    "DepartmentList": {"type": "object", "properties": {"items": {"type": "array", "items": DEPARTMENT}}},
    "Staff": STAFF,
    "StaffPage": {"type": "object", "properties": {"items": {"type": "array", "items": STAFF},
                                                   "cursor": {"type": ["string", "null"]}}},
    "Product": PRODUCT,
    "ProductList": {"type": "object", "properties": {"items": {"type": "array", "items": PRODUCT}}},
    "Customer": {"type": "object", "properties": {k: {"type": ["string", "integer", "null"]} for k in (
        "id", "name", "credit_code", "kind", "hospital_level", "beds", "region", "industry", "scale",
        "contact_name", "mobile", "email")}},
    "Document": {"type": "object", "properties": {k: {"type": ["string", "integer", "boolean", "null"]} for k in (
        "id", "customer", "type", "status", "original_name", "content_type", "size", "issue_date", "expiry_date",
        "long_term", "reject_reason", "message")}},
    "DocumentList": {"type": "object", "properties": {"items": {"type": "array",
                                                                "items": {"$ref": "#/components/schemas/Document"}}}},
    "UploadTicket": {"type": "object", "properties": {"document_id": {"type": "string"}, "url": {"type": "string"},
                                                      "fields": {"type": "object"}}},
    "RegistrationReceived": {"type": "object", "required": ["status", "email", "message"], "properties": {
        "status": {"type": "string", "enum": ["received"]}, "email": {"type": "string"},
        "message": {"type": "string"}}},
    "DocumentTypeList": {"type": "object", "properties": {"items": {"type": "array", "items": {
        "type": "object", "properties": {"id": {"type": "string"}, "name_zh": {"type": "string"},
                                         "name_en": {"type": "string"},
                                         "required_for": {"type": "array", "items": {"type": "string", "enum": [
                                             "enterprise", "medical", "retail", "internal"]}}}}}}},
    "Link": {"type": "object", "properties": {"url": {"type": "string"}}},
    "Application": {"type": "object", "properties": {"id": {"type": "string"}, "status": {
        "type": "string", "enum": ["submitted", "admitted", "rejected"]}, "conditions": {"type": "object"},
        "version": {"type": "integer"}}},
    "ApplicationPage": {"type": "object", "properties": {"items": {"type": "array", "items": {
        "$ref": "#/components/schemas/Application"}}, "cursor": {"type": ["string", "null"]}}},
    "StandingPage": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}},
                                                      "cursor": {"type": ["string", "null"]}}},
    "Standing": {"type": "object", "properties": {
        "department": {"type": "string"}, "customer": {"type": "string"}, "name": {"type": "string"},
        "grade": {"type": "string", "enum": ["VIP", "PREFERRED", "QUALIFIED"]},
        "priority_rank": {"type": "integer", "minimum": 1, "maximum": 3}, "products": {"type": "array"}}},
    "Evaluation": {"type": "object", "properties": {
        "id": {"type": "string"}, "total": {"type": "number"}, "points": {"type": "object"},
        "proposed": {"type": "string"}, "capped_by": {"type": "array"}, "scorecard": {"type": "object"}}},
    "GradeChange": {"type": "object", "properties": {
        "id": {"type": "string"}, "kind": {"type": "string"}, "status": {"type": "string"},
        "from": {"type": ["string", "null"]}, "to": {"type": ["string", "null"]}, "reason": {"type": "string"},
        "by": {"type": "string"}, "at": {"type": "string"}, "evaluation": {"type": ["string", "null"]},
        "override_reason": {"type": ["string", "null"]}}},
    "GradeHistory": {"type": "object", "properties": {"items": {"type": "array", "items": {
        "$ref": "#/components/schemas/GradeChange"}}}},
    "Quota": {"type": "object", "properties": {k: {"type": "integer"} for k in (
        "total", "vip", "preferred", "qualified", "max_vip", "max_preferred")}},
    "Priorities": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}},
    "Scorecard": {"type": "object", "properties": {"scope": {"type": "string"}, "card_id": {"type": "string"},
                                                   "version": {"type": "integer"}, "definition": {"type": "object"}}},
    "BlacklistEntry": {"type": "object", "properties": {k: {"type": ["string", "boolean", "null"]} for k in (
        "id", "customer", "customer_name", "scope", "active", "reason", "listed_by", "listed_at", "expires_on",
        "ended_how", "ended_at")}},
    "BlacklistList": {"type": "object", "properties": {"items": {"type": "array", "items": {
        "$ref": "#/components/schemas/BlacklistEntry"}}}},
    "Ticket": {"type": "object", "properties": {
        "id": {"type": "string"}, "status": {"type": "string"}, "grade": {"type": ["string", "null"]},
        "rating": {"type": ["integer", "null"]}, "version": {"type": "integer"}}},
    "TicketFileUpload": {"type": "object", "properties": {"file_id": {"type": "string"}, "url": {"type": "string"},
                                                          "fields": {"type": "object"}}},
    "TicketFile": {"type": "object", "properties": {k: {"type": ["string", "integer", "null"]} for k in (
        "id", "name", "content_type", "size", "status", "reject_reason", "message", "by", "at")}},
    "Visit": {"type": "object", "properties": {k: {"type": ["string", "integer", "null"]} for k in (
        "id", "department", "customer", "customer_name", "planned_on", "mode", "purpose", "assignee", "status",
        "notes", "grade", "version")}},
    "VisitList": {"type": "object", "properties": {"items": {"type": "array", "items": {
        "$ref": "#/components/schemas/Visit"}}}},
    "TicketList": {"type": "object", "properties": {"items": {"type": "array", "items": {
        "$ref": "#/components/schemas/Ticket"}}}},
    "AuditPage": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}},
                                                   "cursor": {"type": ["string", "null"]}}},
}
QUERY_PARAMS = {
    "cursor": {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "next page"},
    "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    "day": {"name": "day", "in": "query", "schema": {"type": "string", "format": "date"}},
    "actor": {"name": "actor", "in": "query", "schema": {"type": "string"}, "description": "user id"},
    "department": {"name": "department", "in": "query", "schema": {"type": "string"}},
    "action": {"name": "action", "in": "query", "schema": {"type": "string"}},
    "scope": {"name": "scope", "in": "query", "schema": {"type": "string"}, "description": "company or a department"},
    "all": {"name": "all", "in": "query", "schema": {"type": "string", "enum": ["1"]}, "description": "ended too"},
    "grade": {"name": "grade", "in": "query", "schema": {"type": "string", "enum": ["VIP", "PREFERRED", "QUALIFIED"]}},
}


def _error_responses(op: Operation) -> dict:
    codes = {"400": "Malformed request", "422": "Invalid fields", "429": "Throttled"} if op.form or op.body else {}
    if op.auth:
        codes.update({"401": "Not signed in", "403": "Not allowed", "404": "Not found"})
    if op.method in ("POST", "PATCH") and op.auth:
        codes["409"] = "Conflict: exists already, or changed since read (version)"
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {code: {"description": text, "content": ref} for code, text in codes.items()}


def document(server_url: str = "/api/v1") -> dict:
    """The OpenAPI 3.1 document of every registered operation."""
    paths: dict = {}
    for op in OPERATIONS:
        item = {"summary": op.summary, "operationId": f"{op.method.lower()}_{op.rule}", "responses": {}}
        params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                  for n in re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", op.rule)]
        params += [QUERY_PARAMS[q] for q in op.query]
        if params:
            item["parameters"] = params
        if op.form or op.body:
            schema = form_schema(op.form) if op.form else op.body
            item["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
        ok = {"description": "OK"}
        if op.response:
            ok["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{op.response}"}}}
        item["responses"][str(op.status)] = ok
        item["responses"].update(_error_responses(op))
        if op.auth:
            item["security"] = [{"bearer": []}]
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = item
    return {
        "openapi": "3.1.0",
        "info": {"title": "Customer portal API 客户管理门户接口", "version": "1"},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
