"""The OpenAPI document says what the API does (issue 10 item 10): a short schemathesis fuzz of every operation.

Every operation of /api/v1/openapi.json gets a few generated requests (valid and invalid, plus schemathesis'
coverage cases: boundaries, missing headers, undeclared methods) through the WSGI app on moto, signed in as MD,
with all of schemathesis' checks: no 5xx, no undocumented status, no answer unlike its schema, no valid request
refused and no invalid one accepted. Derandomized, so CI sees the same requests every run.
"""

from __future__ import annotations

import moto  # noqa: F401  (before any botocore session: moto hooks every session made after its import)
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

import tests.api_formats  # noqa: F401  (the document's own formats: credit codes, passwords)
from tests.conftest import TEST_SETTINGS, api_token, bearer


def _portal():
    from portal import create_app

    app = create_app(TEST_SETTINGS)
    app.config["TESTING"] = True
    return app


# Loaded at collection (no AWS call), so each operation is a test of its own; it runs against the app below.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _portal())


@pytest.fixture(scope="module")
def md_headers():
    """The portal on the module's own moto, with the demo organisation and customers; MD's Authorization header."""
    from moto import mock_aws

    from portal.adapters import bootstrap
    from portal.adapters.clock import utc_now
    from portal.adapters.seed import seed_demo
    from portal.services.auth import hash_password

    with mock_aws():
        app = _portal()  # inside moto: clients must be made after the mock starts
        settings_ = app.extensions["portal.settings"]
        bootstrap.create_everything(settings_)
        seed_demo(settings_, utc_now(), hash_password, with_customers=True)
        schema.app = app
        yield bearer(api_token(app.test_client(), "md.admin@demo.local"))


# Operations whose right input is a secret no generator can make (a code from an authenticator app): a
# schema-valid code is wrong, and the API says so (422 naming `code`); every other check still applies.
SECRET_INPUT = {("POST", "/account/totp/confirm")}


@schema.parametrize()
@settings(max_examples=3, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_does_what_its_document_says(case, md_headers):
    excluded = [positive_data_acceptance] if (case.method, case.path) in SECRET_INPUT else []
    if schema.app.test_client().get("/api/v1/me", headers=md_headers).status_code == 401:
        # an earlier case signed the token out (DELETE /tokens/current, /account/sign-out-everywhere): a fresh one
        md_headers.update(bearer(api_token(schema.app.test_client(), "md.admin@demo.local")))
    case.call_and_validate(headers=md_headers, excluded_checks=excluded)
