"""Standings, quota counters, scorecards, evaluations and grade history (GRD-*, QTA-*, SCP-1)."""

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


class Counter(BaseModel):
    """Counts moved in the same transaction as what they count: admitted customers by grade in a department
    (`key` "all") or per product (`key` "product#<id>"); files kept on a ticket (`ticket#<id>`, `key` "files");
    review tasks by status in a cycle (`review#<cycle>`, `key` "<dept>#<due day>"); the ticket report's counters
    and lines (see portal.adapters.repos.ticket_tallies); staff to-dos (`todo#<scope>`, see .todo_tallies)."""

    base_name = "counters"

    class Meta(BaseModel.Meta):
        table_name = "counters"

    dept_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)  # "all" | "product#<id>"
    total = NumberAttribute(default=0)
    vip = NumberAttribute(default=0)
    preferred = NumberAttribute(default=0)
    open = NumberAttribute(null=True)
    submitted = NumberAttribute(null=True)
    decided = NumberAttribute(null=True)
    resolved = NumberAttribute(null=True)
    in_time = NumberAttribute(null=True)
    rating_sum = NumberAttribute(null=True)
    ratings = NumberAttribute(null=True)
    name = UnicodeAttribute(null=True)
    line = UnicodeAttribute(null=True)  # JSON: one ticket's share of the report
    applications = NumberAttribute(null=True)  # to-dos (portal.adapters.repos.todo_tallies)
    tickets = NumberAttribute(null=True)
    visits = NumberAttribute(null=True)
    reviews = NumberAttribute(null=True)
    downgrades = NumberAttribute(null=True)
    changes = NumberAttribute(null=True)
    # a customer's sales by day in a department (`sales#<dept>#<customer>`, `key` "day#<day>"; issue 18 items 2-3,
    # see portal.adapters.repos.sales.CustomerSales): orders placed, pick-ups and invoices by their due day
    sales_fen = NumberAttribute(null=True)
    sales_orders = NumberAttribute(null=True)
    pickups_late = NumberAttribute(null=True)
    pickups_pending = NumberAttribute(null=True)
    paid_late = NumberAttribute(null=True)
    unpaid = NumberAttribute(null=True)
    unpaid_fen = NumberAttribute(null=True)


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


class OpenProposals(GlobalSecondaryIndex):
    """Sparse: the undecided grade proposals for a customer in a department (the standing page shows them)."""

    class Meta:
        index_name = "open_proposals"
        projection = AllProjection()

    open_of = UnicodeAttribute(hash_key=True)  # "<dept>#<customer>" while the proposal is open
    change_id = UnicodeAttribute(range_key=True)


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
    proposed_by = UnicodeAttribute(null=True)  # a change that accepted a proposal: who proposed it (GRD-6)
    no_evaluation_reason = UnicodeAttribute(null=True)  # GRD-6: why a promotion cites no evaluation of 6 months
    by = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    open_of = UnicodeAttribute(null=True)
    open_proposals = OpenProposals()
