"""The outbox (DESIGN rule 13, issue 13): what must follow a commit, written in the same transaction."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from portal.adapters.tables.base import BaseModel


class OutboxDue(GlobalSecondaryIndex):
    """Sparse: messages still to deliver, by the moment their next attempt is due (the delivery job's Query)."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_bucket = UnicodeAttribute(hash_key=True)  # "due" while undelivered
    due_key = UnicodeAttribute(range_key=True)  # "<next attempt, ISO UTC>#<message id>"


class OutboxGivenUp(GlobalSecondaryIndex):
    """Sparse: messages given up after too many failed attempts, newest last (MD's list of failed mail)."""

    class Meta:
        index_name = "given_up"
        projection = AllProjection()

    failed_bucket = UnicodeAttribute(hash_key=True)  # "given_up"
    message_id = UnicodeAttribute(range_key=True)


class OutboxMessage(BaseModel):
    """One message to deliver after the commit that staged it (mail now; notifications later): delivered once by
    `functions.deliver_outbox`, retried with backoff while the mail service fails."""

    base_name = "outbox"

    class Meta(BaseModel.Meta):
        table_name = "outbox"

    message_id = UnicodeAttribute(hash_key=True)  # ULID
    channel = UnicodeAttribute(default="mail")
    to = UnicodeAttribute()
    subject = UnicodeAttribute()
    body = UnicodeAttribute(null=True)  # removed once delivered (invitation links are secrets)
    html = UnicodeAttribute(null=True)  # the HTML alternative of the body (notifications), removed with it
    user_id = UnicodeAttribute(null=True)  # the recipient's account, when known: nothing goes to a disabled one
    nid = UnicodeAttribute(null=True)  # the notification this message tells of
    created_at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default="due")  # due | sent | given_up
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)  # SES's message id
    due_bucket = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)  # a delivered message is kept 30 days, then DynamoDB removes it
    failed_bucket = UnicodeAttribute(null=True)
    fanned_to = UnicodeAttribute(null=True)  # a fan-out (channel "fanout"): the last user id told so far
    due = OutboxDue()
    given_up_index = OutboxGivenUp()
