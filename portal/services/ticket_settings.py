"""CMP-2: each department's ticket categories, responsible role and times; MD keeps the company default."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

from portal.adapters import records
from portal.adapters.repos.tickets import COMPANY, SlaSettings
from portal.adapters.uow import UnitOfWork, WriteConflict
from portal.domain.roles import Perm
from portal.domain.tickets import Sla
from portal.services import audit
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid
from portal.services.ticket_access import dept_of


def _days(value) -> int | None:
    return None if value is None else int(value)


def sla_of(scope: str, uow=None) -> tuple:
    """The department's SLA setting, else MD's company default, else the built-in one (one BatchGetItem)."""
    record = (uow or UnitOfWork()).repo(SlaSettings).applying_to(scope)
    if record is None:
        return records.SlaSetting(scope=scope), Sla()
    return record, Sla(int(record.first_response_days), int(record.resolution_days),
                       _days(record.vip_first_response_days), _days(record.vip_resolution_days))


def categories_of(scope: str, uow=None) -> list[str]:
    """The ticket categories a department defined (CMP-2)."""
    record, _sla = sla_of(scope, uow)
    return json.loads(record.categories or "[]")


def check_may_set_sla(ctx: Ctx, scope: str) -> None:
    """MD sets the company default; a department's leader its own department's."""
    if scope == COMPANY:
        authorize(ctx, Perm.MANAGE_COMPANY_STANDARDS, target="company SLA")
    else:
        authorize(ctx, Perm.DECIDE_GRADES, scope, target=f"{scope} SLA")


def _problems(names: list[str], responsible_role: str, first_response_days: int,
              resolution_days: int, autoclose_days: int) -> dict:
    problems = {}
    if len(names) != len(set(names)) or any(len(c) > 50 for c in names):
        problems["categories"] = [_l("One category per line, each at most 50 characters, no repeats.")]
    if responsible_role not in ("dm", "clerk", "rep", "md"):
        problems["responsible_role"] = [_l("Not a valid role.")]
    for field, value in (("first_response_days", first_response_days), ("resolution_days", resolution_days),
                         ("autoclose_days", autoclose_days)):
        if value is None or not 0 <= int(value) <= 60:
            problems[field] = [_l("Between 0 and 60 working days.")]
    if "first_response_days" not in problems and "resolution_days" not in problems and \
            first_response_days > resolution_days:
        problems["resolution_days"] = [_l("Resolution cannot be due before the first response.")]
    return problems


def save_sla(ctx: Ctx, scope: str, *, categories: list[str], responsible_role: str, first_response_days: int,
             resolution_days: int, vip_first_response_days: int | None, vip_resolution_days: int | None,
             autoclose_days: int, version: int | None):
    """CMP-2: a department's leader sets its categories, responsible role and times; MD the company default."""
    check_may_set_sla(ctx, scope)
    names = [c.strip() for c in categories if c.strip()]
    problems = _problems(names, responsible_role, first_response_days, resolution_days, autoclose_days)
    if problems:
        raise Invalid(fields=problems)
    with ctx.uow() as uow:
        repo = uow.repo(SlaSettings)
        record = repo.get(scope)
        if record is None:
            record = records.SlaSetting(scope=scope)
        elif version is None or int(version) != int(record.version):
            raise Conflict()
        record.categories = json.dumps(names, ensure_ascii=False)
        record.responsible_role, record.first_response_days, record.resolution_days = (
            responsible_role, int(first_response_days), int(resolution_days))
        record.vip_first_response_days = vip_first_response_days
        record.vip_resolution_days = vip_resolution_days
        record.autoclose_days = int(autoclose_days)
        repo.save(record)  # version condition: a stale form loses with 409
        audit.stage(uow, ctx, "sla.saved", target_type="sla", target_id=scope, dept_id=dept_of(scope),
                    detail={"categories": names})
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict() from exc
    return record
