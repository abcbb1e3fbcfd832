"""DESIGN rule 1: the domain imports nothing from flask, boto3, botocore or pynamodb."""

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "portal" / "domain"
BANNED = {"flask", "flask_babel", "flask_wtf", "boto3", "botocore", "pynamodb", "wtforms"}


def test_domain_modules_import_no_io_library():
    offenders = []
    for path in DOMAIN.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in BANNED]
    assert offenders == []
