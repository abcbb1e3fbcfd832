"""Blacklists, incidents, review cycles and tasks, change reports (BLK-*, INC-*, REV-*, OBL-1)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from portal.adapters.tables.base import BaseModel


class BlacklistByCustomer(GlobalSecondaryIndex):
    """A customer's listings, oldest first (the eligibility check of ADM-3 / BLK-2)."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)


class BlacklistByScope(GlobalSecondaryIndex):
    """One scope's listings ("company" or a department), oldest first: the blacklist pages."""

    class Meta:
        index_name = "by_scope"
        projection = AllProjection()

    scope = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)


class BlacklistDue(GlobalSecondaryIndex):
    """Sparse: active entries that have an expiry day, by that day — the expiry job reads only what is due."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_bucket = UnicodeAttribute(hash_key=True)  # "due", present only while the entry is active with an expiry
    due_key = UnicodeAttribute(range_key=True)  # "<expiry day>#<entry id>"


class ActiveBlacklist(GlobalSecondaryIndex):
    """Sparse: a scope's active listings (BLK-3), by entry id (newest last)."""

    class Meta:
        index_name = "active"
        projection = AllProjection()

    active_scope = UnicodeAttribute(hash_key=True)  # the scope, present only while the listing is active
    entry_id = UnicodeAttribute(range_key=True)


class BlacklistEntry(BaseModel):
    """A listing of a customer on a department's or the company blacklist (BLK-1, BLK-4, BLK-7)."""

    base_name = "blacklist"

    class Meta(BaseModel.Meta):
        table_name = "blacklist"

    entry_id = UnicodeAttribute(hash_key=True)  # ULID
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute(default="")
    scope = UnicodeAttribute()  # "company" or a department id
    active = BooleanAttribute(default=True)
    reason = UnicodeAttribute(default="")
    listed_by = UnicodeAttribute(default="")
    listed_by_name = UnicodeAttribute(null=True)  # who listed it, by name, as pages show it (issue 17)
    listed_at = UTCDateTimeAttribute()
    expires_on = UnicodeAttribute(null=True)  # Asia/Shanghai day the ban ends (BLK-4); None: until lifted
    due_bucket = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    ended_at = UTCDateTimeAttribute(null=True)
    ended_by = UnicodeAttribute(null=True)
    ended_how = UnicodeAttribute(null=True)  # lifted | expired
    end_reason = UnicodeAttribute(null=True)
    active_scope = UnicodeAttribute(null=True)
    by_customer = BlacklistByCustomer()
    by_scope = BlacklistByScope()
    due = BlacklistDue()
    active_in = ActiveBlacklist()


class OpenDowngrades(GlobalSecondaryIndex):
    """Sparse: incidents whose VIP downgrade is still due, by deadline (INC-2 escalation reads only these)."""

    class Meta:
        index_name = "open_downgrades"
        projection = AllProjection()

    downgrade_open = UnicodeAttribute(hash_key=True)  # "open" while due
    downgrade_key = UnicodeAttribute(range_key=True)  # "<deadline UTC ISO>#<incident id>"


class OpenReports(GlobalSecondaryIndex):
    """Sparse: major-loss incidents reported to MD and not yet decided (INC-3)."""

    class Meta:
        index_name = "open_reports"
        projection = AllProjection()

    md_report = UnicodeAttribute(hash_key=True)  # "open" until MD decides
    incident_id = UnicodeAttribute(range_key=True)


class Incident(BaseModel):
    """INC-1: an incident recorded against a customer in a department."""

    base_name = "incidents"

    class Meta(BaseModel.Meta):
        table_name = "incidents"

    customer_id = UnicodeAttribute(hash_key=True)
    incident_id = UnicodeAttribute(range_key=True)  # ULID
    customer_name = UnicodeAttribute(default="")
    dept_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # poor_contract_execution | late_payment | operating_crisis | major_loss
    description = UnicodeAttribute()
    recorded_by = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    grade_at_time = UnicodeAttribute(null=True)
    downgrade_due_at = UTCDateTimeAttribute(null=True)  # INC-2: end of the fifth day, Asia/Shanghai
    downgrade_open = UnicodeAttribute(null=True)
    downgrade_key = UnicodeAttribute(null=True)
    downgraded_at = UTCDateTimeAttribute(null=True)
    escalated_at = UTCDateTimeAttribute(null=True)  # set once: an overdue downgrade is escalated once
    md_report = UnicodeAttribute(null=True)
    md_decision = UnicodeAttribute(null=True)
    todo_counted = UnicodeAttribute(null=True)  # JSON: its share of the staff to-dos (domain.todo)
    open_downgrades = OpenDowngrades()
    open_reports = OpenReports()


