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
