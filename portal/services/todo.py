"""Staff to-dos on the home page (issue 16 item 5): a department's counts (MD and leadership: the company's),
read from counters moved with the records they count (portal.adapters.repos.todo_tallies): one Query of the
scope's buckets up to a week ahead, whatever the number of records."""

from __future__ import annotations

from portal.adapters.repos.todo_tallies import TodoCounters
from portal.domain import todo
from portal.domain.timeutil import shanghai_day
from portal.services.context import Ctx


def scope_of(ctx: Ctx) -> str | None:
    """Whose to-dos the actor sees: the company's (COMPANY) for MD and leadership, else its department's."""
    actor = ctx.actor
    return todo.COMPANY if actor.company_wide else actor.dept_id


def home(ctx: Ctx) -> todo.ToDos | None:
    """The actor's to-do counts (None: a staff member without a department)."""
    scope = scope_of(ctx)
    if not scope:
        return None
    today = shanghai_day(ctx.now)
    return todo.to_dos(ctx.uow().repo(TodoCounters).buckets(scope, todo.horizon(today)), today)
