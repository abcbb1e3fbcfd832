"""JSON Schema of what a WTForms form accepts, derived from its fields and validators.

The API checks every body against this very schema before the form validates it (`portal.api.validation`), so
the OpenAPI document and the route cannot drift: a rule is written once, as a validator, and both read it.
"""

from __future__ import annotations

import re

import email_validator
from wtforms import BooleanField, DateField, IntegerField, SelectFieldBase, SelectMultipleField
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from portal.web.forms import PortalForm, is_free_text
from portal.web.validators import END, NOT_BLANK, NewPassword, text_pattern


def form_schema(form_class) -> dict:
    """The JSON object a form accepts: one property per field, unknown ones refused."""
    form = form_class(formdata=None, meta={"csrf": False})
    props, required = {}, []
    for f in form:
        props[f.name] = field_schema(f, text_rule=isinstance(form, PortalForm))
        if any(isinstance(v, DataRequired | InputRequired) for v in f.validators):
            required.append(f.name)
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = required
    schema.update(getattr(form_class, "json_schema", {}))  # rules across fields, checked by the form too
    return schema


def field_schema(f, text_rule: bool = False) -> dict:
    """One field's schema: its type, then what each validator adds (`text_rule`: PortalForm's, SEC-2)."""
    schema = _type_of(f)
    if schema["type"] == "array":
        _describe_list(f, schema)
    else:
        patterns: list[str] = []
        for v in f.validators:
            _describe(v, schema, patterns, integer=schema["type"] == "integer")
        if "enum" in schema and NOT_BLANK in patterns:  # a choice: DataRequired only rules out the blank one
            schema["enum"] = [value for value in schema["enum"] if value.strip()]
            schema.pop("minLength", None)
            patterns.remove(NOT_BLANK)
        # A new password's `password` format says the text rule itself (NewPassword's description), so the
        # fuzzer draws it from the format's generator rather than from a pattern.
        if text_rule and schema["type"] == "string" and "enum" not in schema and schema.get("format") != "date" \
                and not any(isinstance(v, NewPassword) for v in f.validators):
            required = NOT_BLANK in patterns  # one pattern for both: generators handle it better than two
            patterns = [p for p in patterns if p != NOT_BLANK] + [text_pattern(is_free_text(f), required)]
        elif len(patterns) > 1 and NOT_BLANK in patterns and not any(isinstance(v, Regexp) for v in f.validators):
            patterns.remove(NOT_BLANK)  # our validators' patterns match whole non-blank values
        if patterns:
            schema["pattern"] = patterns[0]
            if len(patterns) > 1:
                schema["allOf"] = [{"pattern": p} for p in patterns[1:]]
    if f.description and "description" not in schema:  # a validator's own description is the API's
        schema["description"] = str(f.description)
    return schema


def _type_of(f) -> dict:
    if isinstance(f, BooleanField):
        return {"type": "boolean"}
    if isinstance(f, IntegerField):
        return {"type": "integer"}
    if isinstance(f, DateField):
        return {"type": "string", "format": "date"}
    if isinstance(f, SelectFieldBase):
        item = {"type": "string"}
        values = [c.value for c in (f.choices or [])] if not callable(f.choices) else []
        if values:
            item["enum"] = values
        if isinstance(f, SelectMultipleField):
            return {"type": "array", "items": item, "uniqueItems": True}
        return item
    schema = {"type": "string"}
    if getattr(f, "type", "") == "PasswordField":
        schema["format"] = "password"
    return schema


def _describe_list(f, schema: dict) -> None:
    """A list field: DataRequired means one item or more, Length counts items, `Items` describes each."""
    for v in f.validators:
        if isinstance(v, DataRequired | InputRequired):
            schema["minItems"] = 1
        elif isinstance(v, Length):
            if v.min and v.min > 0:
                schema["minItems"] = v.min
            if v.max is not None and v.max >= 0:
                schema["maxItems"] = v.max
        elif getattr(v, "json_schema", None):
            schema["items"].update(v.json_schema.get("items", {}))


def _describe(v, schema: dict, patterns: list[str], integer: bool) -> None:
    """Add what validator `v` refuses to `schema` (patterns are collected: a schema holds one)."""
    if isinstance(v, DataRequired):
        if integer:
            if schema.get("minimum", 0) < 1:
                schema["not"] = {"const": 0}  # 0 is no data to DataRequired
        elif schema.get("type") == "string":
            schema["minLength"] = max(schema.get("minLength", 0), 1)
            patterns.append(NOT_BLANK)
    elif isinstance(v, InputRequired) and schema.get("type") == "string":
        schema["minLength"] = max(schema.get("minLength", 0), 1)
    elif isinstance(v, Length):
        if v.min and v.min > 0:
            schema["minLength"] = max(schema.get("minLength", 0), v.min)
        if v.max is not None and v.max >= 0:
            schema["maxLength"] = v.max
    elif isinstance(v, NumberRange):
        if v.min is not None:
            schema["minimum"] = v.min
        if v.max is not None:
            schema["maximum"] = v.max
        if v.min is not None and v.min >= 1:
            schema.pop("not", None)
    elif isinstance(v, Regexp):
        patterns.append(v.regex.pattern)
    elif isinstance(v, AnyOf):
        schema["enum"] = list(v.values)
    elif isinstance(v, Email):
        schema["format"] = "email"
        patterns.append(_deliverable_domain())
    elif isinstance(v, Optional):
        pass
    described = getattr(v, "json_schema", None)
    if described:
        for key, value in described.items():
            if key == "pattern":
                patterns.append(value)
            else:
                schema[key] = value


def _deliverable_domain() -> str:
    """email_validator refuses special-use domains (RFC 6761), whatever their syntax: so does the schema."""
    special = "|".join(re.escape(name) for name in sorted(email_validator.SPECIAL_USE_DOMAIN_NAMES))
    return rf"@(?!(?:[^@]*\.)?(?:{special}){END})[^@]+{END}"
