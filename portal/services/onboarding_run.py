"""The customer import creates what its dry run showed (ONB-1, issue 18 item 6), in batches: each company in one
unit of work — the customer and its credit code, its standings counted in the quota counters as an admission
counts them (with the grade, under QTA-4's condition), the grade history (GRD-6), the search index entries, the
contact's invitation to set a password (mail through the outbox) and the audit record on its timeline.

ADM-1: imported customers are admitted without the six-condition review (retail and internal ones too); the
record keeps that they were imported, by whom, when, and from which file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.customers import CreditCodes, Customers
from portal.adapters.repos.grading import Counters, GradeChanges, Standings
from portal.adapters.repos.identity import Users
from portal.adapters.repos.search import SearchIndex
from portal.adapters.uow import WriteConflict
from portal.domain.accounts import PROSPECT_INVITATION_LIFETIME, CompanyRole
from portal.domain.grading import Counts, Grade, change_allowed
from portal.domain.onboarding_plan import Company
from portal.services import audit, link_tokens, outbox
from portal.services.context import Ctx
from portal.services.errors import Conflict
from portal.services.onboarding import ImportPlan, check, imported_note

BATCH = 50  # companies per call (about 10 writes each): well inside a Lambda's time; run again for the rest
INVITATION_LIFETIME = PROSPECT_INVITATION_LIFETIME  # 14 days, as a department's invitation to register
QUOTA_TAKEN = _l("A quota changed while the import ran; the companies before this one were created. Check the "
                 "file again and run the import again: created companies are skipped.")


@dataclass(frozen=True)
class ImportRun:
    """What one call did: the plan it followed, the companies it created, and how many are left for the next."""

    plan: ImportPlan
    created: list[Company] = field(default_factory=list)
    remaining: int = 0


def run(ctx: Ctx, filename: str, content: bytes, portal_url: str = "", batch: int = BATCH) -> ImportRun:
    """Check the file again and, when nothing is wrong, create up to `batch` of its companies (MD only)."""
    plan = check(ctx, filename, content)
    if not plan.ok:
        return ImportRun(plan)
    created = []
    for company in plan.companies[:batch]:
        if _create(ctx, plan, company, portal_url):
            created.append(company)
    return ImportRun(plan, created, max(0, len(plan.companies) - batch))


def _create(ctx: Ctx, plan: ImportPlan, company: Company, portal_url: str) -> bool:
    """One company in one transaction; False when another run created it meanwhile (its credit code taken)."""
    first = company.first
    customer = records.Customer(
        customer_id=str(uuid.uuid4()), name=first.name, credit_code=first.credit_code, kind=first.kind,
        hospital_level=first.hospital_level, beds=first.beds, region=first.region, industry=first.industry,
        scale=first.scale, contact_name=first.contact_name, mobile=first.mobile, email=first.email,
        imported=imported_note(ctx, plan.filename), created_at=ctx.now)
    with ctx.uow() as uow:
        uow.repo(CreditCodes).claim(customer.credit_code, customer.customer_id)
        uow.repo(Customers).register(customer)
        uow.repo(SearchIndex).keep(customer)  # issue 17 item 5: found by staff from the first moment
        for row in company.rows:
            _stage_standing(uow, ctx, plan, customer, row)
        _stage_invitation(uow, ctx, customer, portal_url)
        audit.stage(uow, ctx, "customer.imported", target_type="customer", target_id=customer.customer_id,
                    detail={"name": customer.name, "credit_code": customer.credit_code, "kind": customer.kind,
                            "file": plan.filename, "standings": {r.department: r.grade.value for r in company.rows}})
        try:
            uow.commit()
        except WriteConflict as exc:
            if "credit_code" in exc.tags:
                return False
            raise Conflict(QUOTA_TAKEN) from exc
    return True


def _stage_standing(uow, ctx: Ctx, plan: ImportPlan, customer, row) -> None:
    """The standing with its grade, counted as an admission counts it; VIP and 优选 only within the quota."""
    counts = uow.repo(Counters).department(row.department)
    if not change_allowed(Counts(counts.total + 1, counts.vip, counts.preferred), Grade.QUALIFIED, row.grade):
        raise Conflict(QUOTA_TAKEN)
    designated = plan.staff[row.designated]
    uow.repo(Standings).admit(records.Standing(
        dept_id=row.department, customer_id=customer.customer_id, customer_name=customer.name,
        grade=row.grade.value, products=set(row.products), designated_staff=designated.user_id,
        admitted_at=ctx.now, version=1))
    uow.repo(Counters).admit_as(row.department, set(row.products), row.grade, counts)
    uow.repo(GradeChanges).record(records.GradeChange(  # GRD-6: the grade it came with, and why
        customer_id=customer.customer_id, change_id=str(ULID.from_datetime(ctx.now)),
        dept_id=row.department, kind="change", from_grade=None, to_grade=row.grade.value,
        reason=f"导入现有客户（{plan.filename}）/ Imported existing customer ({plan.filename})",
        by=ctx.actor.email, at=ctx.now))


def _stage_invitation(uow, ctx: Ctx, customer, portal_url: str) -> None:
    """The contact becomes the company's administrator once it sets a password through a single-use link, the
    same invitation a colleague gets (issue 15), valid 14 days."""
    person = records.User(user_id=str(uuid.uuid4()), email=customer.email, name=customer.contact_name,
                          kind="customer", customer_id=customer.customer_id, password_hash="!", active=False,
                          created_at=ctx.now, email_verified=False, company_role=CompanyRole.ADMIN.value)
    token, person.invite_hash = link_tokens.new_token(person.user_id)
    person.invite_expires, person.invited_by = ctx.now + INVITATION_LIFETIME, ctx.actor.user_id
    uow.repo(Users).invite(person)
    link = f"{portal_url.rstrip('/')}/account/invitation/{token}"
    outbox.stage(uow, ctx, customer.email, f"【客户门户】{customer.name} 已加入客户管理门户 / Your company's account",
                 f"{customer.contact_name}：\n\n贵公司 {customer.name} 已由营销事业部导入客户管理门户，"
                 "您是贵公司账户的管理员。"
                 f"请在 14 天内打开以下链接设置姓名和密码（仅可使用一次）：\n{link}\n\n"
                 f"Your company {customer.name} was brought into the customer portal by our Marketing Division, "
                 f"with you as its administrator. Open this link within 14 days to set your name and password "
                 f"(it works once):\n{link}\n")
