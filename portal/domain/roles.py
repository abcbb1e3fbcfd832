"""Actors, roles and who may do what where (ACT-*, SEC-1)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Staff roles; each staff user has exactly one."""

    MD = "md"  # ACT-MD 营销事业部
    LEAD = "lead"  # ACT-LEAD 公司领导
    DM = "dm"  # ACT-DM 部门领导
    CLERK = "clerk"  # ACT-CLERK 销售内务
    REP = "rep"  # ACT-REP 业务员/客户经理


class DepartmentKind(StrEnum):
    """The company-level Marketing Division versus a sales department."""

    COMPANY = "company"
    SALES = "sales"


class Perm(StrEnum):
    """Things a staff user may be allowed to do."""

    STAFF_HOME = "staff_home"
    VIEW_DEPARTMENT = "view_department"
    MANAGE_DEPARTMENTS = "manage_departments"
    VIEW_STAFF = "view_staff"
    MANAGE_STAFF = "manage_staff"
    MANAGE_PRODUCTS = "manage_products"
    VIEW_AUDIT = "view_audit"
    VIEW_CUSTOMERS = "view_customers"
    MANAGE_PROSPECTS = "manage_prospects"
    REVIEW_APPLICATIONS = "review_applications"
    REVIEW_DOCUMENTS = "review_documents"
    DECIDE_APPLICATIONS = "decide_applications"
    MANAGE_DOCUMENT_TYPES = "manage_document_types"
    MANAGE_SCORECARDS = "manage_scorecards"
    MANAGE_COMPANY_STANDARDS = "manage_company_standards"
    EVALUATE = "evaluate"
    PROPOSE_GRADES = "propose_grades"
    DECIDE_GRADES = "decide_grades"
    APPROVE_REENTRY = "approve_reentry"
    MANAGE_DEPARTMENT_BLACKLIST = "manage_department_blacklist"
    MANAGE_COMPANY_BLACKLIST = "manage_company_blacklist"
    RECORD_INCIDENTS = "record_incidents"
    REVIEW_CUSTOMERS = "review_customers"
    RUN_JOBS = "run_jobs"
    RESET_TWO_FACTOR = "reset_two_factor"
    VIEW_REGISTER = "view_register"
    MANAGE_DEVICE_CLASSES = "manage_device_classes"
    IMPORT_CUSTOMERS = "import_customers"
    DRAFT_CONTRACTS = "draft_contracts"
    APPROVE_CONTRACTS = "approve_contracts"
    IMPORT_SALES = "import_erp_records"


ALL_STAFF = frozenset(Role)
COMPANY_WIDE = frozenset({Role.MD, Role.LEAD})  # SEC-1: MD (and leadership) see every department
COMPANY_ROLES = frozenset({Role.MD, Role.LEAD})
SALES_ROLES = frozenset({Role.DM, Role.CLERK, Role.REP})

