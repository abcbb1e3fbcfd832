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
