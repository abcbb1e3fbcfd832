"""Service tests on the in-memory store: the demo organisation seeded in memory, contexts for its people.

No moto, no tables to create: a test gets a fresh world in milliseconds. tests/contract holds the in-memory
store to DynamoDB's meaning, so what passes here passes on DynamoDB.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from portal.adapters.clock import utc_now
from portal.adapters.files import MemoryBucket
from portal.adapters.repos.base import Repo
from portal.adapters.store.memory import MemoryStore
from portal.adapters.tables import Unique, User
from portal.adapters.uow import UnitOfWork
from portal.config import Settings
from portal.services.auth import actor_for, hash_password
from portal.services.context import Ctx

SETTINGS = Settings.from_env({"PORTAL_ENV": "test", "PORTAL_SECRET_KEY": "f" * 40})


def working_morning() -> datetime:
    """10:00 Beijing time today: a world's default clock.

    A test that moves the clock by hours ("a second run that day") must not cross midnight in Beijing because CI
    happened to start at 22:00; the real date is kept so that seeded dates stay current.
    """
    from datetime import time

    from portal.domain.timeutil import SHANGHAI, shanghai_day

    return datetime.combine(shanghai_day(utc_now()), time(10, 0), SHANGHAI).astimezone(UTC)


class Fake:
    """A fresh in-memory world with the demo departments, staff, products and settings."""

    def __init__(self, now: datetime | None = None, with_customers: bool = False):
        from portal.adapters.seed import seed_demo

        self.store = MemoryStore()
        self.bucket = MemoryBucket()  # the document bucket
        self.delivered: list[tuple[str, str, str]] = []  # mails the outbox delivered: (to, subject, body)
        self.now = now or working_morning()
        seed_demo(SETTINGS, self.now, hash_password, with_customers=with_customers, store=self.store)

    def uow(self) -> UnitOfWork:
        """A unit of work on this world."""
        return UnitOfWork(self.store)

    def repo(self, cls: type[Repo]):
        """A repository of this world, for reading what the services wrote."""
        return self.uow().repo(cls)

    def user(self, email: str):
        """The user record behind an e-mail address."""
        owner = self.store.get(Unique, {"key": f"email#{email}"})
        return self.uow().repo(_Users).get(owner["owner_id"])

    def ctx(self, email: str | None = None, now: datetime | None = None, ip: str = "127.0.0.1") -> Ctx:
        """The service context of a person (None: anonymous) at `now` (default: the world's clock)."""
        actor = actor_for(self.user(email)) if email else None
        return Ctx(actor, now or self.now, ip, store=self.store)

    @property
    def sent(self) -> list[tuple[str, str, str]]:
        """Every mail sent so far: the outbox is delivered first, as its job would (DESIGN rule 13)."""
        self.deliver()
        return self.delivered

    def deliver(self):
        """Run the outbox delivery now (whatever is staged and committed, due or waiting for a retry)."""
        from datetime import timedelta

        from portal.services import outbox
        from portal.services.context import system_ctx

        ctx = system_ctx(max(self.now, utc_now()) + timedelta(days=3650), store=self.store)
        while outbox.deliver_due(ctx).sent:
            pass

    def mails(self, subject_part: str) -> list[tuple[str, str, str]]:
        """The mails sent whose subject contains `subject_part`."""
        return [m for m in self.sent if subject_part in m[1]]

    def later(self, ctx: Ctx, **delta) -> Ctx:
        """The same person, some time later."""
        from datetime import timedelta

        return replace(ctx, now=ctx.now + timedelta(**delta))


class _Users(Repo):
    model = User


def race(action, times: int = 8) -> list[str]:
    """Run `action(n)` for n in range(times) on as many threads at once; "ok" or "conflict" for each, sorted."""
    import threading

    from portal.services.errors import Conflict

    results: list[str] = []

    def one(n: int) -> None:
        try:
            action(n)
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=one, args=(n,)) for n in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)
