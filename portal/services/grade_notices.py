"""What a customer hears of its grade (issue 16): the new grade and its price tier, in the reader's language."""

from __future__ import annotations

from portal.adapters.repos.org import Departments
from portal.domain.grading import Grade
from portal.services import audiences, notifications

GRADE_WORDS = {Grade.VIP: ("VIP", "VIP"), Grade.PREFERRED: ("优选", "Preferred"),  # (zh, en)
               Grade.QUALIFIED: ("合格", "Qualified")}


def grade_changed(uow, ctx, dept_id: str, customer_id: str, new: Grade, kind: str = "grade_changed") -> None:
    """Stage the customer's users' notification of a grade change, in the change's unit of work."""
    dept = uow.repo(Departments).find(dept_id)
    zh, en = GRADE_WORDS[new]
    notifications.notify(uow, ctx, audiences.customer_users(uow, customer_id=customer_id), kind,
                         "/customer/", grade_zh=zh, grade_en=en, dept_zh=dept.name_zh, dept_en=dept.name_en)


def review_result(uow, ctx, dept_id: str, customer_id: str, grade: Grade, changed: bool) -> None:
    """REV-3: the customer hears its half-yearly review's result — the grade kept or the new one, and that its
    price tier follows (RGT-1 a) — never the score or the department's reasons, which stay internal."""
    grade_changed(uow, ctx, dept_id, customer_id, grade, "review_regraded" if changed else "review_kept")
