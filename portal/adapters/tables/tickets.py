"""Tickets, their timelines and files, SLA settings and misconduct reports (CMP-*, RGT-1 b/c, RGT-2)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from portal.adapters.tables.base import BaseModel


class SlaSetting(BaseModel):
    """CMP-2: a department's ticket categories and times (MD keeps the company default, scope "company")."""

    base_name = "sla_settings"

    class Meta(BaseModel.Meta):
        table_name = "sla_settings"

    scope = UnicodeAttribute(hash_key=True)
    categories = UnicodeAttribute(default="[]")  # JSON list of category names
    responsible_role = UnicodeAttribute(default="rep")
    first_response_days = NumberAttribute(default=1)
    resolution_days = NumberAttribute(default=5)
    vip_first_response_days = NumberAttribute(null=True)
    vip_resolution_days = NumberAttribute(null=True)
    autoclose_days = NumberAttribute(default=7)
    version = VersionAttribute()


class TicketsByCustomer(GlobalSecondaryIndex):
    """A customer's tickets, oldest first."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    ticket_id = UnicodeAttribute(range_key=True)


class TicketsByDepartment(GlobalSecondaryIndex):
    """Every ticket of a department (or "company"), oldest first: the reports (REL-5, CMP-3)."""

    class Meta:
        index_name = "by_dept"
        projection = AllProjection()

    dept_id = UnicodeAttribute(hash_key=True)
    ticket_id = UnicodeAttribute(range_key=True)


class TicketQueue(GlobalSecondaryIndex):
    """Sparse: a department's open tickets, VIP first, then by due time (RGT-2)."""

    class Meta:
        index_name = "queue"
        projection = AllProjection()

    queue_dept = UnicodeAttribute(hash_key=True)
    queue_key = UnicodeAttribute(range_key=True)


class TicketsDue(GlobalSecondaryIndex):
    """Sparse: tickets with a pending deadline (first response, resolution, auto-close), by that deadline."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_bucket = UnicodeAttribute(hash_key=True)  # "due"
    due_key = UnicodeAttribute(range_key=True)  # "<deadline UTC ISO>#<what>#<ticket id>"


class OverdueTickets(GlobalSecondaryIndex):
    """Sparse: open tickets with an escalated breach, by department, then as in its queue (VIP first, by due)."""

    class Meta:
        index_name = "overdue"
        projection = AllProjection()

    overdue_bucket = UnicodeAttribute(hash_key=True)  # "overdue"
    overdue_key = UnicodeAttribute(range_key=True)  # "<department>#<queue key>"


class Ticket(BaseModel):
    """A complaint, service request, dispute or consultation, with its SLA clocks (CMP-1…3)."""

    base_name = "tickets"

    class Meta(BaseModel.Meta):
        table_name = "tickets"

    ticket_id = UnicodeAttribute(hash_key=True)  # ULID
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute(default="")
    dept_id = UnicodeAttribute()  # a department, or "company" (RGT-1 b: to MD about a department)
    kind = UnicodeAttribute()
    category = UnicodeAttribute(null=True)
    channel = UnicodeAttribute()
    subject = UnicodeAttribute()
    description = UnicodeAttribute()
    status = UnicodeAttribute()
    grade = UnicodeAttribute(null=True)  # the customer's grade in that department when filed
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    first_response_due = UTCDateTimeAttribute()
    resolution_due = UTCDateTimeAttribute()
    first_response_at = UTCDateTimeAttribute(null=True)
    resolved_at = UTCDateTimeAttribute(null=True)
    closed_at = UTCDateTimeAttribute(null=True)
    rating = NumberAttribute(null=True)
    comment = UnicodeAttribute(null=True)
    breaches = UnicodeSetAttribute(null=True)  # "first_response", "resolution": escalated once each
    queue_dept = UnicodeAttribute(null=True)
    queue_key = UnicodeAttribute(null=True)
    due_bucket = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    overdue_bucket = UnicodeAttribute(null=True)
    overdue_key = UnicodeAttribute(null=True)
    tallied = UnicodeAttribute(null=True)  # JSON: its share of the report as counted (portal.domain.ticket_tally)
    version = VersionAttribute()
    todo_counted = UnicodeAttribute(null=True)  # JSON: its share of the staff to-dos (domain.todo)
    by_customer = TicketsByCustomer()
    by_dept = TicketsByDepartment()
    queue = TicketQueue()
    due = TicketsDue()
    overdue = OverdueTickets()


class PendingTicketFiles(GlobalSecondaryIndex):
    """Sparse: files on tickets requested but not yet checked, oldest first."""

    class Meta:
        index_name = "pending"
        projection = AllProjection()

    pending_bucket = UnicodeAttribute(hash_key=True)
    pending_key = UnicodeAttribute(range_key=True)


class TicketEvent(BaseModel):
    """A step of a ticket's timeline: a status change or a reply."""

    base_name = "ticket_events"

    class Meta(BaseModel.Meta):
        table_name = "ticket_events"

    ticket_id = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)  # ULID
    kind = UnicodeAttribute()  # status | reply | attachment
    status = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    by = UnicodeAttribute()
    by_staff = BooleanAttribute(default=False)
    at = UTCDateTimeAttribute()
    # attachments (kind "attachment"): the same presigned upload and check as documents
    file_state = UnicodeAttribute(null=True)  # awaiting_upload | verified | rejected
    file_name = UnicodeAttribute(null=True)
    content_type = UnicodeAttribute(null=True)
    s3_key = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    reject_reason = UnicodeAttribute(null=True)
    pending_bucket = UnicodeAttribute(null=True)
    pending_key = UnicodeAttribute(null=True)
    pending = PendingTicketFiles()


class OpenMisconduct(GlobalSecondaryIndex):
    """Sparse: misconduct reports MD has not handled yet."""

    class Meta:
        index_name = "open"
        projection = AllProjection()

    open_bucket = UnicodeAttribute(hash_key=True)  # "open"
    report_id = UnicodeAttribute(range_key=True)


class MisconductReport(BaseModel):
    """RGT-1 c: a customer reports another customer's fraud or misconduct; only MD reads it."""

    base_name = "misconduct_reports"

    class Meta(BaseModel.Meta):
        table_name = "misconduct_reports"

    report_id = UnicodeAttribute(hash_key=True)  # ULID
    reporter_customer_id = UnicodeAttribute()  # never shown to a department
    reporter_user = UnicodeAttribute()
    subject_name = UnicodeAttribute()
    subject_credit_code = UnicodeAttribute(null=True)
    description = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    open_bucket = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    handled_by = UnicodeAttribute(null=True)
    open = OpenMisconduct()
