"""Customer registration and the customer's own records (ONB-1, ONB-2, SEC-1)."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.adapters import records
from portal.adapters.repos.customers import Applications, CreditCodes, Customers, Documents
from portal.adapters.repos.dynamics import BlacklistEntries
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.identity import Users
from portal.adapters.repos.org import Prospects
from portal.adapters.repos.search import SearchIndex
from portal.adapters.uow import WriteConflict
from portal.domain.accounts import PROSPECT_INVITATION_LIFETIME, CompanyRole
from portal.domain.customers import (
    HOSPITAL_LEVELS,
    INVITATION_PATTERN,
    CustomerType,
    mainland_mobile,
    normalise_credit_code,
    valid_credit_code,
)
from portal.domain.roles import Perm
from portal.domain.throttle import ThrottlePolicy
from portal.services import audit, outbox, verification
from portal.services.access import authorize, refuse
from portal.services.auth import check_new_password, hash_password, normalise_email
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound, Throttled
from portal.services.paging import Page, encode_cursor, parse_cursor
from portal.services.throttling import count_failure, locked_until

CODE_TAKEN = _l("A customer with this unified social credit code is registered already.")
# Registrations per client address: enough for an office, too few to probe which addresses have accounts.
REGISTRATION_THROTTLE = ThrottlePolicy(max_failures=20, window=timedelta(hours=1), lock=timedelta(hours=1))


@dataclass(frozen=True)
class Registration:
    """What a company gives when it registers."""

    name: str
    credit_code: str
    kind: str
    region: str
    industry: str
    scale: str
    contact_name: str
    mobile: str
    email: str
    password: str
    hospital_level: str | None = None
    beds: int | None = None
    invitation: str | None = None


def _problems(uow, reg: Registration) -> dict:
    problems: dict = {}
    code = normalise_credit_code(reg.credit_code)
    if not valid_credit_code(code):
        problems["credit_code"] = [_l("Not a valid unified social credit code: 18 characters with a correct check "
                                      "digit (GB 32100-2015).")]
    try:
        kind = CustomerType(reg.kind)
    except ValueError:
        problems["kind"] = [_l("Choose a customer type.")]
        kind = None
    if kind == CustomerType.MEDICAL:
        if reg.hospital_level not in HOSPITAL_LEVELS:
            problems["hospital_level"] = [_l("Choose the hospital level.")]
        if reg.beds is None or reg.beds < 0:
            problems["beds"] = [_l("Give the number of beds.")]
    if not mainland_mobile(reg.mobile):
        problems["mobile"] = [_l("Not a mainland China mobile number.")]
    try:
        check_new_password(reg.password, reg.email)
    except Invalid as exc:
        problems.update(exc.fields)
    if not problems.get("credit_code") and uow.repo(CreditCodes).taken(code):
        problems["credit_code"] = [CODE_TAKEN]
    return problems


INVITATION_INVALID = _l("This invitation link is not valid or was used already.")


INVITATION_EXPIRED = _l("This invitation has expired (invitations last 14 days). Ask the department for a new one.")


def _invitation(uow, token: str | None, now):
    """The prospect whose invitation this is (ONB-2): malformed 422, never issued 404, used already 409."""
    if not token:
        return None
    if not re.search(INVITATION_PATTERN, token):
        raise Invalid(fields={"invitation": [INVITATION_INVALID]})
    digest = hashlib.sha256(token.encode()).hexdigest()
    prospect = uow.repo(Prospects).find(token.split(".", 1)[0])
    if prospect is None or prospect.invite_hash != digest:
        raise NotFound(INVITATION_INVALID, fields={"invitation": [INVITATION_INVALID]})  # no such invitation
    if prospect.customer_id:
        raise Conflict(INVITATION_INVALID, fields={"invitation": [INVITATION_INVALID]})  # used already
    if prospect.invited_at is None or prospect.invited_at + PROSPECT_INVITATION_LIFETIME <= now:  # issue 15
        raise NotFound(INVITATION_EXPIRED, fields={"invitation": [INVITATION_EXPIRED]})
    return prospect


def register(ctx: Ctx, reg: Registration, portal_url: str = "",
             throttle: ThrottlePolicy | None = REGISTRATION_THROTTLE):
    """A company registers with its first user; the credit code is unique (409 when taken). Returns the customer
    and user records (None when the address had an account).

    An e-mail address that has an account already is never revealed: the answer is the same as for a success,
    nothing is created, and the address's owner is told by mail. Tries are throttled per client address
    (`throttle` None: the caller counted this try already, before its form refused anything).
    """
    if throttle is not None:
        count_registration_try(ctx, throttle)
    with ctx.uow() as uow:
        prospect = _invitation(uow, reg.invitation, ctx.now)
        problems = _problems(uow, reg)
        if problems and problems == {"credit_code": [CODE_TAKEN]}:
            raise Conflict(CODE_TAKEN, fields=problems)
        if problems:
            raise Invalid(fields=problems)
        code, email = normalise_credit_code(reg.credit_code), normalise_email(reg.email)
        if uow.repo(Users).email_taken(email):
            return _email_taken(ctx, email, portal_url)
        customer, user = _new_customer(ctx, reg, code, email, prospect)
        verification.stage_link(uow, ctx, user, email, portal_url, new_account=True)  # issue 15 item 2
        uow.repo(CreditCodes).claim(code, customer.customer_id)
        uow.repo(Customers).register(customer)
        uow.repo(SearchIndex).keep(customer)  # issue 17 item 5: found by staff from the first moment
        uow.repo(Users).create(user)
        if prospect:
            uow.repo(Prospects).registered(prospect, customer.customer_id)
        outbox.stage(uow, ctx, email, "【注册成功】客户管理门户 / Welcome to the customer portal",
                     f"{customer.name}：\n\n贵公司已在客户管理门户注册。请用本邮箱和注册时设置的密码登录，上传资质文件后申请准入：\n"
                     f"{portal_url.rstrip('/')}/login\n\nYour company is registered. Sign in with this e-mail and the "
                     f"password you chose, upload your qualification documents, then apply for admission.\n")
        audit.stage(uow, ctx, "customer.registered", target_type="customer", target_id=customer.customer_id,
                    actor_email=email, dept_id=prospect.dept_id if prospect else None,
                    detail={"name": customer.name, "credit_code": code, "kind": customer.kind,
                            "prospect": prospect.prospect_id if prospect else None})
        try:
            uow.commit()
        except WriteConflict as exc:  # lost a race for the same code, address or invitation
            if "credit_code" in exc.tags:
                raise Conflict(CODE_TAKEN, fields={"credit_code": [CODE_TAKEN]}) from exc
            if "invitation" in exc.tags:  # used meanwhile
                raise Conflict(INVITATION_INVALID, fields={"invitation": [INVITATION_INVALID]}) from exc
            return _email_taken(ctx, email, portal_url)
    return customer, user


def _new_customer(ctx: Ctx, reg: Registration, code: str, email: str, prospect) -> tuple:
    """The customer and its first user, as records (not written yet)."""
    kind = CustomerType(reg.kind)
    medical = kind == CustomerType.MEDICAL
    customer = records.Customer(
        customer_id=str(uuid.uuid4()), name=reg.name.strip(), credit_code=code, kind=kind.value,
        hospital_level=reg.hospital_level if medical else None, beds=reg.beds if medical else None,
        region=reg.region.strip(), industry=reg.industry.strip(), scale=reg.scale.strip(),
        contact_name=reg.contact_name.strip(), mobile=mainland_mobile(reg.mobile), email=email,
        prospect_id=prospect.prospect_id if prospect else None, created_at=ctx.now,
    )
    user = records.User(user_id=str(uuid.uuid4()), email=email, name=reg.contact_name.strip(), kind="customer",
                        customer_id=customer.customer_id, password_hash=hash_password(reg.password),
                        created_at=ctx.now, active=True, email_verified=False,
                        company_role=CompanyRole.ADMIN.value)  # issue 15: the first user administers the company
    return customer, user


def count_registration_try(ctx: Ctx, policy: ThrottlePolicy = REGISTRATION_THROTTLE) -> None:
    """Count a registration try from the client's address (every try, accepted or not); Throttled once there were
    too many."""
    key = f"register#{ctx.ip or 'unknown'}"
    until = locked_until([(key, policy)], ctx.now, ctx.store)
    if until:
        audit.record(ctx, "customer.registration_throttled", outcome="refused", target_type="client",
                     target_id=ctx.ip or "unknown")
        raise Throttled(until, _l("Too many registrations from this network. Please try again in an hour."))
    count_failure(key, policy, ctx.now, ctx.store)


def _email_taken(ctx: Ctx, email: str, portal_url: str) -> None:
    """The address has an account: create nothing, tell its owner, answer as for a success."""
    base = portal_url.rstrip("/")
    with ctx.uow() as uow:  # the refusal's audit and the owner's mail: one commit (DESIGN rule 13)
        audit.stage(uow, ctx, "customer.registration_email_taken", outcome="refused", actor_email=email)
        outbox.stage(uow, ctx, email,
                     "【客户管理门户】有人用您的邮箱注册 / Someone tried to register with your address",
                     "有人尝试用本邮箱在客户管理门户注册新公司。本邮箱已有账户：如是您本人，请直接登录"
                     f"：\n{base}/login\n忘记密码可在此重设：{base}/password/forgot\n"
                     "如不是您本人，请忽略本邮件，您的账户未被更改。\n\n"
                     "Someone tried to register a company on the customer portal with this address, which has an "
                     f"account already. If it was you, sign in instead (forgot the password? {base}/password/forgot)."
                     " If not, ignore this mail: nothing about your account changed.\n")
        uow.commit()
    return None


# --- reading customer records ------------------------------------------------------------------

def staff_may_see(ctx: Ctx, customer_id: str, uow=None) -> bool:
    """SEC-1: MD and leadership see every customer; a department sees those that stand in it, applied to it, or
    that it listed on its blacklist."""
    actor = ctx.actor
    if actor.company_wide:
        return True
    uow = uow or ctx.uow()
    if uow.repo(Standings).get(actor.dept_id, customer_id):
        return True
    if any(a.dept_id == actor.dept_id for a in uow.repo(Applications).of_customer(customer_id)):
        return True
    return any(e.scope == actor.dept_id for e in uow.repo(BlacklistEntries).of_customer(customer_id))


def check_customer_access(ctx: Ctx, customer_id: str, uow=None) -> None:
    """A customer's users reach only their own company (404 otherwise); staff per SEC-1 (403)."""
    actor = ctx.actor
    if actor is None:
        raise NotFound()
    if actor.is_customer:
        if actor.customer_id != customer_id:
            refuse(ctx, "customer_record", customer_id)
            raise NotFound()
        return
    authorize(ctx, Perm.VIEW_CUSTOMERS, target=customer_id)
    if not staff_may_see(ctx, customer_id, uow):
        raise refuse(ctx, "customer_record", customer_id)


