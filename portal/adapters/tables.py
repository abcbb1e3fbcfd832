"""The one declaration of every DynamoDB table, its keys and its indexes (DESIGN rule 4).

The local bootstrap creates tables from these models, the tests do the same on moto,
and tests/integration/test_infra.py checks infra/template.yaml against them.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
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
    discounts = MapAttribute(null=True)  # RGT-1 a: grade -> discount percent, e.g. {"VIP": 12}
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


# --- customers and admission (ADM-*, ONB-*) -----------------------------------------------------

class Customer(BaseModel):
    """A customer company (one legal entity); it can stand in several departments."""

    base_name = "customers"

    class Meta(BaseModel.Meta):
        table_name = "customers"

    customer_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    credit_code = UnicodeAttribute()  # 统一社会信用代码, unique through Unique("uscc#…")
    kind = UnicodeAttribute()  # CustomerType
    hospital_level = UnicodeAttribute(null=True)
    beds = NumberAttribute(null=True)
    region = UnicodeAttribute()
    industry = UnicodeAttribute()
    scale = UnicodeAttribute()
    contact_name = UnicodeAttribute()
    mobile = UnicodeAttribute()  # E.164
    email = UnicodeAttribute()
    prospect_id = UnicodeAttribute(null=True)
    legal_representative = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    business_scope = UnicodeAttribute(null=True)
    cancelled = BooleanAttribute(null=True)  # OBL-1: the registration was cancelled (注销)
    created_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class ProspectsByDepartment(GlobalSecondaryIndex):
    """A department's prospects, newest last."""

    class Meta:
        index_name = "by_dept"
        projection = AllProjection()

    dept_id = UnicodeAttribute(hash_key=True)
    prospect_id = UnicodeAttribute(range_key=True)


class Prospect(BaseModel):
    """A potential customer (潜在客户) recorded by a department and invited to register (ONB-2)."""

    base_name = "prospects"

    class Meta(BaseModel.Meta):
        table_name = "prospects"

    prospect_id = UnicodeAttribute(hash_key=True)  # ULID
    dept_id = UnicodeAttribute()
    name = UnicodeAttribute()
    contact_name = UnicodeAttribute(null=True)
    email = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    invite_hash = UnicodeAttribute(null=True)  # SHA-256 of the invitation secret
    invited_at = UTCDateTimeAttribute(null=True)
    customer_id = UnicodeAttribute(null=True)  # set when the invitation is used
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    by_dept = ProspectsByDepartment()


class DocumentType(BaseModel):
    """A kind of qualification document and the customer types that must provide it (configurable by MD)."""

    base_name = "document_types"

    class Meta(BaseModel.Meta):
        table_name = "document_types"

    org = UnicodeAttribute(hash_key=True, default="org")
    type_id = UnicodeAttribute(range_key=True)
    name_zh = UnicodeAttribute()
    name_en = UnicodeAttribute()
    required_for = UnicodeSetAttribute(null=True)  # CustomerType values
    version = VersionAttribute()


