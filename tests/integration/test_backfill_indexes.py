"""The one-off migration of issue 12 item 4: records written before the sparse indexes get their markers, once."""

from datetime import UTC, datetime

from portal.adapters.repos.customers import Documents
from portal.adapters.repos.grading import GradeChanges
from portal.adapters.repos.visits import Visits
from portal.adapters.tables import Document, GradeChange, Visit
from portal.adapters.uow import UnitOfWork
from portal.tools.backfill import mark_sparse_indexes as backfill

T0 = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def _old(n: int) -> str:
    return f"01H{n:023d}"


def test_old_records_are_marked_for_the_sparse_indexes_once(app):
    # written as the code before the indexes wrote them: no markers
    Document(doc_id=_old(1), customer_id="c1", type_id="tax", status="verified", original_name="a.pdf",
             content_type="application/pdf", s3_key="documents/c1/1", issue_date="2026-01-01", uploaded_by="x",
             created_at=T0).save()
    Document(doc_id=_old(2), customer_id="c1", type_id="tax", status="superseded", original_name="b.pdf",
             content_type="application/pdf", s3_key="documents/c1/2", issue_date="2025-01-01", uploaded_by="x",
             created_at=T0).save()
    GradeChange(customer_id="c1", change_id=_old(3), dept_id="ortho", kind="proposal", status="open",
                from_grade="QUALIFIED", to_grade="PREFERRED", reason="建议", by="x", at=T0).save()
    GradeChange(customer_id="c1", change_id=_old(4), dept_id="ortho", kind="proposal", status="declined",
                from_grade="QUALIFIED", to_grade="VIP", reason="不行", by="x", at=T0).save()
    for n, status in ((5, "done"), (6, "cancelled")):
        Visit(visit_id=_old(n), dept_id="ortho", customer_id="c1", planned_on=f"2026-05-0{n}", mode="phone",
              purpose="回访", assignee_id="x", assignee_email="x@demo.local", status=status, created_by="x",
              created_at=T0).save()
    uow = UnitOfWork()
    assert uow.repo(Documents).verified_of("c1") == [] and uow.repo(Visits).last_made("c1", "ortho") is None
    assert backfill() == {"documents": 1, "grade_changes": 1, "visits": 1}
    uow = UnitOfWork()
    assert [d.doc_id for d in uow.repo(Documents).verified_of("c1")] == [_old(1)]
    assert [c.change_id for c in uow.repo(GradeChanges).open_proposals("ortho", "c1")] == [_old(3)]
    assert uow.repo(Visits).last_made("c1", "ortho") == "2026-05-05"
    assert backfill() == {"documents": 0, "grade_changes": 0, "visits": 0}
