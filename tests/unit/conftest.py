"""Fast tests: the pure domain, and the services on the in-memory store (no moto)."""

import pytest


@pytest.fixture
def fake():
    """A fresh in-memory world with the demo organisation; files and mail kept in memory while it lives."""
    from portal.adapters import files, mail
    from tests.fakes import Fake

    world = Fake()
    previous_bucket, previous_outbox = files.use_memory(world.bucket), mail.use_memory(world.delivered)
    yield world
    files.use_memory(previous_bucket)
    mail.use_memory(previous_outbox)
