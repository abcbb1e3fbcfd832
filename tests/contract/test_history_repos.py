"""A customer's histories read a page at a time, and the sparse indexes that hold what a page always shows (the
current document of each type, open proposals, the last visit made), do the same on both stores (issue 12
item 4)."""

from datetime import UTC, datetime

import pytest

from portal.adapters import records
from portal.adapters.repos.customers import Documents
from portal.adapters.repos.grading import GradeChanges
from portal.adapters.repos.visits import Visits

T0 = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)


def _id(n: int) -> str:
    return f"01J{n:023d}"  # ULID-shaped, sorting by n


def _change(n: int, customer: str = "c1", dept: str = "ortho", kind: str = "change", status: str = "done"):
    return records.GradeChange(customer_id=customer, change_id=_id(n), dept_id=dept, kind=kind, status=status,
                               from_grade="QUALIFIED", to_grade="PREFERRED", reason=f"理由{n}", by="x", at=T0)


def test_grade_history_pages_newest_first_filtered_and_open_proposals_from_their_sparse_index(uow):
    repo = uow.repo(GradeChanges)
    for n in range(7):
        repo.record(_change(n, dept="ortho" if n % 2 else "rehab", kind="proposal" if n == 3 else "change",
                            status="open" if n == 3 else "done"))
    repo.record(_change(9, customer="c2"))
    uow.commit()
    first, after = repo.history("c1", limit=3)
    assert [c.change_id for c in first] == [_id(6), _id(5), _id(4)] and after == _id(4)
    second, after = repo.history("c1", after=after, limit=3)
    assert [c.change_id for c in second] == [_id(3), _id(2), _id(1)] and after == _id(1)
    last, after = repo.history("c1", after=after, limit=3)
    assert [c.change_id for c in last] == [_id(0)] and after is None
    ortho, _after = repo.history("c1", dept_id="ortho", proposals=False, limit=10)
    assert [c.change_id for c in ortho] == [_id(5), _id(1)]  # rehab's and the proposal left out
    assert repo.history("c2", after=_id(6), limit=10) == ([], None)  # another customer's cursor: nothing of c1's
    assert [p.change_id for p in repo.open_proposals("ortho", "c1")] == [_id(3)]
    assert repo.open_proposals("rehab", "c1") == []
    repo.decide_proposal("c1", _id(3), "declined")
    uow.commit()
    assert repo.open_proposals("ortho", "c1") == [] and repo.get("c1", _id(3)).status == "declined"


def _document(n: int, customer: str = "c1", type_id: str = "business-licence"):
    return records.Document(doc_id=_id(n), customer_id=customer, type_id=type_id, status="awaiting_upload",
                            original_name=f"{n}.pdf", content_type="application/pdf", s3_key=f"documents/{n}",
                            issue_date="2026-01-01", uploaded_by="x", created_at=T0)


def test_only_the_current_verified_version_of_each_type_is_in_the_current_index(uow):
    repo = uow.repo(Documents)
    for n, type_id in ((1, "business-licence"), (2, "tax"), (3, "business-licence"), (4, "tax")):
        repo.request(_document(n, type_id=type_id), f"2027-01-15T03:00:0{n}")
    repo.request(_document(5, customer="c2"), "2027-01-15T03:00:05")
    uow.commit()
    for n in (1, 2, 5):
        repo.finish(repo.find(_id(n)), status="verified", reason=None, size=10, key=None, when=T0)
    repo.finish(repo.find(_id(4)), status="rejected", reason="type", size=10, key=None, when=T0)
    uow.commit()
    assert [d.doc_id for d in repo.verified_of("c1")] == [_id(1), _id(2)]
    repo.finish(repo.find(_id(3)), status="verified", reason=None, size=10, key=None, when=T0)
    repo.supersede(repo.find(_id(1)))
    uow.commit()
    assert [d.doc_id for d in repo.verified_of("c1")] == [_id(2), _id(3)]  # the superseded one left the index
    page, after = repo.history("c1", limit=3)
    assert [d.doc_id for d in page] == [_id(4), _id(3), _id(2)] and after == _id(2)
    assert [d.doc_id for d in repo.history("c1", after=after, limit=3)[0]] == [_id(1)]


def test_the_last_visit_made_comes_from_the_made_index_and_visits_page_newest_first(uow):
    repo = uow.repo(Visits)
    days = {1: "2027-01-20", 2: "2027-03-01", 3: "2027-02-10", 4: "2027-04-01", 5: "2027-05-01"}
    for n, day in days.items():
        repo.plan(records.Visit(visit_id=_id(n), dept_id="rehab" if n == 4 else "ortho", customer_id="c1",
                                customer_name="客户", planned_on=day, mode="phone", purpose="回访", assignee_id="x",
                                assignee_email="x@demo.local", created_by="x", created_at=T0))
    uow.commit()
    assert repo.last_made("c1", "ortho") is None
    for n, status in ((1, "done"), (2, "cancelled"), (3, "done"), (4, "done")):
        repo.finish(repo.find(_id(n)), status, "记录", "x", T0)
        uow.commit()
    assert repo.last_made("c1", "ortho") == "2027-02-10"  # the latest day made, not the latest recorded or planned
    assert repo.last_made("c1", "rehab") == "2027-04-01" and repo.last_made("c2", "ortho") is None
    page, after = repo.latest_of("c1", limit=2)
    assert [v.visit_id for v in page] == [_id(5), _id(4)] and after == _id(4)
    page, after = repo.latest_of("c1", dept_id="ortho", after=after, limit=2)
    assert [v.visit_id for v in page] == [_id(3), _id(2)]


def test_ONB_1_an_imported_standing_counts_with_its_grade_only_while_the_counts_are_as_read(uow):
    from portal.adapters.repos.grading import Counters
    from portal.adapters.uow import UnitOfWork, WriteConflict
    from portal.domain.grading import Counts, Grade

    for _ in range(9):
        one = UnitOfWork(uow.store)
        one.repo(Counters).admit("ortho", {"bone-plate"})
        one.commit()
    read = uow.repo(Counters).department("ortho")
    imported = UnitOfWork(uow.store)
    imported.repo(Counters).admit_as("ortho", {"bone-plate"}, Grade.VIP, read)
    imported.commit()
    assert uow.repo(Counters).department("ortho") == Counts(10, 1, 0)
    assert uow.repo(Counters).products("ortho", {"bone-plate"})["bone-plate"] == Counts(10, 1, 0)
    stale = UnitOfWork(uow.store)
    stale.repo(Counters).admit_as("ortho", {"bone-plate"}, Grade.PREFERRED, read)  # QTA-4: counts moved since
    with pytest.raises(WriteConflict) as refused:
        stale.commit()
    assert "quota" in refused.value.tags
    assert uow.repo(Counters).department("ortho") == Counts(10, 1, 0)
