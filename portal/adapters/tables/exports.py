"""Exports (issue 12 item 4): a CSV asked for on a page, written to the document bucket by a scheduled job."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from portal.adapters.tables.base import BaseModel


class ExportsByUser(GlobalSecondaryIndex):
    """A user's exports, newest first (the "My exports" page: one Query a page)."""

    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    export_id = UnicodeAttribute(range_key=True)


class PendingExports(GlobalSecondaryIndex):
    """Sparse: exports still to write, oldest first (the export job's Query)."""

    class Meta:
        index_name = "pending"
        projection = AllProjection()

    pending_bucket = UnicodeAttribute(hash_key=True)  # "pending" while the file is not written
    export_id = UnicodeAttribute(range_key=True)


class ExpiringExports(GlobalSecondaryIndex):
    """Sparse: every export kept, by the moment it is removed with its file (the export job's clean-up Query)."""

    class Meta:
        index_name = "expiring"
        projection = AllProjection()

    expire_bucket = UnicodeAttribute(hash_key=True)  # "kept" until removed
    expire_key = UnicodeAttribute(range_key=True)  # "<removal time, ISO UTC>#<export id>"


class Export(BaseModel):
    """One export a user asked for: what (department, grade), its state (pending | ready | failed) and the file."""

    base_name = "exports"

    class Meta(BaseModel.Meta):
        table_name = "exports"

    export_id = UnicodeAttribute(hash_key=True)  # ULID (sorts by time)
    user_id = UnicodeAttribute()
    kind = UnicodeAttribute(default="customers")
    dept_id = UnicodeAttribute()
    dept_name_zh = UnicodeAttribute(null=True)  # the department's names when asked for (pages show no ids)
    dept_name_en = UnicodeAttribute(null=True)
    grade = UnicodeAttribute(null=True)  # only this grade's customers, or every one
    status = UnicodeAttribute(default="pending")
    created_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)
    s3_key = UnicodeAttribute(null=True)  # random: never the user's words
    rows = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    pending_bucket = UnicodeAttribute(null=True)
    expire_bucket = UnicodeAttribute(null=True)
    expire_key = UnicodeAttribute(null=True)
    by_user = ExportsByUser()
    pending = PendingExports()
    expiring = ExpiringExports()