class ReviewCycle(BaseModel):
    """REV-2: a half-yearly review cycle (2027H1 opens on 1 January, 2027H2 on 1 July)."""

    base_name = "review_cycles"

    class Meta(BaseModel.Meta):
        table_name = "review_cycles"

    org = UnicodeAttribute(hash_key=True, default="org")
    cycle_id = UnicodeAttribute(range_key=True)  # "2027H1"
    opened_at = UTCDateTimeAttribute()
    due_on = UnicodeAttribute()  # last day, Asia/Shanghai
    tasks = NumberAttribute(default=0)


class TasksByDepartment(GlobalSecondaryIndex):
    """A cycle's review tasks of one department (its progress, and MD's filed results)."""

    class Meta:
        index_name = "by_dept"
        projection = AllProjection()

    cycle_dept = UnicodeAttribute(hash_key=True)  # "<cycle>#<dept>"
    customer_id = UnicodeAttribute(range_key=True)


class OverdueTasks(GlobalSecondaryIndex):
    """Sparse: open review tasks by due day (REV-2 escalation reads only these)."""

    class Meta:
        index_name = "open_by_due"
        projection = AllProjection()

    open_bucket = UnicodeAttribute(hash_key=True)  # "open" until decided
    due_key = UnicodeAttribute(range_key=True)  # "<due day>#<cycle>#<dept>#<customer>"


class ReviewTask(BaseModel):
    """REV-1: one customer's stage evaluation (附件2 客户阶段评价表) in one department and cycle."""

    base_name = "review_tasks"

    class Meta(BaseModel.Meta):
        table_name = "review_tasks"

    cycle_id = UnicodeAttribute(hash_key=True)
    task_key = UnicodeAttribute(range_key=True)  # "<dept>#<customer>"
    cycle_dept = UnicodeAttribute()
    dept_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute(default="")
    grade_at_open = UnicodeAttribute()
    due_on = UnicodeAttribute()
    status = UnicodeAttribute(default="open")  # open | submitted | decided
    open_bucket = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    form = UnicodeAttribute(null=True)  # JSON of the stage evaluation
    score = NumberAttribute(null=True)
    recommended = UnicodeAttribute(null=True)
    decided_grade = UnicodeAttribute(null=True)
    submitted_by = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    escalated_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()
    todo_counted = UnicodeAttribute(null=True)  # JSON: its share of the staff to-dos (domain.todo)
    by_dept = TasksByDepartment()
    overdue = OverdueTasks()


class OpenChangeTasks(GlobalSecondaryIndex):
    """Sparse: a department's change tasks still to handle (OBL-1), oldest first."""

    class Meta:
        index_name = "open"
        projection = AllProjection()

    open_dept = UnicodeAttribute(hash_key=True)  # the department, present only while the task is open
    task_id = UnicodeAttribute(range_key=True)


class ChangeTask(BaseModel):
    """OBL-1: a customer's reported change or cancellation, as a task for each department it deals with."""

    base_name = "change_tasks"

    class Meta(BaseModel.Meta):
        table_name = "change_tasks"

    dept_id = UnicodeAttribute(hash_key=True)
    task_id = UnicodeAttribute(range_key=True)  # ULID of the report
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    kind = UnicodeAttribute()  # change | cancellation
    changes = UnicodeAttribute()  # JSON: name, legal_representative, address, business_scope
    licence_doc = UnicodeAttribute(null=True)
    reported_by = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default="open")  # open | done
    handled_by = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    open_dept = UnicodeAttribute(null=True)
    todo_counted = UnicodeAttribute(null=True)  # JSON: its share of the staff to-dos (domain.todo)
    open = OpenChangeTasks()
