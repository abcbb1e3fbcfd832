"""Visits: a department plans visits to the customers it deals with, works through them by day (each with the
grade its customer holds, RGT-2), and records what came of each, not before its day; the customer's archive keeps
them (REL-1, REL-2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from ulid import ULID

from portal.adapters import records
from portal.adapters.repos.grading import Standings
from portal.adapters.repos.identity import Users
from portal.adapters.repos.visits import Visits
from portal.adapters.uow import WriteConflict
from portal.domain.grading import Grade
from portal.domain.roles import Perm
from portal.domain.timeutil import shanghai_day
from portal.domain.visits import MAX_NOTES, MAX_PURPOSE, is_overdue, may_be_made, outcome_problems, plan_problems
from portal.services import audit, notifications
from portal.services.access import authorize
from portal.services.context import Ctx
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.paging import Page, encode_cursor, parse_cursor

RECORDED = _l("This visit was recorded meanwhile. Reload the page.")
PROBLEMS = {
    "required": _l("Required."),
    "past": _l("The day has passed; choose today or later."),
    "too_far": _l("Plan at most a year ahead."),
    "mode": _l("Choose on site, by phone or online."),
    "too_long": _l("At most %(n)s characters.", n=MAX_PURPOSE),
}


OUTCOME_PROBLEMS = {
    "outcome": _l("Choose made or cancelled."),
    "early": _l("A visit can be recorded as made from its planned day (Beijing time); cancel it or wait."),
    "notes": _l("Write 1 to %(n)s characters.", n=MAX_NOTES),
}


@dataclass(frozen=True)
class PlannedVisit:
    """A visit still to make, with the grade its customer holds in the department now (None: no longer), whether
    its day has passed, and whether it may be recorded as made today."""

    visit: object
    grade: Grade | None
    overdue: bool = False
    may_be_made: bool = False
    assignee_name: str | None = None  # who goes, by name (None: the account is gone)


def plan(ctx: Ctx, dept_id: str, customer_id: str, *, planned_on: date | None, mode: str, purpose: str,
         assignee_id: str):
    """The department's clerks, reps and leader plan a visit to a customer standing in the department."""
    authorize(ctx, Perm.PROPOSE_GRADES, dept_id, target=customer_id)
    with ctx.uow() as uow:
        standing = uow.repo(Standings).get(dept_id, customer_id)
        if standing is None:
            raise NotFound()
        problems = {field: [PROBLEMS[code]] for field, code in
                    plan_problems(planned_on, shanghai_day(ctx.now), mode, purpose).items()}
        assignee = uow.repo(Users).member(dept_id, assignee_id)
        if assignee is None:
            problems["assignee_id"] = [_l("Choose an active member of this department.")]
        if problems:
            raise Invalid(fields=problems)
        visit = records.Visit(visit_id=str(ULID.from_datetime(ctx.now)), dept_id=dept_id, customer_id=customer_id,
                              customer_name=standing.customer_name, planned_on=planned_on.isoformat(), mode=mode,
                              purpose=purpose.strip(), assignee_id=assignee.user_id, assignee_email=assignee.email,
                              created_by=ctx.actor.email, created_at=ctx.now)
        uow.repo(Visits).plan(visit)
        if planned_on == shanghai_day(ctx.now) and assignee.user_id != ctx.actor.user_id:
            # issue 16: a visit planned for today, for someone else, may come after the day's 08:30 reminders;
            # the same key as the reminder's, so whichever comes second tells nobody twice
            notifications.notify(uow, ctx, [assignee], "visit_due", f"/staff/departments/{dept_id}/visits",
                                 once=f"visit:{visit.visit_id}", customer=visit.customer_name, purpose=visit.purpose)
        audit.stage(uow, ctx, "visit.planned", target_type="customer", target_id=customer_id, dept_id=dept_id,
                    detail={"visit": visit.visit_id, "on": visit.planned_on, "assignee": assignee.email})
        uow.commit()
    return visit


ASSIGNEE_CHOICES = 100  # staff offered to send: a department's first hundred by e-mail, and the actor


def assignees(ctx: Ctx, dept_id: str) -> list:
    """Who in the department can be sent on a visit: its first active accounts by e-mail (one Query reading at
    most ASSIGNEE_CHOICES), and the actor when a member."""
    authorize(ctx, Perm.PROPOSE_GRADES, dept_id, target=dept_id)
    people, _last = ctx.uow().repo(Users).in_department(dept_id, limit=ASSIGNEE_CHOICES)
    people = [u for u in people if u.active]
    actor = ctx.actor
    if actor.dept_id == dept_id and actor.user_id not in {u.user_id for u in people}:
        people.append(actor)
    return people


