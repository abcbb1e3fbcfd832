"""The one declaration of every DynamoDB table, its keys and its indexes (DESIGN rule 4).

The local bootstrap creates tables from these models, the tests do the same on moto,
and tests/integration/test_infra.py checks infra/template.yaml against them.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from portal.adapters import aws

_conf = {"prefix": "portal-local-", "endpoint": None, "region": "us-east-1"}


class BaseModel(Model):
    """Common table settings: on-demand billing, name = configured prefix + `base_name`."""

    base_name = ""

    class Meta:
        billing_mode = "PAY_PER_REQUEST"
        region = "us-east-1"


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
    version = VersionAttribute()


class UsersByDepartment(GlobalSecondaryIndex):
    """Staff of one department, by e-mail (sparse: only staff carry dept_id)."""

    class Meta:
        index_name = "by_dept"
        projection = AllProjection()

    dept_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(range_key=True)


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
    version = VersionAttribute()
    by_dept = UsersByDepartment()


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
    by_actor = AuditByActor()
    by_dept = AuditByDepartment()


MODELS: tuple[type[BaseModel], ...] = (Department, Product, User, Unique, Session, Throttle, AuditEvent)


def configure(prefix: str, endpoint: str | None, region: str) -> None:
    """Name every table `prefix + base_name` and point PynamoDB at `endpoint` (None: AWS)."""
    _conf.update(prefix=prefix, endpoint=endpoint, region=region)
    for model in MODELS:
        model.Meta.table_name = prefix + model.base_name
        model.Meta.host = endpoint
        model.Meta.region = region
        model._connection = None
        # Share one botocore session (this thread's) instead of one per table: PynamoDB keeps it in
        # Connection._local; nothing is loaded or called until the first request.
        model._get_connection().connection._local.session = aws.shared_session()


def table_name(model: type[BaseModel]) -> str:
    """The configured name of a model's table."""
    return _conf["prefix"] + model.base_name


def transaction() -> TransactWrite:
    """A TransactWrite on the configured endpoint (all-or-nothing writes with conditions)."""
    connection = Connection(region=_conf["region"], host=_conf["endpoint"])
    connection._local.session = aws.shared_session()
    return TransactWrite(connection=connection)


def ttl_attribute(model: type[BaseModel]) -> str | None:
    """The name of a model's TTL attribute, if it has one."""
    for name, attr in model.get_attributes().items():
        if isinstance(attr, TTLAttribute):
            return attr.attr_name or name
    return None


def create_all(wait: bool = False) -> None:
    """Create every table that does not exist yet (local run and tests only)."""
    for model in MODELS:
        if not model.exists():
            model.create_table(wait=wait)
