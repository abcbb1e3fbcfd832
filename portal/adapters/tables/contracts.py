"""Contracts (REL-3): one partition per contract, its head (version 0: where it stands, for lists) and each
version of its terms (1, 2, …: the first and every amendment, all kept)."""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from portal.adapters.tables.base import BaseModel


class ContractsByDepartment(GlobalSecondaryIndex):
    """Sparse (heads only): a department's contracts, newest first (the staff list)."""

    class Meta:
        index_name = "by_department"
        projection = AllProjection()

    list_dept = UnicodeAttribute(hash_key=True)
    contract_id = UnicodeAttribute(range_key=True)


class ContractsByCustomer(GlobalSecondaryIndex):
    """Sparse (heads only): a customer's contracts in every department (its portal; ADM-2 c evidence)."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    list_customer = UnicodeAttribute(hash_key=True)
    contract_id = UnicodeAttribute(range_key=True)


class ContractsExpiring(GlobalSecondaryIndex):
    """Sparse: signed contracts by end day (the daily job's reminders and expiry, REL-3)."""

    class Meta:
        index_name = "expiring"
        projection = AllProjection()

    expiry_bucket = UnicodeAttribute(hash_key=True)  # "signed" while signed
    expiry_key = UnicodeAttribute(range_key=True)  # "<end day>#<contract id>"


class Contract(BaseModel):
    """A contract's head (version_no 0) or one version of its terms (1, 2, …) (REL-3)."""

    base_name = "contracts"

    class Meta(BaseModel.Meta):
        table_name = "contracts"

    contract_id = UnicodeAttribute(hash_key=True)  # ULID
    version_no = NumberAttribute(range_key=True)  # 0: the head
    dept_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute(default="")
    contract_no = UnicodeAttribute()
    title = UnicodeAttribute()
    amount = NumberAttribute()  # 元
    start_date = UnicodeAttribute()  # ISO day, Asia/Shanghai
    end_date = UnicodeAttribute()
    state = UnicodeAttribute()  # domain.contracts.State
    note = UnicodeAttribute(null=True)  # a version: what the amendment changes
    signed_version = NumberAttribute(null=True)  # the head: the version in force (None: none signed yet)
    latest_version = NumberAttribute(null=True)  # the head: the newest version
    doc_id = UnicodeAttribute(null=True)  # a signed version: the verified scan (a customer document)
    approved_by = UnicodeAttribute(null=True)
    approved_by_name = UnicodeAttribute(null=True)
    ended_reason = UnicodeAttribute(null=True)  # the head: why terminated
    history = UnicodeAttribute(null=True)  # the head: JSON list of steps (who, when, what, version)
    reminders_sent = UnicodeSetAttribute(null=True)  # the head: "60", "30" (REL-3: each once)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    list_dept = UnicodeAttribute(null=True)
    list_customer = UnicodeAttribute(null=True)
    expiry_bucket = UnicodeAttribute(null=True)
    expiry_key = UnicodeAttribute(null=True)
    version = VersionAttribute()
    by_department = ContractsByDepartment()
    by_customer = ContractsByCustomer()
    expiring = ContractsExpiring()
