"""The customer search index and the company-wide register of customers (issue 17 items 5 and 6)."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from portal.adapters.tables.base import BaseModel


class SearchEntry(BaseModel):
    """One index entry, written in the same transaction as the customer it points at.

    `term` "g#<bigram>" / "x#<exact value>" with `sk` the customer's id: what search reads; `term` "reg" with `sk`
    "<registered at>#<customer>": every registered company by registration time (MD's register).
    """

    base_name = "search_index"

    class Meta(BaseModel.Meta):
        table_name = "search_index"

    term = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    customer_id = UnicodeAttribute()
    name = UnicodeAttribute()
    name_f = UnicodeAttribute(null=True)  # folded (lower case, no spaces) for the query's filter
    contact_f = UnicodeAttribute(null=True)
    contact_name = UnicodeAttribute(null=True)
    credit_code = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)
    prospect_id = UnicodeAttribute(null=True)  # a department's invitation: that department sees the customer
    registered_at = UnicodeAttribute(null=True)  # ISO time, on the register's entries
