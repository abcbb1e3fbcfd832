"""Accounts, sessions, sign-in throttles, unique values and the audit trail (SEC-1, DESIGN rule 10)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from portal.adapters.tables.base import BaseModel


class UsersByDepartment(GlobalSecondaryIndex):
    """Staff of one department, by e-mail (sparse: only staff carry dept_id)."""

    class Meta:
        index_name = "by_dept"
        projection = AllProjection()

    dept_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(range_key=True)


class UsersByCustomer(GlobalSecondaryIndex):
    """The people of one customer company, with invitations still open (sparse: only customers carry it)."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)


class User(BaseModel):
    """A person who signs in: staff (one department, one role) or a customer's user."""

    base_name = "users"

    class Meta(BaseModel.Meta):
        table_name = "users"

    user_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute()  # staff | customer
    role = UnicodeAttribute(null=True)
    dept_id = UnicodeAttribute(null=True)
    customer_id = UnicodeAttribute(null=True)
    password_hash = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()
    must_change_password = BooleanAttribute(null=True)  # set by a leader or MD: changed at the next sign-in
    reset_hash = UnicodeAttribute(null=True)  # SHA-256 of the one open password-reset link (newest only)
    reset_expires = UTCDateTimeAttribute(null=True)
    tokens_after = UTCDateTimeAttribute(null=True)  # API tokens issued before this moment are void
    # Issue 15: accounts made before e-mail verification existed have no such attribute and count as verified.
    email_verified = BooleanAttribute(default=True)
    verify_email = UnicodeAttribute(null=True)  # the address the one open verification link confirms
    verify_hash = UnicodeAttribute(null=True)  # SHA-256 of that link
    verify_expires = UTCDateTimeAttribute(null=True)
    company_role = UnicodeAttribute(null=True)  # admin | member; absent on a customer's user: its first (admin)
    invite_hash = UnicodeAttribute(null=True)  # an invited colleague (not active yet): SHA-256 of the link
    invite_expires = UTCDateTimeAttribute(null=True)
    invited_by = UnicodeAttribute(null=True)  # user id of the administrator who invited
    mobile = UnicodeAttribute(null=True)  # E.164
    language = UnicodeAttribute(null=True)  # zh | en
    # two-factor (issue 15 item 5): the TOTP secret once confirmed, one being set up, the last time-step used (a
    # code is never accepted twice), SHA-256 of the unused recovery codes
    totp_secret = UnicodeAttribute(null=True)
    totp_pending = UnicodeAttribute(null=True)
    totp_last_step = NumberAttribute(null=True)
    recovery_hashes = UnicodeSetAttribute(null=True)
    # a one-time sign-in link, asked for after many failed sign-ins from anywhere (issue 15 item 6)
    signin_hash = UnicodeAttribute(null=True)
    signin_expires = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()
    by_dept = UsersByDepartment()
    by_customer = UsersByCustomer()


class Unique(BaseModel):
    """A claimed unique value (an e-mail, later a credit code), written in the same transaction as its owner."""

    base_name = "uniques"

    class Meta(BaseModel.Meta):
        table_name = "uniques"

    key = UnicodeAttribute(hash_key=True)  # e.g. "email#someone@example.com"
    owner_id = UnicodeAttribute()


class SessionsByUser(GlobalSecondaryIndex):
    """Every open session of one user, so disabling a user ends them all."""

    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)


class Session(BaseModel):
    """A signed-in browser session; the cookie holds the secret, the table holds its SHA-256."""

    base_name = "sessions"

    class Meta(BaseModel.Meta):
        table_name = "sessions"

    sid_hash = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()
    ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    last_seen = UTCDateTimeAttribute(null=True)  # written at most once a minute (issue 15 item 7)
    kind = UnicodeAttribute(null=True)  # web (a browser's cookie) | api (a bearer token); none: web
    by_user = SessionsByUser()


class Throttle(BaseModel):
    """Failed sign-ins counted per account or per client address, shared by all Lambda containers."""

    base_name = "throttles"

    class Meta(BaseModel.Meta):
        table_name = "throttles"

    key = UnicodeAttribute(hash_key=True)  # "account#<email>" | "client#<ip>"
    failures = NumberAttribute(default=0)
    window_start = UTCDateTimeAttribute()
    locked_until = UTCDateTimeAttribute(null=True)
    told = BooleanAttribute(null=True)  # the owner was told of this window's failures (issue 15 item 6)
    expires_at = TTLAttribute()


class AuditByActor(GlobalSecondaryIndex):
    """One actor's audit events, newest last."""

    class Meta:
        index_name = "by_actor"
        projection = AllProjection()

    actor_key = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)


class AuditByDepartment(GlobalSecondaryIndex):
    """One department's audit events, newest last."""

    class Meta:
        index_name = "by_dept"
        projection = AllProjection()

    dept_id = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)


class AuditByCustomer(GlobalSecondaryIndex):
    """Sparse: the changes that concern one customer, its timeline (issue 17 item 3; portal.domain.timeline)."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_key = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)


class AuditEvent(BaseModel):
    """Append-only audit record: who, when, what, from where (DESIGN rule 10)."""

    base_name = "audit"

    class Meta(BaseModel.Meta):
        table_name = "audit"

    day = UnicodeAttribute(hash_key=True)  # calendar day in Asia/Shanghai, YYYY-MM-DD
    event_id = UnicodeAttribute(range_key=True)  # ULID: sorts by time
    at = UTCDateTimeAttribute()
    actor_key = UnicodeAttribute()  # user id, or "anonymous"
    actor_email = UnicodeAttribute(null=True)
    actor_role = UnicodeAttribute(null=True)
    dept_id = UnicodeAttribute(null=True)
    action = UnicodeAttribute()
    outcome = UnicodeAttribute(default="ok")  # ok | failed | refused
    target_type = UnicodeAttribute(null=True)
    target_id = UnicodeAttribute(null=True)
    detail = UnicodeAttribute(null=True)  # JSON text; never a password or a document's content
    ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    customer_key = UnicodeAttribute(null=True)  # the customer a change concerns (its timeline), else absent
    customer_scope = UnicodeAttribute(null=True)  # who sees it there: "*", a department id, or "company"
    shared = BooleanAttribute(null=True)  # the customer's own users see it on their timeline
    actor_name = UnicodeAttribute(null=True)  # the actor's name when it happened (timelines name people)
    by_actor = AuditByActor()
    by_dept = AuditByDepartment()
    by_customer = AuditByCustomer()
