"""The customer search index and the register of every registered company (issue 17 items 5 and 6).

Key formats live here and nowhere else: search terms "g#<bigram>" and "x#<exact value>" (portal.domain.search)
with the customer's id as sort key; the register's one partition "reg" with sort key "<registered at>#<customer>".
"""

from __future__ import annotations

from portal.adapters import records, tables
from portal.adapters.repos.base import Repo
from portal.adapters.repos.customers import _OpenClaims
from portal.adapters.repos.dynamics import BlacklistLocks
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.org import Prospects
from portal.adapters.store.expr import attr
from portal.domain.search import folded, index_terms

REGISTER = "reg"
COMPANY = "company"


def _terms(customer) -> set[str]:
    if customer is None:
        return set()
    return index_terms(name=customer.name, contact_name=customer.contact_name, credit_code=customer.credit_code,
                       mobile=customer.mobile, email=customer.email)


def _registered_key(customer) -> str:
    return f"{customer.created_at.isoformat()}#{customer.customer_id}"


def entries_of(customer) -> list:
    """Every index entry of `customer` as it is now: its search terms and its register entry."""
    return [SearchIndex._entry(customer, term, customer.customer_id) for term in sorted(_terms(customer))] + [
        SearchIndex._entry(customer, REGISTER, _registered_key(customer))]


class SearchIndex(Repo):
    """Index entries kept with their customer: staged in the same transaction as every change of what they hold."""

    model = tables.SearchEntry

    @staticmethod
    def _entry(customer, term: str, sk: str):
        return records.SearchEntry(
            term=term, sk=sk, customer_id=customer.customer_id, name=customer.name, name_f=folded(customer.name),
            contact_name=customer.contact_name, contact_f=folded(customer.contact_name),
            credit_code=customer.credit_code, kind=customer.kind,
            prospect_id=customer.prospect_id,
            registered_at=customer.created_at.isoformat() if customer.created_at else None)

    def keep(self, customer, before=None) -> None:
        """Stage the entries of `customer` as it is now (and its register entry); entries of `before` (the customer
        as it was read) that no longer apply are deleted. Unconditional puts: the customer's own write carries the
        condition, so a lost race writes nothing at all."""
        for entry in entries_of(customer):
            self.put(entry)
        for term in sorted(_terms(before) - _terms(customer)):
            self.delete((term, customer.customer_id))

    def indexed(self, customer) -> bool:
        """Has the customer its register entry (written with its index entries)?"""
        return self.get(REGISTER, _registered_key(customer)) is not None

    def find(self, term: str, contains: str | None, *, after: str | None, limit: int) -> tuple[list, str | None]:
        """Entries of one term by customer id, after `after`, reading at most `limit`; with `contains`, only those
        whose name or contact's name (folded) contain it. The customer id the next read continues after."""
        keep = (attr("name_f").contains(contains) | attr("contact_f").contains(contains)) if contains else None
        return self.page(term, newest_first=False, after=after, limit=limit, filter=keep)

    def registered(self, *, after: str | None, limit: int, kind: str | None = None) -> tuple[list, str | None]:
        """A page of registered companies, newest first (`kind`: only that customer type)."""
        return self.page(REGISTER, after=after, limit=limit, filter=attr("kind").eq(kind) if kind else None)

    def statuses(self, customer_ids: list[str], dept_ids: list[str]) -> dict:
        """For each customer: its standings by department, the departments with an open application and the
        scopes (departments, "company") where it is blacklisted; one BatchGetItem across tables while it fits."""
        pairs = [(d, c) for c in customer_ids for d in dept_ids]
        claims = [(_OpenClaims._claim(c, d),) for c, d in ((c, d) for d, c in pairs)]
        locks = [(BlacklistLocks._lock(c, s),) for c in customer_ids for s in [*dept_ids, COMPANY]]
        standings, held = self.uow.fetch((Standings, pairs), (_Claims, claims + locks))
        keys = {u.key for u in held}
        return {c: {"standings": {s.dept_id: s for s in standings if s.customer_id == c},
                    "applied": {d for d in dept_ids if _OpenClaims._claim(c, d) in keys},
                    "listed": {s for s in [*dept_ids, COMPANY] if BlacklistLocks._lock(c, s) in keys}}
                for c in customer_ids}


    def visible_to(self, dept_id: str, entries: list) -> list:
        """The entries whose customer stands in, has an open application to, or was invited by the department
        (one BatchGetItem across tables)."""
        ids = list(dict.fromkeys(e.customer_id for e in entries))
        prospect_ids = list(dict.fromkeys(e.prospect_id for e in entries if e.prospect_id))
        standings, held, prospects = self.uow.fetch(
            (Standings, [(dept_id, c) for c in ids]), (_Claims, [(_OpenClaims._claim(c, dept_id),) for c in ids]),
            (Prospects, [(p,) for p in prospect_ids]))
        keys = {u.key for u in held}
        seen = {s.customer_id for s in standings} | {c for c in ids if _OpenClaims._claim(c, dept_id) in keys}
        ours = {p.prospect_id for p in prospects if p.dept_id == dept_id}
        return [e for e in entries if e.customer_id in seen or (e.prospect_id and e.prospect_id in ours)]


class _Claims(Repo):
    model = tables.Unique
