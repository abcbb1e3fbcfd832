"""Notifications (issue 16, DESIGN rule 13): one inbox per user, written with the change that causes them."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from portal.adapters.tables.base import BaseModel


class DigestDue(GlobalSecondaryIndex):
    """Sparse: notifications waiting for their recipient's daily digest mail (the digest job's Query)."""

    class Meta:
        index_name = "digest"
        projection = AllProjection()

    digest_bucket = UnicodeAttribute(hash_key=True)  # "digest" while waiting
    digest_key = UnicodeAttribute(range_key=True)  # "<user id>#<notification id>"


class Notification(BaseModel):
    """One item of a user's inbox (kind, the record it links to, parameters rendered in the reader's language), or
    the user's inbox record itself (`nid` "inbox": the unread counter, what was read in bulk, preferences)."""

    base_name = "notifications"

    class Meta(BaseModel.Meta):
        table_name = "notifications"

    user_id = UnicodeAttribute(hash_key=True)
    nid = UnicodeAttribute(range_key=True)  # ULID (sorts by time), or "inbox"
    kind = UnicodeAttribute(null=True)
    target = UnicodeAttribute(null=True)  # the portal path the item links to
    params = UnicodeAttribute(null=True)  # JSON object: values the kind's text is rendered with
    read = BooleanAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)
    digest_bucket = UnicodeAttribute(null=True)
    digest_key = UnicodeAttribute(null=True)
    # the inbox record only
    unread = NumberAttribute(null=True)
    read_before = UnicodeAttribute(null=True)  # every item with a smaller id was read by "mark all read"
    prefs = UnicodeAttribute(null=True)  # JSON object: kind → "immediate" | "digest" | "off"
    locale = UnicodeAttribute(null=True)  # the language mail is written in ("zh" | "en")
    digest = DigestDue()