class DocumentsByCustomer(GlobalSecondaryIndex):
    """A customer's documents, oldest first."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    doc_id = UnicodeAttribute(range_key=True)


class ExpiringDocuments(GlobalSecondaryIndex):
    """Sparse: verified documents with an expiry day, by that day (the licence-expiry job reads only these)."""

    class Meta:
        index_name = "expiring"
        projection = AllProjection()

    expiry_bucket = UnicodeAttribute(hash_key=True)  # "exp" while verified and not yet past its expiry
    expiry_key = UnicodeAttribute(range_key=True)  # "<expiry day>#<doc id>"


class PendingUploads(GlobalSecondaryIndex):
    """Sparse: uploads requested but not yet checked, oldest first (the clean-up job reads only these)."""

    class Meta:
        index_name = "pending"
        projection = AllProjection()

    pending_bucket = UnicodeAttribute(hash_key=True)  # "up" while awaiting its file
    pending_key = UnicodeAttribute(range_key=True)  # "<requested at, ISO>#<record id>"


class PendingTicketFiles(GlobalSecondaryIndex):
    """Sparse: files on tickets requested but not yet checked, oldest first."""

    class Meta:
        index_name = "pending"
        projection = AllProjection()

    pending_bucket = UnicodeAttribute(hash_key=True)
    pending_key = UnicodeAttribute(range_key=True)


class Document(BaseModel):
    """One uploaded version of a qualification document; the file itself lives in S3 under a random key."""

    base_name = "documents"

    class Meta(BaseModel.Meta):
        table_name = "documents"

    doc_id = UnicodeAttribute(hash_key=True)  # ULID
    customer_id = UnicodeAttribute()
    type_id = UnicodeAttribute()
    status = UnicodeAttribute()  # awaiting_upload | verified | rejected | superseded
    original_name = UnicodeAttribute()  # kept as data only, never in the key
    content_type = UnicodeAttribute()
    s3_key = UnicodeAttribute()
    size = NumberAttribute(null=True)
    issue_date = UnicodeAttribute()
    expiry_date = UnicodeAttribute(null=True)  # None: long-term (长期)
    reject_reason = UnicodeAttribute(null=True)
    uploaded_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    confirmed_at = UTCDateTimeAttribute(null=True)
    expiry_bucket = UnicodeAttribute(null=True)
    expiry_key = UnicodeAttribute(null=True)
    warnings_sent = UnicodeSetAttribute(null=True)  # "60", "30", "7", "expired": each once
    pending_bucket = UnicodeAttribute(null=True)
    pending_key = UnicodeAttribute(null=True)
    version = VersionAttribute()
    by_customer = DocumentsByCustomer()
    expiring = ExpiringDocuments()
    pending = PendingUploads()


class ApplicationsByCustomer(GlobalSecondaryIndex):
    """A customer's applications, oldest first."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    app_id = UnicodeAttribute(range_key=True)


class OpenApplicationsByDepartment(GlobalSecondaryIndex):
    """Sparse: a department's undecided applications only, oldest first (the review queue)."""

    class Meta:
        index_name = "open_by_dept"
        projection = AllProjection()

    queue_dept = UnicodeAttribute(hash_key=True)
    app_id = UnicodeAttribute(range_key=True)


class Application(BaseModel):
    """An admission application to one department for some of its products (ADM-4)."""

    base_name = "applications"

    class Meta(BaseModel.Meta):
        table_name = "applications"

    app_id = UnicodeAttribute(hash_key=True)  # ULID: sorts by submission time
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    dept_id = UnicodeAttribute()
    products = UnicodeSetAttribute()
    status = UnicodeAttribute()  # submitted | admitted | rejected
    queue_dept = UnicodeAttribute(null=True)  # present only while undecided
    assignee_id = UnicodeAttribute(null=True)  # the designated person (ONB-3)
    background_check = UnicodeAttribute(null=True)
    conditions = UnicodeAttribute(null=True)  # JSON: {"a": {"met", "evidence_doc", "contract_no", "note", "by", "at"}}
    reentry = BooleanAttribute(null=True)  # BLK-6: after a blacklisting, both approvals are needed
    confirm_only = BooleanAttribute(null=True)  # ADM-1: retail/internal, confirmed by the department, no review
    requested_grade = UnicodeAttribute(null=True)  # the customer's wish; admission is always 合格 (GRD-4, BLK-6)
    dm_approval = UnicodeAttribute(null=True)  # JSON {by, at, reason}
    lead_approval = UnicodeAttribute(null=True)  # JSON {by, at, reason}
    decision_reason = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    submitted_at = UTCDateTimeAttribute()
    version = VersionAttribute()
    by_customer = ApplicationsByCustomer()
    open_by_dept = OpenApplicationsByDepartment()


class StandingsByCustomer(GlobalSecondaryIndex):
    """Every department a customer stands in."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    dept_id = UnicodeAttribute(range_key=True)


class StandingsByGrade(GlobalSecondaryIndex):
    """A department's customers of one grade (the filtered list and its CSV)."""

    class Meta:
        index_name = "by_grade"
        projection = AllProjection()

    dept_grade = UnicodeAttribute(hash_key=True)  # "<dept>#<grade>"
    customer_id = UnicodeAttribute(range_key=True)


