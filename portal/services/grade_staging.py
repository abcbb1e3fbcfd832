"""A grade change staged on someone else's unit of work, so that a use case deciding a grade (a review, REV-3/4)
commits its own writes and the grade change — counters, standing, history, audit — as one transaction.

`grading.change` opens its own unit of work; this wraps the same checks and writes (`grading._stage_change`)
for callers that commit themselves, and retries when the counters or the standing moved meanwhile (QTA-4).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.adapters.uow import WriteConflict
from portal.domain.roles import Perm
from portal.services import grading
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Conflict


def stage_grade_change(uow, ctx: Ctx, dept_id: str, customer_id: str, grade: str, reason: str, tell: bool = True):
    """Check a grade change as `grading.change` does (quotas, blacklist, standing) and stage its writes on
    `uow`; return the history record. The caller commits (see `committing`); `tell=False`: the caller tells the
    customer itself."""
    authorize(ctx, Perm.DECIDE_GRADES, dept_id, target=customer_id)
    return grading._stage_change(uow, ctx, dept_id, customer_id, grading._grade(grade), reason, None, None, None,
                                 tell=tell)


def committing(ctx: Ctx, stage: Callable[[Any], Any]) -> Any:
    """Stage a use case with `stage(uow)` (which reads what it needs afresh) and commit it once; a lost race
    (another change moved the counters or the standing, tags "quota"/"standing") is read again and retried,
    as `grading.change` does. Other conflicts are raised as WriteConflict."""
    for _attempt in range(grading.MAX_TRIES):
        with ctx.uow() as uow:
            result = stage(uow)
            try:
                uow.commit()
                return result
            except WriteConflict as exc:
                if not exc.tags <= {"quota", "standing"}:
                    raise
        time.sleep(random.uniform(0.001, 0.02))
    raise Conflict(_l("Too many simultaneous changes in this department. Try again."))
