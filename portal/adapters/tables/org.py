"""Departments and their product catalogues (ACT-*, RGT-1 a)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from portal.adapters.tables.base import BaseModel


class Department(BaseModel):
    """A department: the company-level Marketing Division (`md`) or a sales department."""

    base_name = "departments"

    class Meta(BaseModel.Meta):
        table_name = "departments"

    org = UnicodeAttribute(hash_key=True, default="org")  # one partition: departments are few
    dept_id = UnicodeAttribute(range_key=True)
    name_zh = UnicodeAttribute()
    name_en = UnicodeAttribute()
    kind = UnicodeAttribute()  # DepartmentKind
    created_at = UTCDateTimeAttribute()
    version = VersionAttribute()
    catalogue = UnicodeAttribute(null=True)  # only on the item "~catalogue": the read copy (repos/catalogue.py)
    device_classes = UnicodeAttribute(null=True)  # only on "md": the licence each device class needs (JSON)
    contract_threshold = NumberAttribute(null=True)  # only on "md": above this amount (元) MD approves (REL-3)


class Product(BaseModel):
    """A product in a sales department's catalogue."""

    base_name = "products"

    class Meta(BaseModel.Meta):
        table_name = "products"

    dept_id = UnicodeAttribute(hash_key=True)
    product_id = UnicodeAttribute(range_key=True)
    name_zh = UnicodeAttribute()
    name_en = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()
    discounts = MapAttribute(null=True)  # RGT-1 a: grade -> discount percent, e.g. {"VIP": 12}
    device_class = UnicodeAttribute(null=True)  # "I" | "II" | "III" (issue 18 item 4), set by MD
    version = VersionAttribute()
