"""Customer registration and the customer's own records (ONB-1, ONB-2, SEC-1)."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from pynamodb.exceptions import DoesNotExist, TransactWriteError

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
from portal.services import audit
from portal.services.access import authorize, refuse
from portal.services.auth import check_new_password, hash_password, normalise_email
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound

CODE_TAKEN = _l("A customer with this unified social credit code is registered already.")
EMAIL_TAKEN = _l("An account with this e-mail exists already.")


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
    if Unique.count(f"email#{normalise_email(reg.email)}"):
        problems["email"] = [EMAIL_TAKEN]
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


def register(ctx: Ctx, reg: Registration) -> tuple[Customer, User]:
    """A company registers with its first user; credit code and e-mail are unique (409 when taken)."""
    prospect = _invitation(reg.invitation)
    problems = _problems(reg)
    taken = {k: v for k, v in problems.items() if v in ([CODE_TAKEN], [EMAIL_TAKEN])}
    if problems and taken == problems:
        raise Conflict(next(iter(taken.values()))[0], fields=taken)
    if problems:
        raise Invalid(fields=problems)
    code, email = normalise_credit_code(reg.credit_code), normalise_email(reg.email)
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
        raise Conflict(CODE_TAKEN, fields={"credit_code": [CODE_TAKEN]}) from exc
    return customer, user


# --- reading customer records ------------------------------------------------------------------

def staff_may_see(ctx: Ctx, customer_id: str) -> bool:
    """SEC-1: MD and leadership see every customer; a department sees those that applied to or stand in it."""
    actor = ctx.actor
    if actor.company_wide:
        return True
    if Standing.count(actor.dept_id, Standing.customer_id == customer_id):
        return True
    return any(a.dept_id == actor.dept_id for a in Application.by_customer.query(customer_id))


def check_customer_access(ctx: Ctx, customer_id: str) -> None:
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
    if not staff_may_see(ctx, customer_id):
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
