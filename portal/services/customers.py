"""Customer registration and the customer's own records (ONB-1, ONB-2, SEC-1)."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from portal.adapters import mail
from portal.adapters.repos.customers import Applications
from portal.adapters.repos.dynamics import BlacklistEntries
from portal.adapters.repos.grading import Standings
from portal.adapters.tables import Application, Customer, Document, Prospect, Standing, Unique, User, transaction
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
from portal.services import audit
from portal.services.access import authorize, refuse
from portal.services.auth import check_new_password, count_failure, hash_password, locked_until, normalise_email
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound, Throttled

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


def _problems(reg: Registration) -> dict:
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
    if not problems.get("credit_code") and Unique.count(f"uscc#{code}"):
        problems["credit_code"] = [CODE_TAKEN]
    return problems


def _invitation(token: str | None) -> Prospect | None:
    if not token:
        return None
    if not re.search(INVITATION_PATTERN, token):
        raise Invalid(fields={"invitation": [_l("This invitation link is not valid or was used already.")]})
    digest = hashlib.sha256(token.encode()).hexdigest()
    prospect_id = token.split(".", 1)[0]
    try:
        prospect = Prospect.get(prospect_id) if prospect_id else None
    except DoesNotExist:
        prospect = None
    message = _l("This invitation link is not valid or was used already.")
    if prospect is None or prospect.invite_hash != digest:
        raise NotFound(message, fields={"invitation": [message]})  # no such invitation
    if prospect.customer_id:
        raise Conflict(message, fields={"invitation": [message]})  # used already
    return prospect


def register(ctx: Ctx, reg: Registration, portal_url: str = "",
             throttle: ThrottlePolicy | None = REGISTRATION_THROTTLE) -> tuple[Customer, User] | None:
    """A company registers with its first user; the credit code is unique (409 when taken).

    An e-mail address that has an account already is never revealed: the answer is the same as for a success,
    nothing is created, and the address's owner is told by mail. Tries are throttled per client address
    (`throttle` None: the caller counted this try already, before its form refused anything).
    """
    if throttle is not None:
        count_registration_try(ctx, throttle)
    prospect = _invitation(reg.invitation)
    problems = _problems(reg)
    if problems and problems == {"credit_code": [CODE_TAKEN]}:
        raise Conflict(CODE_TAKEN, fields=problems)
    if problems:
        raise Invalid(fields=problems)
    code, email = normalise_credit_code(reg.credit_code), normalise_email(reg.email)
    if Unique.count(f"email#{email}"):
        return _email_taken(ctx, email, portal_url)
    kind = CustomerType(reg.kind)
    customer = Customer(
        customer_id=str(uuid.uuid4()), name=reg.name.strip(), credit_code=code, kind=kind.value,
        hospital_level=reg.hospital_level if kind == CustomerType.MEDICAL else None,
        beds=reg.beds if kind == CustomerType.MEDICAL else None, region=reg.region.strip(),
        industry=reg.industry.strip(), scale=reg.scale.strip(), contact_name=reg.contact_name.strip(),
        mobile=mainland_mobile(reg.mobile), email=email, prospect_id=prospect.prospect_id if prospect else None,
        created_at=ctx.now,
    )
    user = User(user_id=str(uuid.uuid4()), email=email, name=reg.contact_name.strip(), kind="customer",
                customer_id=customer.customer_id, password_hash=hash_password(reg.password), created_at=ctx.now)
    try:
        with transaction() as tx:
            tx.save(Unique(f"uscc#{code}", owner_id=customer.customer_id), condition=Unique.key.does_not_exist())
            tx.save(Unique(f"email#{email}", owner_id=user.user_id), condition=Unique.key.does_not_exist())
            tx.save(customer, condition=Customer.customer_id.does_not_exist())
            tx.save(user, condition=User.user_id.does_not_exist())
            if prospect:
                tx.update(prospect, actions=[Prospect.customer_id.set(customer.customer_id)],
                          condition=Prospect.customer_id.does_not_exist())
            tx.save(audit.event(ctx, "customer.registered", target_type="customer", target_id=customer.customer_id,
                                actor_email=email, dept_id=prospect.dept_id if prospect else None,
                                detail={"name": customer.name, "credit_code": code, "kind": kind.value,
                                        "prospect": prospect.prospect_id if prospect else None}))
    except TransactWriteError as exc:  # lost a race for the same code or address
        if Unique.count(f"uscc#{code}"):
            raise Conflict(CODE_TAKEN, fields={"credit_code": [CODE_TAKEN]}) from exc
        return _email_taken(ctx, email, portal_url)
    mail.send(email, "【注册成功】客户管理门户 / Welcome to the customer portal",
              f"{customer.name}：\n\n贵公司已在客户管理门户注册。请用本邮箱和注册时设置的密码登录，上传资质文件后申请准入：\n"
              f"{portal_url.rstrip('/')}/login\n\nYour company is registered. Sign in with this e-mail and the "
              f"password you chose, upload your qualification documents, then apply for admission.\n")
    return customer, user


def count_registration_try(ctx: Ctx, policy: ThrottlePolicy = REGISTRATION_THROTTLE) -> None:
    """Count a registration try from the client's address; Throttled once there were too many."""
    key = f"register#{ctx.ip or 'unknown'}"
    until = locked_until([(key, policy)], ctx.now)
    if until:
        audit.record(ctx, "customer.registration_throttled", outcome="refused", target_type="client",
                     target_id=ctx.ip or "unknown")
        raise Throttled(until, _l("Too many registrations from this network. Please try again in an hour."))
    count_failure(key, policy, ctx.now)  # every try counts, accepted or not


def _email_taken(ctx: Ctx, email: str, portal_url: str) -> None:
    """The address has an account: create nothing, tell its owner, answer as for a success."""
    audit.record(ctx, "customer.registration_email_taken", outcome="refused", actor_email=email)
    mail.send(email, "【客户管理门户】有人用您的邮箱注册 / Someone tried to register with your address",
              "有人尝试用本邮箱在客户管理门户注册新公司。本邮箱已有账户：如是您本人，请直接登录"
              f"（忘记密码请联系管理员）：\n{portal_url.rstrip('/')}/login\n如不是您本人，请忽略本邮件，您的账户未被更改。\n\n"
              "Someone tried to register a company on the customer portal with this address, which has an account "
              "already. If it was you, sign in instead. If not, ignore this mail: nothing about your account "
              "changed.\n")
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


def get_customer(ctx: Ctx, customer_id: str) -> Customer:
    """One customer, for its own users and for the staff who may see it."""
    check_customer_access(ctx, customer_id)
    try:
        return Customer.get(customer_id)
    except DoesNotExist as exc:
        raise NotFound() from exc


@dataclass(frozen=True)
class Overview:
    """Everything a customer's dashboard shows."""

    customer: Customer
    documents: list[Document]
    applications: list[Application]
    standings: list[Standing]


def overview(ctx: Ctx, customer_id: str) -> Overview:
    """The customer, its documents, its applications and its standing in each department."""
    customer = get_customer(ctx, customer_id)
    return Overview(
        customer=customer,
        documents=list(Document.by_customer.query(customer_id)),
        applications=list(Application.by_customer.query(customer_id)),
        standings=list(Standing.by_customer.query(customer_id)),
    )
