"""Exports (issue 12 item 4) do the same on both stores: a user's page newest first, the sparse `pending` index
emptied by finishing, a second finish refused, the sparse `expiring` index by removal time."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.adapters import records
from portal.adapters.repos.exports import Exports
from portal.adapters.uow import WriteConflict

T0 = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)


def _export(n: int, user: str = "u1"):
    return records.Export(export_id=f"01J{n:023d}", user_id=user, dept_id="ortho", s3_key=f"exports/ortho/k{n}.csv",
                          created_at=T0 + timedelta(minutes=n))


def test_pages_pending_finish_once_and_expiry(uow):
    repo = uow.repo(Exports)
    for n in range(5):
        repo.request(_export(n, "u1" if n != 2 else "u2"), T0 + timedelta(days=7, minutes=n))
    uow.commit()
    first, after = repo.of_user("u1", limit=3)
    assert [e.export_id[-1] for e in first] == ["4", "3", "1"] and after == first[-1].export_id
    rest, after = repo.of_user("u1", after=after, limit=3)
    assert [e.export_id[-1] for e in rest] == ["0"] and after is None
    assert [e.export_id[-1] for e in repo.pending()] == ["0", "1", "2", "3", "4"]
    one = repo.find(_export(1).export_id)
    repo.finish(one, status="ready", when=T0, rows=3)
    uow.commit()
    assert [e.export_id[-1] for e in repo.pending()] == ["0", "2", "3", "4"]
    assert repo.find(one.export_id).status == "ready" and repo.find(one.export_id).rows == 3
    repo.finish(one, status="ready", when=T0, rows=3)
    with pytest.raises(WriteConflict):
        uow.commit()
    assert repo.expired_by(T0 + timedelta(days=7) - timedelta(seconds=1)) == []
    due = repo.expired_by(T0 + timedelta(days=7, minutes=2))
    assert [e.export_id[-1] for e in due] == ["0", "1", "2"]
    repo.expire(due[0])
    repo.remove(due[1])
    uow.commit()
    assert repo.find(due[0].export_id).status == "expired" and repo.find(due[1].export_id) is None
    assert [e.export_id[-1] for e in repo.expired_by(T0 + timedelta(days=8))] == ["0", "2", "3", "4"]
