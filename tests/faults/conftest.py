"""The fault-injection tests run on the in-memory world (tests/fakes.py), files and mail in memory."""

import pytest


@pytest.fixture
def fake():
    """A fresh in-memory world at a fixed clock, files and mail kept in memory while it lives."""
    from portal.adapters import files, mail, uow
    from tests.fakes import Fake
    from tests.faults.operations import T0

    world = Fake(now=T0)
    previous_bucket, previous_outbox = files.use_memory(world.bucket), mail.use_memory(world.delivered)
    previous_store = uow._default["store"]
    uow.configure(world.store)  # the scheduled functions run on the configured store: this world's
    yield world
    uow.configure(previous_store)
    files.use_memory(previous_bucket)
    mail.use_memory(previous_outbox)