ALLOWED: dict[Perm, frozenset[Role]] = {
    Perm.STAFF_HOME: ALL_STAFF,
    Perm.VIEW_DEPARTMENT: ALL_STAFF,
    Perm.VIEW_STAFF: ALL_STAFF,
    Perm.MANAGE_DEPARTMENTS: frozenset({Role.MD}),
    Perm.MANAGE_STAFF: frozenset({Role.MD, Role.DM}),
    Perm.RESET_TWO_FACTOR: frozenset({Role.MD}),  # issue 15 item 5: a lost device is reset by MD
    Perm.MANAGE_PRODUCTS: frozenset({Role.MD, Role.DM}),
    Perm.VIEW_AUDIT: frozenset({Role.MD}),
    Perm.VIEW_CUSTOMERS: ALL_STAFF,
    Perm.VIEW_REGISTER: frozenset({Role.MD}),  # ONB-1: every registered company (issue 17 item 6)
    Perm.MANAGE_PROSPECTS: frozenset({Role.MD, Role.DM, Role.CLERK, Role.REP}),
    Perm.REVIEW_APPLICATIONS: frozenset({Role.DM, Role.CLERK, Role.REP}),  # ONB-3, ADM-2: the department's staff
    Perm.DECIDE_APPLICATIONS: frozenset({Role.DM}),  # the department leader admits or rejects
    # issue 17: a person confirms a document's content (已审核): MD, or a department the customer deals with
    Perm.REVIEW_DOCUMENTS: frozenset({Role.MD, Role.DM, Role.CLERK, Role.REP}),
    Perm.MANAGE_DOCUMENT_TYPES: frozenset({Role.MD}),
    Perm.MANAGE_DEVICE_CLASSES: frozenset({Role.MD}),  # issue 18 item 4: each product's class, each class's licence
    Perm.IMPORT_CUSTOMERS: frozenset({Role.MD}),  # ONB-1 (issue 18 item 6): existing customers brought in by file
    Perm.MANAGE_SCORECARDS: frozenset({Role.MD, Role.DM}),  # GRD-5: MD the company default, leaders their own
    Perm.MANAGE_COMPANY_STANDARDS: frozenset({Role.MD}),  # the company default scorecard
    Perm.EVALUATE: frozenset({Role.DM, Role.CLERK, Role.REP}),
    Perm.PROPOSE_GRADES: frozenset({Role.DM, Role.CLERK, Role.REP}),
    Perm.DECIDE_GRADES: frozenset({Role.DM}),  # the department leader decides grades and quota overrides
    Perm.APPROVE_REENTRY: frozenset({Role.LEAD}),  # BLK-6: company leadership's second approval
    Perm.MANAGE_DEPARTMENT_BLACKLIST: frozenset({Role.DM}),  # BLK-1: the department keeps its own list
    Perm.MANAGE_COMPANY_BLACKLIST: frozenset({Role.MD}),  # BLK-1: only MD keeps the company list
    Perm.RECORD_INCIDENTS: frozenset({Role.DM, Role.CLERK, Role.REP}),  # INC-1
    Perm.REVIEW_CUSTOMERS: frozenset({Role.DM, Role.CLERK, Role.REP}),  # REV-1: fill the stage evaluation
    Perm.DRAFT_CONTRACTS: frozenset({Role.DM, Role.CLERK, Role.REP}),  # REL-3: the department drafts and signs
    Perm.APPROVE_CONTRACTS: frozenset({Role.DM, Role.MD}),  # REL-3: the leader, MD above its threshold
    Perm.IMPORT_SALES: frozenset({Role.MD, Role.DM, Role.REP}),  # issue 18 item 2: the ERP's orders, receivables
    Perm.RUN_JOBS: frozenset({Role.MD}),  # local and dev stages: MD triggers scheduled functions by hand
}

# Roles a department leader may hand out inside its own department.
DM_GRANTABLE = frozenset({Role.CLERK, Role.REP})


@dataclass(frozen=True)
class Actor:
    """Who is making a request: a staff user, a customer user, or nobody."""

    user_id: str
    email: str
    name: str
    kind: str  # "staff" | "customer"
    role: Role | None = None
    dept_id: str | None = None
    customer_id: str | None = None
    verified: bool = True  # issue 15: the e-mail address is verified (a customer may then apply and file tickets)
    company_admin: bool = False  # issue 15: administrator of its customer company

    @property
    def is_staff(self) -> bool:
        """True for staff users."""
        return self.kind == "staff" and self.role is not None

    @property
    def is_customer(self) -> bool:
        """True for the users of a customer company."""
        return self.kind == "customer"

    @property
    def company_wide(self) -> bool:
        """True when SEC-1 lets this actor see every department."""
        return self.is_staff and self.role in COMPANY_WIDE


def may(actor: Actor | None, perm: Perm, dept_id: str | None = None) -> bool:
    """SEC-1: may this actor do `perm`, in department `dept_id` when the record belongs to one?"""
    if actor is None or not actor.is_staff or actor.role not in ALLOWED[perm]:
        return False
    if dept_id is None or actor.company_wide:
        return True
    return dept_id == actor.dept_id


def roles_for_department(kind: DepartmentKind) -> frozenset[Role]:
    """Roles that fit a department: MD and leadership sit in the company department, the rest in sales."""
    return COMPANY_ROLES if kind == DepartmentKind.COMPANY else SALES_ROLES


def may_grant(actor: Actor, role: Role, dept_id: str, dept_kind: DepartmentKind) -> bool:
    """May `actor` create or change a staff account with `role` in department `dept_id`?"""
    if role not in roles_for_department(dept_kind):
        return False
    if actor.role == Role.MD:
        return True
    return actor.role == Role.DM and dept_id == actor.dept_id and role in DM_GRANTABLE


def may_manage_user(actor: Actor, target_role: Role, target_dept: str, target_id: str) -> bool:
    """May `actor` edit or disable an existing staff account? Nobody disables themself."""
    if actor.user_id == target_id:
        return False
    if actor.role == Role.MD:
        return True
    return actor.role == Role.DM and target_dept == actor.dept_id and target_role in DM_GRANTABLE
