"""Who acted, by name (issue 15 item 3): records keep the acting person's user id or e-mail address; pages show
that person's name. One Query per group: a customer company's people, a department's staff."""

from __future__ import annotations

from portal.adapters.repos.identity import Users
from portal.services.context import Ctx


def names(ctx: Ctx, *, customer_id: str | None = None, dept_id: str | None = None) -> dict[str, str]:
    """Names by user id and by e-mail address of a customer company's people and a department's staff (one Query
    each); a page shows `names.get(stored, stored)`."""
    uow = ctx.uow()
    people = uow.repo(Users).of_customer(customer_id) if customer_id else []
    if dept_id:
        people += uow.repo(Users).of_department(dept_id)
    out: dict[str, str] = {}
    for person in people:
        if not person.invite_hash:  # an open invitation has no name yet
            out[person.user_id] = out[person.email] = person.name
    return out


def names_by_email(ctx: Ctx, emails) -> dict[str, str]:
    """Names of the people behind stored e-mail addresses, in two batched reads however many there are (up to 100
    addresses; records keep who acted by address): a page shows `names.get(stored, stored)`."""
    from portal.adapters.repos.identity import Uniques

    wanted = sorted({e for e in emails if e and "@" in e})[:100]
    if not wanted:
        return {}
    uow = ctx.uow()
    (owners,) = uow.fetch((Uniques, [(Uniques.email_key(e),) for e in wanted]))
    if not owners:
        return {}
    (people,) = uow.fetch((Users, [(o.owner_id,) for o in owners]))
    return {p.email: p.name for p in people if p.name and not p.invite_hash}
