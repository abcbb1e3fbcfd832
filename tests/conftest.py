"""Shared fixtures: moto in-process, an app on it, demo data, signed-in clients, call counting."""

from __future__ import annotations

import os
import re
from collections import Counter
from contextlib import contextmanager

import pytest

os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                  AWS_SECURITY_TOKEN="testing", AWS_SESSION_TOKEN="testing")
os.environ.pop("PORTAL_AWS_ENDPOINT", None)

from portal.services import auth as auth_service  # noqa: E402

auth_service.use_fast_hashing()

DEMO_PASSWORD = "Demo-pass-2026!"
TEST_SETTINGS = {"env": "test", "secret_key": "test-secret-key-that-is-long-enough-0123456789",
                 "token_key": "test-token-key-that-is-long-enough-and-another",
                 "table_prefix": "test-", "bucket": "test-documents",
                 # two-factor is required of MD, leadership and department leaders by default (production); the
                 # tests sign in as them with passwords alone, and tests/web/test_two_factor.py proves the
                 # required flow with the default setting on
                 "mfa_required_roles": "none"}


def pytest_addoption(parser):
    parser.addoption("--years-ahead", type=int, default=0, metavar="N",
                     help="run every test with the clock (datetime, date, time) moved N years ahead and ticking "
                          "(time-machine): a test mixing the real clock with fixed dates fails (`make test-future`)")
    parser.addoption("--hours-ahead", type=int, default=0, metavar="H",
                     help="also move the clock H hours ahead: e.g. past midnight in Beijing while it is still the "
                          "day before in UTC, where CI may run (a test mixing UTC and Beijing days fails)")


def pytest_configure(config):
    """--years-ahead N: one time-machine travel for the whole run; tests that travel themselves nest inside it."""
    from datetime import UTC, datetime, timedelta

    config.real_start = datetime.now(UTC)
    years, hours = config.getoption("--years-ahead"), config.getoption("--hours-ahead")
    if years or hours:
        import time_machine

        shift = timedelta(days=round(365.2425 * years), hours=hours)
        config.years_ahead_travel = time_machine.travel(config.real_start + shift, tick=True)
        config.years_ahead_travel.start()


def pytest_unconfigure(config):
    travel = getattr(config, "years_ahead_travel", None)
    if travel is not None:
        travel.stop()


def pytest_report_header(config):
    years, hours = config.getoption("--years-ahead"), config.getoption("--hours-ahead")
    if years or hours:
        from datetime import UTC, datetime

        ahead = f"{years} years" + (f" and {hours} hours" if hours else "")
        return f"clock moved {ahead} ahead: tests run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    return None


class MotoWorld:
    """One in-process moto for the whole run: every table and the bucket made once, the demo organisation
    seeded once and kept as a snapshot; each test starts from that snapshot (tables emptied and refilled,
    objects and sent mail dropped), which costs a few calls instead of creating 27 tables."""

    def __init__(self):
        from moto import mock_aws

        from portal import create_app

        self.mock = mock_aws()
        self.mock.start()
        self.app = create_app(TEST_SETTINGS)
        self.settings = self.app.extensions["portal.settings"]
        self.config = dict(self.app.config)
        self.snapshot: dict[str, list[dict]] = {}
        self._build()

    def _build(self) -> None:
        from portal.adapters import bootstrap
        from portal.adapters.clock import utc_now
        from portal.adapters.seed import seed_demo
        from portal.services.auth import hash_password

        bootstrap.create_everything(self.settings)
        seed_demo(self.settings, utc_now(), hash_password, with_customers=False)
        self.snapshot = {name: self._items(name) for name in self._tables()}

    def _tables(self) -> list[str]:
        from portal.adapters import tables

        return [model.Meta.table_name for model in tables.MODELS]

    @staticmethod
    def _items(name: str) -> list[dict]:
        from portal.adapters import aws as aws_adapter

        client, items, request = aws_adapter.client("dynamodb"), [], {"TableName": name}
        while True:
            page = client.scan(**request)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def reset(self) -> None:
        """Back to the seeded state (rebuilt from scratch if a test removed the tables)."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        from portal.adapters import aws as aws_adapter
        from portal.adapters import tables
        from portal.adapters.setup import configure_all

        configure_all(self.settings)
        client = aws_adapter.client("dynamodb")
        if set(self._tables()) - set(client.list_tables(Limit=100)["TableNames"]):
            self._build()
        for model in tables.MODELS:
            name, keys = model.Meta.table_name, [k["AttributeName"] for k in model._get_schema()["key_schema"]]
            doomed = [{"DeleteRequest": {"Key": {k: item[k] for k in keys}}} for item in self._items(name)]
            seeded = [{"PutRequest": {"Item": item}} for item in self.snapshot.get(name, [])]
            for requests in (doomed, seeded):  # a key may not appear twice in one batch
                for start in range(0, len(requests), 25):
                    client.batch_write_item(RequestItems={name: requests[start:start + 25]})
        s3 = aws_adapter.client("s3")
        for bucket in s3.list_buckets().get("Buckets", []):
            for item in s3.list_objects_v2(Bucket=bucket["Name"]).get("Contents", []):
                s3.delete_object(Bucket=bucket["Name"], Key=item["Key"])
        ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages.clear()
        self.app.config.clear()
        self.app.config.update(self.config)
        self.app.extensions["portal.settings"] = self.settings  # a test may have swapped them


@pytest.fixture(scope="session")
def moto_world():
    """The run's one moto (started when a test first needs it)."""
    world = MotoWorld()
    yield world
    world.mock.stop()