class Standing(BaseModel):
    """A customer's standing in one department: admitted, with its grade (GRD-4: 合格 at admission)."""

    base_name = "standings"

    class Meta(BaseModel.Meta):
        table_name = "standings"

    dept_id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute(range_key=True)
    customer_name = UnicodeAttribute()
    grade = UnicodeAttribute(default="QUALIFIED")  # VIP | PREFERRED | QUALIFIED
    dept_grade = UnicodeAttribute(null=True)  # "<dept>#<grade>", kept with `grade` for the by_grade index
    products = UnicodeSetAttribute()
    designated_staff = UnicodeAttribute(null=True)
    admitted_at = UTCDateTimeAttribute()
    app_id = UnicodeAttribute(null=True)
    licence_flags = UnicodeSetAttribute(null=True)  # expired required documents: ADM-2 (a)/(e) not met meanwhile
    version = VersionAttribute()
    by_customer = StandingsByCustomer()
    by_grade = StandingsByGrade()


class BlacklistByCustomer(GlobalSecondaryIndex):
    """A customer's listings, oldest first (the eligibility check of ADM-3 / BLK-2)."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)


class BlacklistByScope(GlobalSecondaryIndex):
    """One scope's listings ("company" or a department), oldest first: the blacklist pages."""

    class Meta:
        index_name = "by_scope"
        projection = AllProjection()

    scope = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)


class BlacklistDue(GlobalSecondaryIndex):
    """Sparse: active entries that have an expiry day, by that day — the expiry job reads only what is due."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_bucket = UnicodeAttribute(hash_key=True)  # "due", present only while the entry is active with an expiry
    due_key = UnicodeAttribute(range_key=True)  # "<expiry day>#<entry id>"


class BlacklistEntry(BaseModel):
    """A listing of a customer on a department's or the company blacklist (BLK-1, BLK-4, BLK-7)."""

    base_name = "blacklist"

    class Meta(BaseModel.Meta):
        table_name = "blacklist"

    entry_id = UnicodeAttribute(hash_key=True)  # ULID
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute(default="")
    scope = UnicodeAttribute()  # "company" or a department id
    active = BooleanAttribute(default=True)
    reason = UnicodeAttribute(default="")
    listed_by = UnicodeAttribute(default="")
    listed_at = UTCDateTimeAttribute()
    expires_on = UnicodeAttribute(null=True)  # Asia/Shanghai day the ban ends (BLK-4); None: until lifted
    due_bucket = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    ended_at = UTCDateTimeAttribute(null=True)
    ended_by = UnicodeAttribute(null=True)
    ended_how = UnicodeAttribute(null=True)  # lifted | expired
    end_reason = UnicodeAttribute(null=True)
    by_customer = BlacklistByCustomer()
    by_scope = BlacklistByScope()
    due = BlacklistDue()


# --- grading and quotas (GRD-*, QTA-*) --------------------------------------------------------------

class Counter(BaseModel):
    """Counts moved in the same transaction as what they count: admitted customers by grade in a department
    (`key` "all") or per product (`key` "product#<id>"); files kept on a ticket (`ticket#<id>`, `key` "files")."""

    base_name = "counters"

    class Meta(BaseModel.Meta):
        table_name = "counters"

    dept_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)  # "all" | "product#<id>"
    total = NumberAttribute(default=0)
    vip = NumberAttribute(default=0)
    preferred = NumberAttribute(default=0)


class ScorecardRecord(BaseModel):
    """A scorecard (附件1): the company default, a department's default, or a department's for one product."""

    base_name = "scorecards"

    class Meta(BaseModel.Meta):
        table_name = "scorecards"

    scope = UnicodeAttribute(hash_key=True)  # "company" | department id
    card_id = UnicodeAttribute(range_key=True)  # "default" | product id
    definition = UnicodeAttribute()  # JSON, see portal.domain.grading.scorecard_to_dict
    updated_by = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class EvaluationsByStanding(GlobalSecondaryIndex):
    """One customer's evaluations in one department, oldest first."""

    class Meta:
        index_name = "by_standing"
        projection = AllProjection()

    standing_key = UnicodeAttribute(hash_key=True)  # "<dept>#<customer>"
    eval_id = UnicodeAttribute(range_key=True)


class Evaluation(BaseModel):
    """A filled scorecard: the inputs, the points, the proposed grade, and a copy of the scorecard used."""

    base_name = "evaluations"

    class Meta(BaseModel.Meta):
        table_name = "evaluations"

    eval_id = UnicodeAttribute(hash_key=True)  # ULID
    standing_key = UnicodeAttribute()
    dept_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    card_scope = UnicodeAttribute()
    card_id = UnicodeAttribute()
    card_version = NumberAttribute()
    card_definition = UnicodeAttribute()  # the scorecard as it was: later edits never rewrite this evaluation
    inputs = UnicodeAttribute()  # JSON: values and hard criteria
    points = UnicodeAttribute()  # JSON
    total = NumberAttribute()
    proposed = UnicodeAttribute()
    capped_by = UnicodeAttribute(null=True)
    by = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    by_standing = EvaluationsByStanding()


