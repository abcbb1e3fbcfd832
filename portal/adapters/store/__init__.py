"""Where records live: one interface, on DynamoDB (production, moto) or in memory (fast tests).

Repositories (portal/adapters/repos) are written once against it; tests/contract runs the same checks on both.
"""

from portal.adapters.store.expr import (
    Action,
    Check,
    Cond,
    ConditionFailed,
    Delete,
    Op,
    Put,
    QueryResult,
    StoreUnavailable,
    Update,
    attr,
)

__all__ = ["Action", "Check", "Cond", "ConditionFailed", "Delete", "Op", "Put", "QueryResult",
           "StoreUnavailable", "Update", "attr"]
