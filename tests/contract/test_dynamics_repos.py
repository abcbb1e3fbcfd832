"""Dynamic management's repositories do the same on both stores (moto for DynamoDB): every key format, index,
condition and tag they own, so that the service tests on the in-memory store hold on DynamoDB too."""

from datetime import UTC, datetime

from portal.adapters import records
from portal.adapters.repos.customers import CreditCodes, Customers, Documents
from portal.adapters.repos.dynamics import (
    BlacklistEntries,
    BlacklistLocks,
    ChangeTasks,
    Incidents,
    MisconductReports,
    ReviewCycles,
    ReviewTasks,
)
from portal.adapters.repos.identity import Users
from portal.adapters.uow import WriteConflict

T0 = datetime(2027, 1, 15, 3, 0, tzinfo=UTC)


def committed(uow, stage) -> set[str]:
    """Stage, commit; return the tags of failed conditions (empty: written)."""
    stage()
    try:
        uow.commit()
    except WriteConflict as exc:
        return exc.tags
    return set()


def entry(n: int, scope: str = "ortho", expires_on: str | None = "2027-07-15", customer: str = "c1"):
    return records.BlacklistEntry(entry_id=f"01E{n:023d}", customer_id=customer, customer_name="客户", scope=scope,
                                  active=True, reason="违约", listed_by="x", listed_at=T0, expires_on=expires_on)


def test_blacklist_entries_locks_scopes_and_the_due_index(uow):
    entries, locks = uow.repo(BlacklistEntries), uow.repo(BlacklistLocks)
    assert committed(uow, lambda: (locks.take("c1", "ortho", "e1"), entries.list(entry(1)))) == set()
    assert committed(uow, lambda: locks.take("c1", "ortho", "e2")) == {"listed"}
    assert committed(uow, lambda: (entries.list(entry(2, "company", None)), entries.list(entry(3, "ortho", "2027-09-30",
                                                                                                 "c2")))) == set()
    assert [e.entry_id for e in entries.due_by("2027-07-15")] == [entry(1).entry_id]
    assert [e.entry_id for e in entries.of_scope("ortho")] == [entry(3).entry_id, entry(1).entry_id]  # newest first
    assert entries.blocking_scope("c1", "rehab") == "company" and entries.blocking_scope("c2", "rehab") is None
    first = entries.find(entry(1).entry_id)
    assert committed(uow, lambda: (entries.end(first, "expired", "期满", "system", T0),
                                   locks.release("c1", "ortho"))) == set()
    assert committed(uow, lambda: entries.end(first, "lifted", "x", "y", T0)) == {"ended"}
    assert entries.due_by("2027-12-31") == [entries.find(entry(3).entry_id)]
    assert [e.entry_id for e in entries.of_scope("ortho", active_only=False)][1] == entry(1).entry_id
    assert entries.find("") is None and entries.find("x" * 100) is None
    assert committed(uow, lambda: locks.take("c1", "ortho", "e9")) == set()  # free again


def test_incidents_downgrades_reports_and_escalation(uow):
    repo = uow.repo(Incidents)
    due = datetime(2027, 3, 15, 15, 59, 59, tzinfo=UTC)
    vip = records.Incident(customer_id="c1", incident_id="01I1", dept_id="ortho", kind="major_loss",
                           description="x", recorded_by="r", at=T0, downgrade_due_at=due)
    other = records.Incident(customer_id="c1", incident_id="01I2", dept_id="rehab", kind="late_payment",
                             description="y", recorded_by="r", at=T0)
    assert committed(uow, lambda: (repo.record(vip, report_to_md=True), repo.record(other))) == set()
    assert [i.incident_id for i in repo.of_customer("c1")] == ["01I2", "01I1"]
    assert repo.overdue_downgrades(due) == [] and len(repo.overdue_downgrades(datetime(2027, 3, 16, tzinfo=UTC))) == 1
    assert [i.incident_id for i in repo.reports_to_md()] == ["01I1"]
    assert [i.incident_id for i in repo.open_downgrades_of("c1", "ortho")] == ["01I1"]
    assert committed(uow, lambda: repo.escalate(vip, T0)) == set()
    assert committed(uow, lambda: repo.escalate(vip, T0)) == {"escalated"}
    assert committed(uow, lambda: repo.decide_report(vip, "closed: x")) == set()
    assert committed(uow, lambda: repo.decide_report(vip, "closed: y")) == {"report"}
    assert committed(uow, lambda: repo.downgrade_done(vip, T0)) == set()
    assert repo.reports_to_md() == [] and repo.open_downgrades_of("c1", "ortho") == []
    assert repo.find("c1", "01I1").md_decision == "closed: x" and repo.find("c1", "") is None


