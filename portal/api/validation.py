"""Requests checked against the OpenAPI document's own schemas, before any form or service sees them.

Only the JSON Schema keywords the document uses are implemented (`check` refuses others, so a new keyword cannot
be documented without being enforced). Messages name the field, in the visitor's language.
"""

from __future__ import annotations

import math
import re
from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from portal.services.errors import Invalid, ServiceError
from portal.web.validators import NOT_BLANK

KNOWN = {"type", "enum", "const", "not", "allOf", "anyOf", "minLength", "maxLength", "pattern", "format",
         "minimum", "maximum", "items", "uniqueItems", "minItems", "maxItems", "properties", "required",
         "additionalProperties", "dependentRequired", "description"}
TYPES = {"string": str, "boolean": bool, "object": dict, "array": list}
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadRequest(ServiceError):
    """A body that is not a JSON object."""

    status = 400
    code = "invalid_json"

    def default_message(self):
        return _l("The body must be a JSON object (Content-Type: application/json).")


def json_object() -> dict:
    """The request's JSON object body; 400 otherwise (called after the sign-in and permission checks)."""
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise BadRequest()
    return body


def parse(form_class):
    """Check the JSON body against `form_class`'s documented schema, then validate it with the form; 422 otherwise."""
    from portal.api.form_schema import form_schema

    schema = form_schema(form_class)
    body = checked_body(schema, whole=False)
    form = form_class(formdata=form_data(body), meta={"csrf": False})
    if not form.validate():
        raise Invalid(fields={k: [str(m) for m in v] for k, v in form.errors.items()})
    checked_body(schema)  # rules across fields: the form checked them with its messages; the schema agrees
    return form


def checked_body(schema: dict, whole: bool = True) -> dict:
    """The JSON body, refused with 422 naming each field that breaks `schema` (`whole`: also rules across fields)."""
    body = json_object()
    unknown = sorted(set(body) - set(schema.get("properties", {})))
    if unknown and schema.get("additionalProperties") is False:  # said alone: the rest may be a misspelling
        raise Invalid(fields={name: [_l("Unknown field.")] for name in unknown})
    problems = {}
    for name in schema.get("required", []):
        if name not in body:
            problems[name] = [_l("This field is required.")]
    for name, sub in schema.get("properties", {}).items():
        if name in body and (message := check(sub, body[name])):
            problems[name] = [message]
    for name, others in schema.get("dependentRequired", {}).items():
        for other in others:
            if name in body and other not in body:
                problems[other] = [_l("Give it with %(name)s.", name=name)]
    across = {k: v for k, v in schema.items() if k in ("allOf", "anyOf")}
    if whole and not problems and (message := check(across, body)):
        problems["_"] = [message]
    if problems:
        raise Invalid(fields=problems)
    return body


def form_data(body: dict) -> MultiDict:
    """A checked JSON body as the form data WTForms reads (true/false, whole numbers, lists)."""
    data = MultiDict()
    for key, value in body.items():
        if isinstance(value, bool):
            data[key] = "y" if value else ""
        elif isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        elif isinstance(value, float):
            data[key] = str(int(value))  # only whole numbers pass an integer schema
        else:
            data[key] = str(value)
    return data


def required_query(names: tuple[str, ...]) -> None:
    """422 naming each required query parameter that is absent."""
    missing = {name: [_l("This field is required.")] for name in names if not request.args.getlist(name)}
    if missing:
        raise Invalid(fields=missing)


def query_value(name: str, schema: dict):
    """A query parameter given at most once, converted to its schema's type and checked; None when absent."""
    values = request.args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise Invalid(fields={name: [_l("Give this parameter once.")]})
    value = values[0]
    kind = schema.get("type")
    if kind == "integer":
        value = int(value) if re.fullmatch(r"-?[0-9]{1,18}", value) else value
    elif kind == "boolean":
        value = {"true": True, "false": False}.get(value, value)
    message = check(schema, value)
    if message:
        raise Invalid(fields={name: [message]})
    return value


