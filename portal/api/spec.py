"""OpenAPI 3.1 document built from the registered routes and the very forms that validate their bodies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import wraps

from portal.api.form_schema import form_schema
from portal.api.schemas import QUERY_PARAMS, SCHEMAS

OPERATIONS: list[Operation] = []
ERROR_TEXTS = {400: "Malformed request: the body is not a JSON object", 401: "Not signed in",
               403: "Not allowed", 404: "Not found", 409: "Conflict: exists already, or changed since read (version)",
               422: "Invalid fields or parameters (named in `fields`)", 429: "Throttled",
               503: "Briefly unavailable (not the caller's fault): retry after `Retry-After` seconds; a committed "
                    "change is never answered with an error"}


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
    required_query: tuple[str, ...] = ()  # those of `query` the operation cannot answer without (422 when absent)
    errors: tuple[int, ...] = ()  # answers besides those every operation of its kind may give

    def body_schema(self) -> dict | None:
        """The schema of the JSON body, if the operation takes one."""
        return form_schema(self.form) if self.form else self.body

    def error_codes(self) -> list[int]:
        """Every error status the operation can answer with."""
        codes = set(self.errors) | {503}  # any call may meet a store that is briefly unavailable (issue 13)
        if self.form or self.body:
            codes |= {400, 422}
        if self.query:
            codes.add(422)
        if self.auth:
            codes |= {401, 403, 404}
            if self.method in ("POST", "PATCH", "PUT"):
                codes.add(409)
        return sorted(codes)


def operation(bp, rule: str, method: str, summary: str, **kwargs):
    """Register a view on `bp` and document it in the same step, so route and document cannot drift.

    Sign-in and permission are checked first, then the query parameters against their documented schemas; the
    view reads its body (after any check of the record it names) with `validation.parse`.
    """
    from portal.web import signed_in_required, staff_required

    op = Operation(rule, method, summary, **kwargs)

    def decorator(view):
        guarded = _with_checked_query(view, op.query, op.required_query) if op.query else view
        if op.perm is not None:
            guarded = staff_required(op.perm)(guarded)
        elif op.auth:
            guarded = signed_in_required(guarded)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=guarded, methods=[method])
        OPERATIONS.append(op)
        return view

    return decorator


def _with_checked_query(view, names: tuple[str, ...], required: tuple[str, ...] = ()):
    from portal.api.validation import query_value, required_query

    @wraps(view)
    def wrapper(*args, **kwargs):
        required_query(required)
        for name in names:
            query_value(name, QUERY_PARAMS[name])
        return view(*args, **kwargs)

    return wrapper


def openapi_path(rule: str) -> str:
    """Flask's `<name>` placeholders in OpenAPI's `{name}` form."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def _parameters(op: Operation) -> list[dict]:
    params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
              for n in re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", op.rule)]
    for name in op.query:
        schema = {k: v for k, v in QUERY_PARAMS[name].items() if k != "description"}
        param = {"name": name, "in": "query", "schema": schema}
        if name in op.required_query:
            param["required"] = True
        if "description" in QUERY_PARAMS[name]:
            param["description"] = QUERY_PARAMS[name]["description"]
        params.append(param)
    return params


def _responses(op: Operation) -> dict:
    ok = {"description": "OK"}
    if op.response:
        ok["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{op.response}"}}}
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    answers = {str(op.status): ok, **{str(code): {"description": ERROR_TEXTS[code], "content": error}
                                      for code in op.error_codes()}}
    answers["503"]["headers"] = {"Retry-After": {"description": "Seconds to wait before trying again",
                                                 "schema": {"type": "integer", "minimum": 1}}}
    return answers


def document(server_url: str = "/api/v1") -> dict:
    """The OpenAPI 3.1 document of every registered operation."""
    paths: dict = {}
    for op in OPERATIONS:
        item = {"summary": op.summary, "operationId": f"{op.method.lower()}_{op.rule}"}
        if params := _parameters(op):
            item["parameters"] = params
        if (schema := op.body_schema()) is not None:
            item["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
        item["responses"] = _responses(op)
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
