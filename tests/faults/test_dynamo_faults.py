"""Issue 13 on DynamoDB (moto): the DynamoDB store maps failures as the in-memory store's faults assume (only a
failed condition is a conflict), the web answers 503 with Retry-After, and two operations survive a failed
TransactWriteItems at each of their calls exactly as they do in memory."""

from __future__ import annotations

from contextlib import contextmanager

import botocore.client
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from portal.adapters.store.dynamo import DynamoStore
from portal.adapters.store.expr import ConditionFailed, StoreUnavailable
from portal.adapters.uow import Unavailable
from tests.conftest import api_token, bearer, sign_in


def client_error(code: str, status: int = 400, reasons: list | None = None) -> ClientError:
    response = {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": r} for r in reasons]
    return ClientError(response, "TransactWriteItems")


@pytest.mark.parametrize("error, expected", [
    (client_error("ConditionalCheckFailedException"), ConditionFailed),
    (client_error("TransactionCanceledException", reasons=["None", "ConditionalCheckFailed"]), ConditionFailed),
    (client_error("TransactionCanceledException", reasons=["None", "TransactionConflict"]), StoreUnavailable),
    (client_error("TransactionCanceledException", reasons=["ThrottlingError", "None"]), StoreUnavailable),
    (client_error("ProvisionedThroughputExceededException"), StoreUnavailable),
    (client_error("ThrottlingException"), StoreUnavailable),
    (client_error("TransactionConflictException"), StoreUnavailable),
    (client_error("InternalServerError", 500), StoreUnavailable),
    (client_error("SomethingNew", 503), StoreUnavailable),
])
def test_only_a_failed_condition_is_a_conflict(error, expected):
    mapped = DynamoStore._error(error, 2)
    assert isinstance(mapped, expected)
    if expected is ConditionFailed:
        assert mapped.failed == ([0] if "Conditional" in error.response["Error"]["Code"] else [1])


@contextmanager
def aws_failing(service: str, *, at: int | None = None, error: Exception | None = None):
    """Fail the `at`-th call to `service` (None: every call) with `error` (a ClientError by default)."""
    original = botocore.client.BaseClient._make_api_call
    seen = {"n": 0}

    def call(self, operation_name, api_params):
        if self.meta.service_model.service_name == service:
            seen["n"] += 1
            if at is None or seen["n"] == at:
                raise error or client_error("TransactionCanceledException", reasons=["TransactionConflict"])
        return original(self, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = call
    try:
        yield seen
    finally:
        botocore.client.BaseClient._make_api_call = original


def test_a_lost_connection_is_unavailable_on_dynamodb(aws):
    from portal.adapters.tables import Unique
    from portal.adapters.uow import UnitOfWork

    with aws_failing("dynamodb", error=EndpointConnectionError(endpoint_url="http://dynamodb")):
        with pytest.raises(Unavailable):
            UnitOfWork(DynamoStore()).store.get(Unique, {"key": "email#x@y.cn"})


def test_api_and_pages_answer_503_with_retry_after_and_a_try_again_message(client):
    token = api_token(client, "ortho.clerk@demo.local")
    with aws_failing("dynamodb", error=client_error("ProvisionedThroughputExceededException")):
        answer = client.get("/api/v1/me", headers=bearer(token))
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0
    assert answer.get_json()["error"]["code"] == "unavailable"
    assert "请稍后重试" in answer.get_json()["error"]["message"]  # Chinese by default, "try again" in English
    sign_in(client, "ortho.clerk@demo.local")
    with aws_failing("dynamodb", error=client_error("InternalServerError", 500)):
        page = client.get("/staff/departments/ortho/customers", headers={"Cookie": "lang=zh"})
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "请稍后重试" in page.get_data(as_text=True)


def _fails_once_everywhere(run, check, retry=None):
    """Run `run` failing its k-th DynamoDB call, for every k: Unavailable (never a user error), nothing
    half-written (`check`), and the retry succeeds."""
    with aws_failing("dynamodb", at=10**9) as seen:
        run(0)
    calls = seen["n"]
    for k in range(1, calls + 1):
        with aws_failing("dynamodb", at=k):
            try:
                run(k)
                continue  # the failure hit nothing this run needed
            except Unavailable:
                pass
        check(k)
        (retry or run)(k)


def test_registration_and_ticket_filing_survive_a_failed_transaction_on_dynamodb(app):
    from portal.adapters.repos.customers import CreditCodes
    from portal.adapters.repos.tickets import Tickets
    from portal.adapters.uow import UnitOfWork
    from portal.domain.customers import normalise_credit_code
    from portal.services import customers, tickets
    from tests.factories import admitted_customer, registration

    regs = {}

    def register(k):
        regs.setdefault(k, registration())
        customers.register(_anonymous(), regs[k])

    def nothing_half_registered(k):
        assert UnitOfWork().repo(CreditCodes).owner(normalise_credit_code(regs[k].credit_code)) is None

    _fails_once_everywhere(register, nothing_half_registered)

    _customer, ctx = admitted_customer()

    def file(k):
        tickets.file(ctx, "ortho", "complaint", f"交货延迟 {k}", "订单延迟两周")

    def no_ticket(k):
        assert not [t for t in UnitOfWork().repo(Tickets).of_customer(ctx.actor.customer_id)
                    if t.subject == f"交货延迟 {k}"]

    _fails_once_everywhere(file, no_ticket)


def _anonymous():
    from portal.adapters.clock import utc_now
    from portal.services.context import Ctx

    return Ctx(None, utc_now(), "10.9.8.7")
