"""The one declaration of every DynamoDB table, its keys and its indexes (DESIGN rule 4), by area.

The local bootstrap creates tables from these models, the tests do the same on moto, and
tests/integration/test_infra.py checks infra/template.json against them. Only the adapters import them.
"""

from __future__ import annotations

from portal.adapters.tables.base import (  # noqa: F401
    BaseModel,
    table_name,
    ttl_attribute,
)
from portal.adapters.tables.base import configure as _configure
from portal.adapters.tables.contracts import (  # noqa: F401
    Contract,
    ContractsByCustomer,
    ContractsByDepartment,
    ContractsExpiring,
)
from portal.adapters.tables.customers import (  # noqa: F401
    Application,
    ApplicationsByCustomer,
    Customer,
    Document,
    DocumentsAwaitingReview,
    DocumentsByCustomer,
    DocumentType,
    ExpiringDocuments,
    OpenApplicationsByDepartment,
    PendingUploads,
    Prospect,
    ProspectsByDepartment,
)
from portal.adapters.tables.dynamics import (  # noqa: F401
    BlacklistByCustomer,
    BlacklistByScope,
    BlacklistDue,
    BlacklistEntry,
    ChangeTask,
    Incident,
    OpenDowngrades,
    OpenReports,
    OverdueTasks,
    ReviewCycle,
    ReviewTask,
    TasksByDepartment,
)
from portal.adapters.tables.exports import (  # noqa: F401
    ExpiringExports,
    Export,
    ExportsByUser,
    PendingExports,
)
from portal.adapters.tables.grading import (  # noqa: F401
    Counter,
    Evaluation,
    EvaluationsByStanding,
    GradeChange,
    ScorecardRecord,
    Standing,
    StandingsByCustomer,
    StandingsByGrade,
)
from portal.adapters.tables.identity import (  # noqa: F401
    AuditByActor,
    AuditByDepartment,
    AuditEvent,
    Session,
    SessionsByUser,
    Throttle,
    Unique,
    User,
    UsersByCustomer,
    UsersByDepartment,
)
from portal.adapters.tables.notifications import (  # noqa: F401
    DigestDue,
    Notification,
)
from portal.adapters.tables.org import (  # noqa: F401
    Department,
    Product,
)
from portal.adapters.tables.outbox import (  # noqa: F401
    OutboxDue,
    OutboxGivenUp,
    OutboxMessage,
)
from portal.adapters.tables.sales import (  # noqa: F401
    OpenOrders,
    Order,
    Receivable,
    SalesImport,
)
from portal.adapters.tables.search import SearchEntry  # noqa: F401
from portal.adapters.tables.tickets import (  # noqa: F401
    MisconductReport,
    OpenMisconduct,
    PendingTicketFiles,
    SlaSetting,
    Ticket,
    TicketEvent,
    TicketQueue,
    TicketsByCustomer,
    TicketsByDepartment,
    TicketsDue,
)
from portal.adapters.tables.visits import (  # noqa: F401
    PlannedVisits,
    Visit,
    VisitsByCustomer,
)

MODELS: tuple[type[BaseModel], ...] = (
    Department, Product, User, Unique, Session, Throttle, AuditEvent,
    Customer, Prospect, DocumentType, Document, Application, Standing, BlacklistEntry,
    Counter, ScorecardRecord, Evaluation, GradeChange, Incident, ReviewCycle, ReviewTask,
    SlaSetting, Ticket, TicketEvent, MisconductReport, ChangeTask, Visit, OutboxMessage,
    Notification, Export, SearchEntry, Contract, Order, Receivable, SalesImport,
)


def configure(prefix: str, endpoint: str | None, region: str) -> None:
    """Name every table `prefix + base_name` and point PynamoDB at `endpoint` (None: AWS)."""
    _configure(MODELS, prefix, endpoint, region)


def create_all(wait: bool = False) -> None:
    """Create every table that does not exist yet (local run and tests only)."""
    for model in MODELS:
        if not model.exists():
            model.create_table(wait=wait)
