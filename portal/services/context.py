"""Who asks, from where, and when: passed to every service call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.adapters.uow import UnitOfWork
from portal.domain.roles import Actor


@dataclass(frozen=True)
class Ctx:
    """The request context a service needs: actor (None when anonymous), client address, clock."""

    actor: Actor | None
    now: datetime
    ip: str | None = None
    user_agent: str | None = None
    store: Any = None  # where records live; None: the configured one (DynamoDB), a MemoryStore in fast tests

    def uow(self) -> UnitOfWork:
        """A new unit of work on this context's store."""
        return UnitOfWork(self.store)


SYSTEM = Actor(user_id="system", email="system@scheduled-job", name="scheduled job", kind="system")


def system_ctx(now: datetime, store: Any = None) -> Ctx:
    """The context scheduled functions act in (audited as `system@scheduled-job`)."""
    return Ctx(actor=SYSTEM, now=now, ip=None, user_agent="scheduled-function", store=store)


def names_in_reader_language(records: list):
    """The names of records with `name_zh` and `name_en` (document types, products), joined, in the language of
    whoever reads them: a lazy text, like a translated message (no ids in what people read, issue 17 item 2)."""
    from flask_babel import LazyString, get_locale

    def joined() -> str:
        english = str(get_locale() or "zh") == "en"
        return ", ".join((r.name_en if english and r.name_en else r.name_zh) or "" for r in records)

    return LazyString(joined)


def product_names(uow, dept_id: str, product_ids) -> object:
    """A department's products by name, in the reader's language (the catalogue's read copy)."""
    from portal.adapters.repos.catalogue import Catalogue

    named = [p for p in uow.repo(Catalogue).read().products_of(dept_id) if p.product_id in set(product_ids)]
    return names_in_reader_language(named)
