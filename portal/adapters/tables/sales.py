"""Orders and receivables from the ERP (issue 18 item 2), per department, keyed by the ERP's own numbers."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from portal.adapters.tables.base import BaseModel


class OpenOrders(GlobalSecondaryIndex):
    """Sparse: a department's open orders of one product, oldest first (the short-supply backlog, RGT-2)."""

    class Meta:
        index_name = "open_orders"
        projection = AllProjection()

    open_of = UnicodeAttribute(hash_key=True)  # "<dept>#<product>" while the order is open
    ordered_key = UnicodeAttribute(range_key=True)


class Order(BaseModel):
    """One ERP order of a department's customer; importing it again with the same values changes nothing."""

    base_name = "orders"

    class Meta(BaseModel.Meta):
        table_name = "orders"

    order_key = UnicodeAttribute(hash_key=True)  # "<dept>#<order no>"
    dept_id = UnicodeAttribute()
    order_no = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    product_id = UnicodeAttribute()
    quantity = NumberAttribute()
    amount_fen = NumberAttribute()  # 分: integers, never floats
    ordered_on = UnicodeAttribute()  # ISO day
    status = UnicodeAttribute()  # open | shipped | cancelled
    pickup_due_on = UnicodeAttribute(null=True)
    picked_up_on = UnicodeAttribute(null=True)
    ordered_key = UnicodeAttribute()
    open_of = UnicodeAttribute(null=True)
    imported_at = UTCDateTimeAttribute()
    imported_by = UnicodeAttribute()
    version = VersionAttribute()
    open_orders = OpenOrders()


class Receivable(BaseModel):
    """One ERP invoice of a department's customer: what is owed, when due, when and how much was paid."""

    base_name = "receivables"

    class Meta(BaseModel.Meta):
        table_name = "receivables"

    invoice_key = UnicodeAttribute(hash_key=True)  # "<dept>#<invoice no>"
    dept_id = UnicodeAttribute()
    invoice_no = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    amount_fen = NumberAttribute()
    invoiced_on = UnicodeAttribute()
    due_on = UnicodeAttribute()
    paid_on = UnicodeAttribute(null=True)
    paid_fen = NumberAttribute(default=0)
    imported_at = UTCDateTimeAttribute()
    imported_by = UnicodeAttribute()
    version = VersionAttribute()


class PendingSalesImports(GlobalSecondaryIndex):
    """Sparse: uploaded files still to check or write, oldest first (the import job's Query)."""

    class Meta:
        index_name = "pending"
        projection = AllProjection()

    pending_bucket = UnicodeAttribute(hash_key=True)  # "pending" while the job has work on it
    import_id = UnicodeAttribute(range_key=True)


class SalesImportsByDepartment(GlobalSecondaryIndex):
    """A department's file imports, newest first (the page lists the latest)."""

    class Meta:
        index_name = "by_dept"
        projection = AllProjection()

    dept_id = UnicodeAttribute(hash_key=True)
    import_id = UnicodeAttribute(range_key=True)


class SalesImport(BaseModel):
    """A large ERP file uploaded to the bucket and imported by a scheduled job: checked whole (pass 1), then
    written a transaction at a time from `position`, across runs when one run's time is short."""

    base_name = "sales_imports"

    class Meta(BaseModel.Meta):
        table_name = "sales_imports"

    import_id = UnicodeAttribute(hash_key=True)  # ULID
    dept_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # orders | receivables
    user_id = UnicodeAttribute()
    upload_key = UnicodeAttribute()  # random: never the user's file name
    status = UnicodeAttribute(default="uploading")  # uploading | pending | writing | done | refused
    position = NumberAttribute(default=0)  # rows written so far (pass 2 continues after them)
    rows = NumberAttribute(null=True)
    created = NumberAttribute(null=True)
    changed = NumberAttribute(null=True)
    unchanged = NumberAttribute(null=True)
    problem_count = NumberAttribute(null=True)
    problems = UnicodeAttribute(null=True)  # JSON: the first 200 problems [[row, column, code], …]
    runs = NumberAttribute(default=0)
    pending_bucket = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()
    pending = PendingSalesImports()
    by_dept = SalesImportsByDepartment()