class GradeChange(BaseModel):
    """GRD-6: a grade change (or a proposal of one) with who, when, from, to, why, and the evaluation behind it."""

    base_name = "grade_changes"

    class Meta(BaseModel.Meta):
        table_name = "grade_changes"

    customer_id = UnicodeAttribute(hash_key=True)
    change_id = UnicodeAttribute(range_key=True)  # ULID
    dept_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # change | proposal | left
    status = UnicodeAttribute(default="done")  # done | open | accepted | declined (proposals)
    from_grade = UnicodeAttribute(null=True)
    to_grade = UnicodeAttribute(null=True)
    reason = UnicodeAttribute()
    evaluation_id = UnicodeAttribute(null=True)
    override_reason = UnicodeAttribute(null=True)  # QTA-3: a leader's written reason for exceeding a product limit
    by = UnicodeAttribute()
    at = UTCDateTimeAttribute()



# --- dynamic management: incidents and reviews (INC-*, REV-*) -------------------------------------

class OpenDowngrades(GlobalSecondaryIndex):
    """Sparse: incidents whose VIP downgrade is still due, by deadline (INC-2 escalation reads only these)."""

    class Meta:
        index_name = "open_downgrades"
        projection = AllProjection()

    downgrade_open = UnicodeAttribute(hash_key=True)  # "open" while due
    downgrade_key = UnicodeAttribute(range_key=True)  # "<deadline UTC ISO>#<incident id>"


class OpenReports(GlobalSecondaryIndex):
    """Sparse: major-loss incidents reported to MD and not yet decided (INC-3)."""

    class Meta:
        index_name = "open_reports"
        projection = AllProjection()

    md_report = UnicodeAttribute(hash_key=True)  # "open" until MD decides
    incident_id = UnicodeAttribute(range_key=True)


class Incident(BaseModel):
    """INC-1: an incident recorded against a customer in a department."""

    base_name = "incidents"

    class Meta(BaseModel.Meta):
        table_name = "incidents"

    customer_id = UnicodeAttribute(hash_key=True)
    incident_id = UnicodeAttribute(range_key=True)  # ULID
    customer_name = UnicodeAttribute(default="")
    dept_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # poor_contract_execution | late_payment | operating_crisis | major_loss
    description = UnicodeAttribute()
    recorded_by = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    grade_at_time = UnicodeAttribute(null=True)
    downgrade_due_at = UTCDateTimeAttribute(null=True)  # INC-2: end of the fifth day, Asia/Shanghai
    downgrade_open = UnicodeAttribute(null=True)
    downgrade_key = UnicodeAttribute(null=True)
    downgraded_at = UTCDateTimeAttribute(null=True)
    escalated_at = UTCDateTimeAttribute(null=True)  # set once: an overdue downgrade is escalated once
    md_report = UnicodeAttribute(null=True)
    md_decision = UnicodeAttribute(null=True)
    open_downgrades = OpenDowngrades()
    open_reports = OpenReports()


class ReviewCycle(BaseModel):
    """REV-2: a half-yearly review cycle (2027H1 opens on 1 January, 2027H2 on 1 July)."""

    base_name = "review_cycles"

    class Meta(BaseModel.Meta):
        table_name = "review_cycles"

    org = UnicodeAttribute(hash_key=True, default="org")
    cycle_id = UnicodeAttribute(range_key=True)  # "2027H1"
    opened_at = UTCDateTimeAttribute()
    due_on = UnicodeAttribute()  # last day, Asia/Shanghai
    tasks = NumberAttribute(default=0)


class TasksByDepartment(GlobalSecondaryIndex):
    """A cycle's review tasks of one department (its progress, and MD's filed results)."""

    class Meta:
        index_name = "by_dept"
        projection = AllProjection()

    cycle_dept = UnicodeAttribute(hash_key=True)  # "<cycle>#<dept>"
    customer_id = UnicodeAttribute(range_key=True)


