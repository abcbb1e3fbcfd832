"""GRD-6: a customer's grade history, a page at a time (re-exported as `grading.history`, `grading.history_page`)."""

from __future__ import annotations

from portal.adapters.repos.grading import GradeChanges
from portal.domain.roles import Perm
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.customers import check_customer_access
from portal.services.errors import NotFound
from portal.services.paging import Page, encode_cursor, parse_cursor


def history(ctx: Ctx, customer_id: str, dept_id: str | None = None) -> list:
    """GRD-6: the newest page of a customer's grade history (see `history_page`)."""
    return history_page(ctx, customer_id, dept_id).items


def history_page(ctx: Ctx, customer_id: str, dept_id: str | None = None, cursor: str | None = None,
                 limit: int = 50) -> Page:
    """GRD-6: a page of a customer's grade history, newest first (at most `limit` entries read; `cursor` from the
    previous page); staff outside MD see their own department's only, its users no proposals."""
    actor = ctx.actor
    uow = ctx.uow()
    if actor.is_customer:
        if actor.customer_id != customer_id:
            raise NotFound()
        scope, proposals = dept_id, False
    else:
        scope, proposals = dept_id if dept_id else (None if actor.company_wide else actor.dept_id), True
        authorize(ctx, Perm.VIEW_CUSTOMERS, scope, target=customer_id)
        check_customer_access(ctx, customer_id, uow)
    items, last = uow.repo(GradeChanges).history(customer_id, dept_id=scope, proposals=proposals,
                                                 after=parse_cursor(cursor), limit=limit)
    return Page(items, encode_cursor(last) if last else None)