def check(schema: dict, value) -> str | None:
    """The first way `value` breaks `schema`, as a message; None when it fits."""
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"schema keyword not enforced: {sorted(unknown)}")
    message = _type_problem(schema.get("type"), value)
    if message:
        return message
    if "const" in schema and value != schema["const"]:
        return str(_l("Not an allowed value."))
    if "enum" in schema and value not in schema["enum"]:
        return str(_l("Choose one of: %(values)s.", values=", ".join(map(str, schema["enum"]))))
    if "not" in schema and check(schema["not"], value) is None:
        return str(_l("Not an allowed value."))
    for sub in schema.get("allOf", []):
        if message := check(sub, value):
            return message
    if "anyOf" in schema and all(check(sub, value) for sub in schema["anyOf"]):
        return check(schema["anyOf"][-1], value)
    if isinstance(value, str):
        return _string_problem(schema, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_problem(schema, value)
    if isinstance(value, list):
        return _array_problem(schema, value)
    if isinstance(value, dict):
        return _object_problem(schema, value)
    return None


def _type_problem(kind, value) -> str | None:
    if kind is None:
        return None
    kinds = kind if isinstance(kind, list) else [kind]
    for k in kinds:
        if k == "null" and value is None:
            return None
        if k == "integer" and _is_integer(value):
            return None
        if k == "number" and isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return None
        if k in TYPES and isinstance(value, TYPES[k]):
            return None
    names = {"string": _l("text"), "integer": _l("a whole number"), "number": _l("a number"),
             "boolean": _l("true or false"), "object": _l("an object"), "array": _l("a list"), "null": "null"}
    return str(_l("Must be %(kind)s.", kind=" / ".join(str(names[k]) for k in kinds)))


def _is_integer(value) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value) and value.is_integer())


def _string_problem(schema: dict, value: str) -> str | None:
    if len(value) < schema.get("minLength", 0):
        if schema.get("minLength") == 1:
            return str(_l("This field is required."))
        return str(_l("At least %(n)s characters.", n=schema["minLength"]))
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return str(_l("At most %(n)s characters.", n=schema["maxLength"]))
    if "pattern" in schema and not re.search(schema["pattern"], value):
        if schema["pattern"] == NOT_BLANK:
            return str(_l("This field is required."))
        return str(_l("Not in the expected form."))
    if schema.get("format") == "date" and not _is_date(value):
        return str(_l("Use the form YYYY-MM-DD."))
    if schema.get("format") == "email" and "@" not in value:
        return str(_l("Not in the expected form."))
    return None


def _is_date(value: str) -> bool:
    try:
        return bool(DATE.fullmatch(value)) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _number_problem(schema: dict, value) -> str | None:
    if "minimum" in schema and value < schema["minimum"]:
        return str(_l("At least %(n)s.", n=schema["minimum"]))
    if "maximum" in schema and value > schema["maximum"]:
        return str(_l("At most %(n)s.", n=schema["maximum"]))
    return None


def _array_problem(schema: dict, value: list) -> str | None:
    if len(value) < schema.get("minItems", 0):
        return str(_l("At least %(n)s items.", n=schema["minItems"]))
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        return str(_l("At most %(n)s items.", n=schema["maxItems"]))
    if schema.get("uniqueItems") and len({repr(v) for v in value}) < len(value):
        return str(_l("Each item only once."))
    for item in value:
        if "items" in schema and (message := check(schema["items"], item)):
            return message
    return None


def _object_problem(schema: dict, value: dict) -> str | None:
    for name in schema.get("required", []):
        if name not in value:
            return str(_l("%(name)s is required.", name=name))
    for name, others in schema.get("dependentRequired", {}).items():
        if name in value and any(other not in value for other in others):
            return str(_l("Give %(others)s with %(name)s.", others=", ".join(others), name=name))
    props = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        sub = props.get(name, extra if isinstance(extra, dict) else None)
        if sub is None and extra is False:
            return str(_l("Unknown field: %(name)s.", name=name))
        if isinstance(sub, dict) and (message := check(sub, item)):
            return message
    return None