class OverdueTasks(GlobalSecondaryIndex):
    """Sparse: open review tasks by due day (REV-2 escalation reads only these)."""

    class Meta:
        index_name = "open_by_due"
        projection = AllProjection()

    open_bucket = UnicodeAttribute(hash_key=True)  # "open" until decided
    due_key = UnicodeAttribute(range_key=True)  # "<due day>#<cycle>#<dept>#<customer>"


class ReviewTask(BaseModel):
    """REV-1: one customer's stage evaluation (附件2 客户阶段评价表) in one department and cycle."""

    base_name = "review_tasks"

    class Meta(BaseModel.Meta):
        table_name = "review_tasks"

    cycle_id = UnicodeAttribute(hash_key=True)
    task_key = UnicodeAttribute(range_key=True)  # "<dept>#<customer>"
    cycle_dept = UnicodeAttribute()
    dept_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute(default="")
    grade_at_open = UnicodeAttribute()
    due_on = UnicodeAttribute()
    status = UnicodeAttribute(default="open")  # open | submitted | decided
    open_bucket = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    form = UnicodeAttribute(null=True)  # JSON of the stage evaluation
    score = NumberAttribute(null=True)
    recommended = UnicodeAttribute(null=True)
    decided_grade = UnicodeAttribute(null=True)
    submitted_by = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    escalated_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()
    by_dept = TasksByDepartment()
    overdue = OverdueTasks()



# --- tickets (CMP-*, RGT-1, RGT-2) ------------------------------------------------------------------

class SlaSetting(BaseModel):
    """CMP-2: a department's ticket categories and times (MD keeps the company default, scope "company")."""

    base_name = "sla_settings"

    class Meta(BaseModel.Meta):
        table_name = "sla_settings"

    scope = UnicodeAttribute(hash_key=True)
    categories = UnicodeAttribute(default="[]")  # JSON list of category names
    responsible_role = UnicodeAttribute(default="rep")
    first_response_days = NumberAttribute(default=1)
    resolution_days = NumberAttribute(default=5)
    vip_first_response_days = NumberAttribute(null=True)
    vip_resolution_days = NumberAttribute(null=True)
    autoclose_days = NumberAttribute(default=7)
    version = VersionAttribute()


class TicketsByCustomer(GlobalSecondaryIndex):
    """A customer's tickets, oldest first."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    ticket_id = UnicodeAttribute(range_key=True)


class TicketsByDepartment(GlobalSecondaryIndex):
    """Every ticket of a department (or "company"), oldest first: the reports (REL-5, CMP-3)."""

    class Meta:
        index_name = "by_dept"
        projection = AllProjection()

    dept_id = UnicodeAttribute(hash_key=True)
    ticket_id = UnicodeAttribute(range_key=True)


class TicketQueue(GlobalSecondaryIndex):
    """Sparse: a department's open tickets, VIP first, then by due time (RGT-2)."""

    class Meta:
        index_name = "queue"
        projection = AllProjection()

    queue_dept = UnicodeAttribute(hash_key=True)
    queue_key = UnicodeAttribute(range_key=True)


