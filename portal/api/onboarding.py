"""API for bringing in existing customers (ONB-1, issue 18 item 6): MD sends a CSV or Excel file (base64) and gets
the dry run's report, or imports it (a batch per call; call again with the same file for the next batch)."""

from __future__ import annotations

import base64
import binascii

from flask import jsonify
from flask_babel import lazy_gettext as _l

from portal.api import bp
from portal.api.spec import operation
from portal.api.validation import checked_body
from portal.domain.roles import Perm
from portal.services import onboarding, onboarding_run
from portal.services.errors import Invalid
from portal.services.onboarding_files import MAX_FILE_BYTES
from portal.web import ctx, settings
from portal.web.onboarding_words import report

IMPORT_BODY = {
    "type": "object", "required": ["filename", "content"], "additionalProperties": False,
    "properties": {
        "filename": {"type": "string", "minLength": 5, "maxLength": 150, "pattern": r"^[^/\\]+\.(csv|xlsx)$",
                     "description": "the file's name, ending .csv or .xlsx (kept on the customers' records)"},
        "content": {"type": "string", "minLength": 4, "maxLength": (MAX_FILE_BYTES // 3 + 1) * 4,
                    "pattern": r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
                    "description": "the file itself, base64 (at most 5 MB; 2,000 rows)"},
        "dry_run": {"type": "boolean", "description": "only check and report what would be created (default)"},
    },
}


@operation(bp, "/customers:import", "POST",
           "MD imports existing customers from a CSV or Excel file with their departments, grades, designated "
           "persons and contacts (the page's template). dry_run (default true): every row checked, and what would "
           "be created, nothing written. Otherwise up to 50 companies are created per call (`remaining` says how "
           "many wait: call again with the same file; created ones are skipped), each contact invited to set a "
           "password; any bad row, or a quota the import would break, creates nothing: the answer's `ok` is false "
           "and its report names each row and column (created 0); each created company audited",
           body=IMPORT_BODY, response="CustomerImport", perm=Perm.IMPORT_CUSTOMERS)
def customers_import():
    """Check or import an import file."""
    body = checked_body(IMPORT_BODY)
    try:
        content = base64.b64decode(body["content"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Invalid(fields={"content": [_l("Not base64: give the file's bytes in base64.")]}) from exc
    if body.get("dry_run", True):
        plan = onboarding.check(ctx(), body["filename"], content)
        return jsonify({**report(plan, plan.catalogue), "dry_run": True})
    run = onboarding_run.run(ctx(), body["filename"], content, settings().public_url)
    return jsonify({**report(run.plan, run.plan.catalogue, run), "dry_run": False})
