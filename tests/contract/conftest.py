"""The contract suites' unit of work: the same repository tests on the in-memory store and on moto."""

import pytest

from portal.adapters.store.dynamo import DynamoStore
from portal.adapters.store.memory import MemoryStore
from portal.adapters.uow import UnitOfWork


@pytest.fixture(params=["memory", "dynamodb"])
def uow(request):
    if request.param == "memory":
        return UnitOfWork(MemoryStore())
    request.getfixturevalue("app")  # moto with every table
    return UnitOfWork(DynamoStore())
