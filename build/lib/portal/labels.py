"""Translatable names of roles and department kinds, for pages and forms."""

from flask_babel import lazy_gettext as _l

from portal.domain.roles import DepartmentKind, Role

ROLE_LABELS = {
    Role.MD: _l("Marketing Division (MD)"),
    Role.LEAD: _l("Company leadership"),
    Role.DM: _l("Department leader"),
    Role.CLERK: _l("Sales administrator"),
    Role.REP: _l("Sales representative"),
}

KIND_LABELS = {
    DepartmentKind.COMPANY: _l("Company level"),
    DepartmentKind.SALES: _l("Sales department"),
}


OUTCOME_LABELS = {"ok": _l("done"), "failed": _l("failed"), "refused": _l("refused")}


def kind_label(kind: str) -> str:
    """The name of a department kind in the current language."""
    try:
        return str(KIND_LABELS[DepartmentKind(kind)])
    except ValueError:
        return kind


def outcome_label(outcome: str) -> str:
    """The name of an audit outcome in the current language."""
    return str(OUTCOME_LABELS.get(outcome, outcome))


def role_label(role: str | None) -> str:
    """The name of a role in the current language."""
    try:
        return str(ROLE_LABELS[Role(role)])
    except ValueError:
        return role or ""


def localized_name(record, locale: str) -> str:
    """A department's or product's name in the current language (Chinese unless English was chosen)."""
    return record.name_en if locale == "en" and record.name_en else record.name_zh


def other_name(record, locale: str) -> str:
    """The same name in the other language, shown beside it."""
    return record.name_zh if locale == "en" else record.name_en
