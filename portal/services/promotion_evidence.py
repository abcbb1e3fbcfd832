"""GRD-6: a promotion (a grade going up) cites an evaluation of the last 6 months, or the leader writes why it goes
up without one; the reason is kept in the grade-change record and shown in the history (issue 18 item 3)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.adapters.repos.grading import Evaluations
from portal.domain.grade_facts import PROMOTION_EVIDENCE_MONTHS, recent_enough
from portal.domain.grading import Grade, rank
from portal.domain.text import text_problem
from portal.domain.timeutil import shanghai_day
from portal.services.errors import Invalid

FIELD = "no_evaluation_reason"
NEEDED = _l("A promotion needs an evaluation from the last %(months)s months: evaluate the customer first, or "
            "write here why it goes up without one.", months=PROMOTION_EVIDENCE_MONTHS)


def check(uow, ctx, dept_id: str, customer_id: str, old: Grade, new: Grade, evaluation,
          reason: str | None) -> str | None:
    """The reason to keep with the change (None when a recent evaluation stands behind it or it is no promotion);
    Invalid at `no_evaluation_reason` when a promotion has neither. `evaluation`: the one cited, if any; without
    one, the customer's latest evaluation in the department counts."""
    reason = (reason or "").strip() or None
    if rank(new) >= rank(old):
        return None
    today = shanghai_day(ctx.now)
    latest = [evaluation] if evaluation is not None else uow.repo(Evaluations).of_standing(dept_id, customer_id,
                                                                                           limit=1)
    if latest and recent_enough(latest[0].at, today):
        return None
    if reason is None:
        raise Invalid(fields={FIELD: [NEEDED]})
    if len(reason) > 2000 or text_problem(reason, free_text=True):
        raise Invalid(fields={FIELD: [_l("At most 2000 characters of plain text.")]})
    return reason
