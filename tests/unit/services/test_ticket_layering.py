"""DESIGN rule 11 (issue 12): the ticket and visit services reach data only through repositories and a unit of
work, and each stays a small module."""

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[3] / "portal" / "services"
MODULES = ("tickets", "ticket_access", "ticket_lifecycle", "ticket_settings", "ticket_deadlines", "ticket_files",
           "ticket_reports", "visits")
BANNED = ("portal.adapters.tables", "pynamodb", "botocore", "boto3")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return names


def test_ticket_and_visit_services_import_no_table_model_nor_aws_library():
    offenders = [f"{m}: {name}" for m in MODULES for name in _imports(SERVICES / f"{m}.py")
                 if any(name == b or name.startswith(b + ".") for b in BANNED)]
    assert offenders == []


def test_ticket_and_visit_services_stay_under_300_lines():
    assert {m: n for m in MODULES if (n := len((SERVICES / f"{m}.py").read_text().splitlines())) >= 300} == {}