@pytest.fixture
def aws(moto_world):
    """Moto with every table, the bucket and the demo organisation, as every test starts."""
    moto_world.reset()
    yield


@pytest.fixture
def app(aws, moto_world):
    """The portal on moto, with every table, the bucket and the demo organisation."""
    moto_world.app.config["TESTING"] = True
    return moto_world.app


@pytest.fixture
def client(app):
    """A browser-like test client (cookies kept)."""
    return app.test_client()


def csrf_token(client, path: str) -> str:
    """Load a page and return the CSRF token of its form."""
    page = client.get(path)
    match = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page.get_data(as_text=True))
    if not client.application.config.get("WTF_CSRF_ENABLED", True):
        return ""
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, email: str, password: str = DEMO_PASSWORD):
    """Sign in through the real sign-in form (CSRF token included)."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def login():
    """sign_in as a fixture, for tests that take several clients."""
    return sign_in


def api_token(client, email: str, password: str = DEMO_PASSWORD) -> str:
    """A bearer token from POST /api/v1/tokens."""
    response = client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


@contextmanager
def count_aws_calls():
    """Count every AWS API call (PynamoDB and boto3 alike) made inside the block, by operation."""
    import botocore.client

    calls: Counter = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        calls[f"{self.meta.service_model.service_name}.{operation_name}"] += 1
        return original(self, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = counting
    try:
        yield calls
    finally:
        botocore.client.BaseClient._make_api_call = original


def make_customer_user(email: str = "buyer@customer.cn", customer_id: str = "cust-demo") -> str:
    """A customer company's user (registration arrives with issue 3); returns its user id."""
    import uuid

    from portal.adapters.clock import utc_now
    from portal.adapters.tables import Unique, User
    from portal.services.auth import hash_password

    user_id = str(uuid.uuid4())
    User(user_id=user_id, email=email, name="采购部 张经理", kind="customer", customer_id=customer_id,
         password_hash=hash_password(DEMO_PASSWORD), created_at=utc_now()).save()
    Unique(f"email#{email}", owner_id=user_id).save()
    return user_id


def user_id_of(email: str) -> str:
    """The user id behind a demo e-mail."""
    from portal.services.auth import find_user_by_email

    return find_user_by_email(email).user_id


@pytest.fixture
def atomic_moto(monkeypatch):
    """Each AWS request handled atomically, as DynamoDB does; in-process moto alone lets threads interleave
    inside one TransactWriteItems (its check and its write), which real DynamoDB never does."""
    import threading

    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.Lock()
    original = BotocoreStubber.__call__

    def serialised(self, event_name, request, **kwargs):
        with lock:
            return original(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", serialised)


def staff_ctx(email: str):
    """The service context of a demo staff user, at the current moment."""
    from portal.adapters.clock import utc_now
    from portal.adapters.tables import User
    from portal.services.auth import actor_for
    from portal.services.context import Ctx

    return Ctx(actor_for(User.get(user_id_of(email))), utc_now(), "127.0.0.1")


def bearer(token: str) -> dict:
    """The Authorization header of an API token."""
    return {"Authorization": f"Bearer {token}"}


def sent_mail(subject_part: str) -> list:
    """Mails moto's SES has sent whose subject contains `subject_part` (the outbox delivered first, as its
    every-minute job would)."""
    from datetime import timedelta

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from portal.adapters.clock import utc_now
    from portal.services import outbox
    from portal.services.context import system_ctx

    while outbox.deliver_due(system_ctx(utc_now() + timedelta(days=3650))).sent:
        pass

    return [m for m in ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages if subject_part in m.subject]