def test_review_cycles_and_tasks(uow):
    cycles, tasks = uow.repo(ReviewCycles), uow.repo(ReviewTasks)
    task = records.ReviewTask(cycle_id="2027H1", dept_id="ortho", customer_id="c1", customer_name="客户",
                              grade_at_open="QUALIFIED", due_on="2027-01-31")
    assert committed(uow, lambda: tasks.create(task)) == set()
    assert committed(uow, lambda: tasks.create(task)) == {"task"}
    assert committed(uow, lambda: cycles.open(records.ReviewCycle(cycle_id="2027H1", opened_at=T0,
                                                                  due_on="2027-01-31", tasks=1))) == set()
    assert committed(uow, lambda: cycles.open(records.ReviewCycle(cycle_id="2027H1", opened_at=T0,
                                                                  due_on="2027-01-31"))) == {"cycle"}
    assert [c.cycle_id for c in cycles.every()] == ["2027H1"] and cycles.find("2027H1").tasks == 1
    found = tasks.find("2027H1", "ortho", "c1")
    assert (found.version, found.task_key, found.status) == (1, "ortho#c1", "open")
    assert [t.customer_id for t in tasks.of_department("2027H1", "ortho")] == ["c1"]
    assert tasks.overdue("2027-01-31") == [] and len(tasks.overdue("2027-02-01")) == 1
    assert committed(uow, lambda: tasks.escalate(found, T0)) == set()
    assert committed(uow, lambda: tasks.escalate(found, T0)) == {"escalated"}
    found.status = "submitted"
    assert committed(uow, lambda: tasks.submit(found)) == set() and found.version == 2
    stale = tasks.find("2027H1", "ortho", "c1")
    stale.version = 1
    assert committed(uow, lambda: tasks.decide(stale, "VIP", "l", T0)) == {"task"}
    assert committed(uow, lambda: tasks.decide(tasks.find("2027H1", "ortho", "c1"), "VIP", "l", T0)) == set()
    decided = tasks.find("2027H1", "ortho", "c1")
    assert (decided.status, decided.version, decided.open_bucket) == ("decided", 3, None)
    assert tasks.overdue("2099-01-01") == []


