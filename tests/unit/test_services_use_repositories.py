"""DESIGN rule 11 (issue 12): converted services reach data only through repositories and a unit of work."""

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "portal" / "services"
BANNED = ("portal.adapters.tables", "pynamodb", "botocore", "boto3")
CONVERTED = ["customers", "documents", "uploads", "upload_cleanup", "applications", "application_access",
             "application_review", "eligibility", "grading", "evaluations", "scorecards"]


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


@pytest.mark.parametrize("module", CONVERTED)
def test_converted_service_imports_no_table_model_nor_aws_sdk(module):
    bad = sorted(n for n in imported(SERVICES / f"{module}.py") if n.startswith(BANNED))
    assert bad == [], f"portal/services/{module}.py imports {bad}"