class TicketsDue(GlobalSecondaryIndex):
    """Sparse: tickets with a pending deadline (first response, resolution, auto-close), by that deadline."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_bucket = UnicodeAttribute(hash_key=True)  # "due"
    due_key = UnicodeAttribute(range_key=True)  # "<deadline UTC ISO>#<what>#<ticket id>"


class Ticket(BaseModel):
    """A complaint, service request, dispute or consultation, with its SLA clocks (CMP-1…3)."""

    base_name = "tickets"

    class Meta(BaseModel.Meta):
        table_name = "tickets"

    ticket_id = UnicodeAttribute(hash_key=True)  # ULID
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute(default="")
    dept_id = UnicodeAttribute()  # a department, or "company" (RGT-1 b: to MD about a department)
    kind = UnicodeAttribute()
    category = UnicodeAttribute(null=True)
    channel = UnicodeAttribute()
    subject = UnicodeAttribute()
    description = UnicodeAttribute()
    status = UnicodeAttribute()
    grade = UnicodeAttribute(null=True)  # the customer's grade in that department when filed
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    first_response_due = UTCDateTimeAttribute()
    resolution_due = UTCDateTimeAttribute()
    first_response_at = UTCDateTimeAttribute(null=True)
    resolved_at = UTCDateTimeAttribute(null=True)
    closed_at = UTCDateTimeAttribute(null=True)
    rating = NumberAttribute(null=True)
    comment = UnicodeAttribute(null=True)
    breaches = UnicodeSetAttribute(null=True)  # "first_response", "resolution": escalated once each
    queue_dept = UnicodeAttribute(null=True)
    queue_key = UnicodeAttribute(null=True)
    due_bucket = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    version = VersionAttribute()
    by_customer = TicketsByCustomer()
    by_dept = TicketsByDepartment()
    queue = TicketQueue()
    due = TicketsDue()


class TicketEvent(BaseModel):
    """A step of a ticket's timeline: a status change or a reply."""

    base_name = "ticket_events"

    class Meta(BaseModel.Meta):
        table_name = "ticket_events"

    ticket_id = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)  # ULID
    kind = UnicodeAttribute()  # status | reply | attachment
    status = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    by = UnicodeAttribute()
    by_staff = BooleanAttribute(default=False)
    at = UTCDateTimeAttribute()
    # attachments (kind "attachment"): the same presigned upload and check as documents
    file_state = UnicodeAttribute(null=True)  # awaiting_upload | verified | rejected
    file_name = UnicodeAttribute(null=True)
    content_type = UnicodeAttribute(null=True)
    s3_key = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    reject_reason = UnicodeAttribute(null=True)
    pending_bucket = UnicodeAttribute(null=True)
    pending_key = UnicodeAttribute(null=True)
    pending = PendingTicketFiles()



class OpenMisconduct(GlobalSecondaryIndex):
    """Sparse: misconduct reports MD has not handled yet."""

    class Meta:
        index_name = "open"
        projection = AllProjection()

    open_bucket = UnicodeAttribute(hash_key=True)  # "open"
    report_id = UnicodeAttribute(range_key=True)


class MisconductReport(BaseModel):
    """RGT-1 c: a customer reports another customer's fraud or misconduct; only MD reads it."""

    base_name = "misconduct_reports"

    class Meta(BaseModel.Meta):
        table_name = "misconduct_reports"

    report_id = UnicodeAttribute(hash_key=True)  # ULID
    reporter_customer_id = UnicodeAttribute()  # never shown to a department
    reporter_user = UnicodeAttribute()
    subject_name = UnicodeAttribute()
    subject_credit_code = UnicodeAttribute(null=True)
    description = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    open_bucket = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    handled_by = UnicodeAttribute(null=True)
    open = OpenMisconduct()



class ChangeTask(BaseModel):
    """OBL-1: a customer's reported change or cancellation, as a task for each department it deals with."""

    base_name = "change_tasks"

    class Meta(BaseModel.Meta):
        table_name = "change_tasks"

    dept_id = UnicodeAttribute(hash_key=True)
    task_id = UnicodeAttribute(range_key=True)  # ULID of the report
    customer_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    kind = UnicodeAttribute()  # change | cancellation
    changes = UnicodeAttribute()  # JSON: name, legal_representative, address, business_scope
    licence_doc = UnicodeAttribute(null=True)
    reported_by = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default="open")  # open | done
    handled_by = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)


class PlannedVisits(GlobalSecondaryIndex):
    """Sparse: a department's visits still to make, by day (the page orders them by grade, RGT-2)."""

    class Meta:
        index_name = "planned"
        projection = AllProjection()

    planned_dept = UnicodeAttribute(hash_key=True)
    planned_key = UnicodeAttribute(range_key=True)  # "<planned day>#<visit id>"


class VisitsByCustomer(GlobalSecondaryIndex):
    """A customer's visits, oldest first: its archive (REL-1)."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    visit_id = UnicodeAttribute(range_key=True)


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
    version = VersionAttribute()
    planned = PlannedVisits()
    by_customer = VisitsByCustomer()


MODELS: tuple[type[BaseModel], ...] = (
    Department, Product, User, Unique, Session, Throttle, AuditEvent,
    Customer, Prospect, DocumentType, Document, Application, Standing, BlacklistEntry,
    Counter, ScorecardRecord, Evaluation, GradeChange, Incident, ReviewCycle, ReviewTask,
    SlaSetting, Ticket, TicketEvent, MisconductReport, ChangeTask, Visit,
)


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


def condition_failed(exc: TransactWriteError) -> bool:
    """Was a cancelled transaction refused by one of its conditions (not by throttling, a conflict, an outage…)?"""
    return any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in exc.cancellation_reasons)


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
