"""REL-3: the contracts repository does the same on both stores: a contract's head and versions in one Query, the
sparse by_department / by_customer indexes holding heads only, and `expiring` holding the signed ones by end day."""

from datetime import UTC, datetime

from portal.adapters import records
from portal.adapters.repos.contracts import Contracts

T0 = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)


def _records(n: int, customer: str = "c1", dept: str = "ortho", end: str = "2027-12-31"):
    common = dict(contract_id=f"01J{n:023d}", dept_id=dept, customer_id=customer, contract_no=f"GK-{n}", title="合同",
                  amount=1000, start_date="2027-01-01", end_date=end, state="draft", created_by="x", created_at=T0)
    return records.Contract(**common, latest_version=1), records.Contract(**common, version_no=1)


def test_REL_3_heads_and_versions_and_their_sparse_indexes_on_both_stores(uow):
    repo = uow.repo(Contracts)
    for n, (customer, dept, end) in enumerate([("c1", "ortho", "2027-03-01"), ("c1", "rehab", "2027-06-01"),
                                               ("c2", "ortho", "2027-02-01")]):
        repo.create(*_records(n, customer, dept, end))
    uow.commit()
    head, versions = repo.find(f"01J{0:023d}")
    assert (head.version_no, [v.version_no for v in versions]) == (0, [1])
    page, _last = repo.of_department("ortho")
    assert [h.contract_id for h in page] == [f"01J{2:023d}", f"01J{0:023d}"]  # heads only, newest first
    assert [h.dept_id for h in repo.of_customer("c1")] == ["rehab", "ortho"]
    assert [h.dept_id for h in repo.of_customer("c1", "ortho")] == ["ortho"]
    assert repo.ending_by("2027-12-31") == []  # nothing signed yet
    for n in (0, 1, 2):
        signed = repo.head(f"01J{n:023d}")
        signed.state = "signed"
        repo.save_head(signed)
    uow.commit()
    assert [h.end_date for h in repo.ending_by("2027-03-01")] == ["2027-02-01", "2027-03-01"]
    ended = repo.head(f"01J{2:023d}")
    ended.state = "expired"
    repo.save_head(ended)
    uow.commit()
    assert [h.end_date for h in repo.ending_by("2027-12-31")] == ["2027-03-01", "2027-06-01"]