def test_change_tasks_misconduct_reports_and_other_areas_records(uow):
    changes, reports = uow.repo(ChangeTasks), uow.repo(MisconductReports)
    task = records.ChangeTask(dept_id="ortho", task_id="01T1", customer_id="c1", customer_name="客户", kind="change",
                              changes="{}", reported_by="u", at=T0)
    report = records.MisconductReport(report_id="01R1", reporter_customer_id="c2", reporter_user="u",
                                      subject_name="s", description="d", at=T0)
    customer = records.Customer(customer_id="c1", name="客户", credit_code="X1", kind="enterprise", region="r",
                                industry="i", scale="small", contact_name="n", mobile="m", email="e", created_at=T0,
                                version=4)
    staff = records.User(user_id="u1", email="dm@x.cn", name="n", kind="staff", role="dm", dept_id="qa",
                         password_hash="-", created_at=T0, active=True, version=1)
    document = records.Document(doc_id="d1", customer_id="c1", type_id="t", status="verified", original_name="a.pdf",
                                content_type="application/pdf", s3_key="k", issue_date="2024-01-01",
                                uploaded_by="u", created_at=T0, version=1)
    assert committed(uow, lambda: (
        changes.file(task), reports.file(report), uow.repo(Customers).put(customer),
        uow.repo(Users).put(staff), uow.repo(Documents).put(document),
        uow.repo(CreditCodes).put(records.Unique(key="uscc#X1", owner_id="c1")))) == set()
    assert [t.task_id for t in changes.open_in("ortho")] == ["01T1"]
    assert [r.report_id for r in reports.still_open()] == ["01R1"]
    assert committed(uow, lambda: (changes.done(task, "l", "ok"), reports.handle(report, "md", "incident"),
                                   uow.repo(Customers).apply_reported("c1", {"name": "新名"}))) == set()
    assert committed(uow, lambda: changes.done(task, "l", "again")) == {"task"}
    assert committed(uow, lambda: reports.handle(report, "md", "again")) == {"report"}
    assert changes.open_in("ortho") == [] and reports.still_open() == []
    assert committed(uow, lambda: uow.repo(Customers).cancel("nobody")) == {"customer"}
    record = uow.repo(Customers).find("c1")
    assert (record.name, record.version) == ("新名", 5)
    assert uow.repo(CreditCodes).owner("X1") == "c1" and uow.repo(CreditCodes).owner("X2") is None
    assert uow.repo(CreditCodes).owners(["X1", "X2", "X1", ""]) == {"X1": "c1"}  # issue 18 item 4: batch lines
    assert uow.repo(Users).emails_of("qa", {"dm"}) == ["dm@x.cn"]
    assert uow.repo(Documents).find("d1").status == "verified"


def test_todo_counters_past_buckets_pruning_and_the_backfill(uow):
    """Issue 16 item 5: an empty past bucket goes only while it counts nothing; a record written before the
    counters is counted once, only while still uncounted and as read."""
    from portal.adapters import tables
    from portal.adapters.records import to_item
    from portal.adapters.repos.todo_tallies import TodoCounters
    from portal.adapters.store.expr import Put

    counters = uow.repo(TodoCounters)
    for bucket, n in (("due#2027-01-01", 0), ("due#2027-01-02", 1), ("due#2027-02-01", 0), ("all", 2)):
        uow.tally(tables.Counter, {"dept_id": "todo#ortho", "key": bucket}, {"changes": n})
    uow.commit()
    assert [b for b, _c in counters.past_buckets("ortho", "2027-01-15")] == ["due#2027-01-01", "due#2027-01-02"]
    assert committed(uow, lambda: counters.prune("ortho", "due#2027-01-02")) == {"counted"}
    assert committed(uow, lambda: counters.prune("ortho", "due#2027-01-01")) == set()
    assert [b for b, _c in counters.buckets("ortho", "~")] == ["all", "due#2027-01-02", "due#2027-02-01"]
    task = records.ChangeTask(dept_id="ortho", task_id="01T", customer_id="c1", customer_name="客户", kind="change",
                              changes="{}", reported_by="u", at=T0, status="open", open_dept="ortho")
    uow.stage(Put(tables.ChangeTask, to_item(task)))  # as written before the counters: no share kept
    uow.commit()
    [found] = counters.uncounted(["ortho"])
    assert committed(uow, lambda: counters.backfill(found)) == set()
    assert counters.bucket("ortho", "all")["changes"] == 3 and counters.uncounted(["ortho"]) == []
    assert committed(uow, lambda: counters.backfill(found)) == set() and counters.bucket("ortho", "all")[
        "changes"] == 3  # the record as read counts already: nothing staged
    found.todo_counted = None
    assert committed(uow, lambda: counters.backfill(found)) == {"counted"}  # counted meanwhile: not twice