def get_customer(ctx: Ctx, customer_id: str, uow=None):
    """One customer, for its own users and for the staff who may see it."""
    uow = uow or ctx.uow()
    check_customer_access(ctx, customer_id, uow)
    customer = uow.repo(Customers).find(customer_id)
    if customer is None:
        raise NotFound()
    return customer


@dataclass(frozen=True)
class Overview:
    """A customer, its current documents, its applications and its standing in each department."""

    customer: object
    documents: list  # the current verified version of each type (older ones: `document_history`)
    applications: list
    standings: list


def overview(ctx: Ctx, customer_id: str) -> Overview:
    """The customer, its current documents, its applications and its standing in each department."""
    uow = ctx.uow()
    customer = get_customer(ctx, customer_id, uow)
    return Overview(
        customer=customer,
        documents=uow.repo(Documents).verified_of(customer_id),
        applications=uow.repo(Applications).of_customer(customer_id),
        standings=uow.repo(Standings).of_customer(customer_id),
    )


def current_documents(ctx: Ctx, customer_id: str) -> list:
    """The current verified version of each of the customer's document types (one Query on a sparse index)."""
    uow = ctx.uow()
    check_customer_access(ctx, customer_id, uow)
    return uow.repo(Documents).verified_of(customer_id)


def document_history(ctx: Ctx, customer_id: str, cursor: str | None = None, limit: int = 50) -> Page:
    """A page of every version of the customer's documents, newest first (`cursor` from the previous page)."""
    uow = ctx.uow()
    check_customer_access(ctx, customer_id, uow)
    items, last = uow.repo(Documents).history(customer_id, after=parse_cursor(cursor), limit=limit)
    return Page(items, encode_cursor(last) if last else None)


def standings_of(ctx: Ctx, customer_id: str) -> list:
    """The customer's standing in each department it stands in (its users, or staff per SEC-1)."""
    uow = ctx.uow()
    check_customer_access(ctx, customer_id, uow)
    return uow.repo(Standings).of_customer(customer_id)
