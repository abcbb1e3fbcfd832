"""Visits planned and made (RGT-2, REL-1, REL-2)."""

from __future__ import annotations

from pynamodb.attributes import (
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from portal.adapters.tables.base import BaseModel


class PlannedVisits(GlobalSecondaryIndex):
    """Sparse: a department's visits still to make, by day (the page orders them by grade, RGT-2)."""

    class Meta:
        index_name = "planned"
        projection = AllProjection()

    planned_dept = UnicodeAttribute(hash_key=True)
    planned_key = UnicodeAttribute(range_key=True)  # "<planned day>#<visit id>"


class VisitsByCustomer(GlobalSecondaryIndex):
    """A customer's visits by id (ULID: when planned): its archive (REL-1)."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    visit_id = UnicodeAttribute(range_key=True)


class MadeVisits(GlobalSecondaryIndex):
    """Sparse: the visits a department made to a customer, by day (its standing shows the last one, REL-2)."""

    class Meta:
        index_name = "made"
        projection = AllProjection()

    made_of = UnicodeAttribute(hash_key=True)  # "<dept>#<customer>" once the visit is made
    made_key = UnicodeAttribute(range_key=True)  # "<planned day>#<visit id>"


class Visit(BaseModel):
    """A visit (拜访/回访) a department plans to a customer it deals with, and what came of it (RGT-2, REL-2)."""

    base_name = "visits"

    class Meta(BaseModel.Meta):
        table_name = "visits"

    visit_id = UnicodeAttribute(hash_key=True)  # ULID
    dept_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute(default="")
    planned_on = UnicodeAttribute()  # ISO day, Asia/Shanghai
    mode = UnicodeAttribute()  # on_site | phone | online
    purpose = UnicodeAttribute()
    assignee_id = UnicodeAttribute()
    assignee_email = UnicodeAttribute()
    status = UnicodeAttribute(default="planned")  # planned | done | cancelled
    notes = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    finished_by = UnicodeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
    planned_dept = UnicodeAttribute(null=True)
    planned_key = UnicodeAttribute(null=True)
    made_of = UnicodeAttribute(null=True)
    made_key = UnicodeAttribute(null=True)
    version = VersionAttribute()
    todo_counted = UnicodeAttribute(null=True)  # JSON: its share of the staff to-dos (domain.todo)
    planned = PlannedVisits()
    by_customer = VisitsByCustomer()
    made = MadeVisits()
