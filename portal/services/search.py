"""Staff find customers by part of the name, credit code, contact, mobile or e-mail (issue 17 item 5).

Reads only the search index (portal.adapters.repos.search), kept with the customer in the same transaction;
a page of results costs at most MAX_CALLS DynamoDB calls whatever the number of customers.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.search import SearchIndex
from portal.domain.customers import mainland_mobile, normalise_credit_code, valid_credit_code
from portal.domain.roles import Perm
from portal.domain.search import MAX_QUERY, MIN_QUERY, folded, lookups
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Invalid
from portal.services.paging import encode_cursor, parse_cursor

PAGE = 20
READ = 50  # index entries read per Query
MAX_CALLS = 8
TOO_SHORT = _l("Type at least two characters.")


@dataclass(frozen=True)
class Hit:
    """A customer found."""

    customer_id: str
    name: str
    contact_name: str | None
    credit_code: str | None
    kind: str | None


@dataclass(frozen=True)
class Results:
    """A page of customers found, and the cursor of the next page (None: no more)."""

    query: str
    items: list
    cursor: str | None


def _exact_forms(query: str) -> list[str]:
    text = query.strip()
    forms = []
    code = normalise_credit_code(text)
    if valid_credit_code(code):
        forms.append(code)
    mobile = mainland_mobile(text)
    if mobile:
        forms.append(mobile)
    if "@" in text:
        forms.append(text.lower())
    return forms


def _visible(uow, actor, entries: list) -> list:
    """The entries a department's staff may see: customers standing in, applying to, or invited by it."""
    if actor.company_wide or not entries:
        return entries
    return uow.repo(SearchIndex).visible_to(actor.dept_id, entries)


def search(ctx: Ctx, query: str | None, cursor: str | None = None) -> Results:
    """A page of the customers the user may see that match `query` (two or more characters)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS)
    query = (query or "").strip()[:MAX_QUERY]
    if len(folded(query)) < MIN_QUERY:
        raise Invalid(fields={"q": [TOO_SHORT]})
    plan = lookups(query, _exact_forms(query))
    position = parse_cursor(cursor)
    step, after = 0, None
    if position:
        head, _, rest = position.partition("|")
        step, after = (int(head), rest or None) if head.isdigit() else (0, None)
    uow, calls, found, seen = ctx.uow(), 0, [], set()
    per_read = 2 if not ctx.actor.company_wide else 1  # a department's reads each need a visibility check
    while step < len(plan) and len(found) < PAGE and calls + per_read <= MAX_CALLS:
        entries, last = uow.repo(SearchIndex).find(plan[step].term, plan[step].contains, after=after, limit=READ)
        calls += 1
        entries = [e for e in entries if e.customer_id not in seen]
        if entries and not ctx.actor.company_wide:
            calls += 1
        for entry in _visible(uow, ctx.actor, entries):
            seen.add(entry.customer_id)
            found.append(Hit(entry.customer_id, entry.name, entry.contact_name, entry.credit_code, entry.kind))
        step, after = (step, last) if last else (step + 1, None)
    more = step < len(plan)
    return Results(query, found, encode_cursor(f"{step}|{after or ''}") if more else None)