def planned(ctx: Ctx, dept_id: str) -> list[PlannedVisit]:
    """The department's visits still to make, by day, earliest first, each with its grade (every page)."""
    return planned_page(ctx, dept_id, limit=None).items


def planned_page(ctx: Ctx, dept_id: str, cursor: str | None = None, limit: int | None = 50) -> Page:
    """A page of the department's visits still to make, by planned day, earliest (and so the overdue) first, each
    with the grade its customer holds now as a badge (RGT-2; None: the standing ended behind the plan's back)
    and who goes by name: one Query on the by-day index and one BatchGetItem (standings and people together)."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=dept_id)
    uow = ctx.uow()
    if limit is None:
        visits, last = uow.repo(Visits).planned_in(dept_id), None
    else:
        visits, last = uow.repo(Visits).planned_page(dept_id, after=parse_cursor(cursor), limit=limit)
    keys = sorted({(dept_id, v.customer_id) for v in visits})
    people = sorted({(v.assignee_id,) for v in visits})
    standings, found = uow.fetch((Standings, keys), (Users, people)) if visits else ([], [])
    grades = {s.customer_id: Grade(s.grade) for s in standings}
    names = {u.user_id: u.name for u in found}
    today = shanghai_day(ctx.now)
    items = [PlannedVisit(v, grades.get(v.customer_id), is_overdue(v.planned_on, today),
                          may_be_made(v.planned_on, today), names.get(v.assignee_id)) for v in visits]
    return Page(items, encode_cursor(last) if last else None)


def get(ctx: Ctx, visit_id: str, uow=None):
    """One visit, for the staff of its department and MD (403 for other departments, 404 when unknown)."""
    visit = (uow or ctx.uow()).repo(Visits).find(visit_id)
    if visit is None:
        raise NotFound()
    authorize(ctx, Perm.VIEW_CUSTOMERS, visit.dept_id, target=visit_id)
    return visit


def made_from_today(ctx: Ctx, visit) -> bool:
    """Whether the visit may be recorded as made now: its planned day (Beijing date) has come."""
    return may_be_made(visit.planned_on, shanghai_day(ctx.now))


def check_may_record(ctx: Ctx, visit) -> None:
    """The department's clerks, reps and leader record what came of a visit."""
    authorize(ctx, Perm.PROPOSE_GRADES, visit.dept_id, target=visit.visit_id)


def record(ctx: Ctx, visit_id: str, outcome: str, notes: str, version: int | None):
    """Record a visit as made (with notes: what the customer said, needs, problems), from its planned day on
    (Beijing date), or cancelled (why) any day."""
    with ctx.uow() as uow:
        visit = get(ctx, visit_id, uow)
        check_may_record(ctx, visit)
        problems = outcome_problems(outcome, notes, visit.planned_on, shanghai_day(ctx.now))
        if problems:
            raise Invalid(fields={field: [OUTCOME_PROBLEMS[code]] for field, code in problems.items()})
        text = notes.strip()
        if visit.status != "planned" or (version is not None and int(version) != int(visit.version)):
            raise Conflict(RECORDED)
        uow.repo(Visits).finish(visit, outcome, text, ctx.actor.email, ctx.now)  # of two recording it, one wins
        audit.stage(uow, ctx, f"visit.{outcome}", target_type="customer", target_id=visit.customer_id,
                    dept_id=visit.dept_id, detail={"visit": visit_id})
        try:
            uow.commit()
        except WriteConflict as exc:
            raise Conflict(RECORDED) from exc
    return visit


def of_customer(ctx: Ctx, customer_id: str) -> list:
    """A customer's visits, newest first: every department's for MD, the actor's own department's otherwise."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, target=customer_id)
    visits = ctx.uow().repo(Visits).of_customer(customer_id, newest_first=True)
    if ctx.actor.company_wide:
        return visits
    return [v for v in visits if v.dept_id == ctx.actor.dept_id]


def last_made(ctx: Ctx, dept_id: str, customer_id: str, uow=None) -> str | None:
    """The day of the department's last visit made to the customer (REL-2), or None."""
    authorize(ctx, Perm.VIEW_CUSTOMERS, dept_id, target=customer_id)
    return (uow or ctx.uow()).repo(Visits).last_made(customer_id, dept_id)


def stage_cancel_planned(uow, ctx: Ctx, customer_id: str, dept_ids: set[str], reason: str) -> None:
    """In the unit of work that ends the customer's standing in `dept_ids` (blacklist, end of dealings): its
    planned visits there are cancelled with the reason, so no plan keeps a former customer."""
    repo = uow.repo(Visits)
    for visit in repo.of_customer(customer_id):
        if visit.status == "planned" and visit.dept_id in dept_ids:
            repo.finish(visit, "cancelled", reason, ctx.actor.email, ctx.now)
