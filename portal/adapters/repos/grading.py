"""Standings, quota counters, grade history, evaluations and scorecards (GRD-*, QTA-*, SCP-1).

Key formats live here and nowhere else: the `by_grade` index key "<dept>#<grade>", counter keys "all" and
"product#<id>", the evaluation's and the open proposal's "<dept>#<customer>".
"""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import attr
from portal.domain.grading import Counts, Grade

ALL = "all"


def _standing_key(dept_id: str, customer_id: str) -> str:
    return f"{dept_id}#{customer_id}"


def _product_key(product_id: str) -> str:
    return f"product#{product_id}"


class Standings(Repo):
    """A customer's standing in a department: its grade there (SCP-1), products and designated person."""

    model = tables.Standing

    def of_customer(self, customer_id: str) -> list:
        """Every department the customer stands in (one Query on `by_customer`)."""
        return self.all(customer_id, index="by_customer")

    def in_department(self, dept_id: str, *, after: str | None = None, limit: int = 50) -> tuple[list, str | None]:
        """A page of the department's standings by customer id, and the id the next page starts after."""
        records, last = self.query(dept_id, sort=attr("customer_id").gt(after) if after else None, limit=limit)
        return records, last["customer_id"] if last else None

    def of_grade(self, dept_id: str, grade: str, *, after: str | None = None,
                 limit: int | None = 50) -> tuple[list, str | None]:
        """A page of the department's customers holding `grade` (the `by_grade` index)."""
        records, last = self.query(f"{dept_id}#{grade}", index="by_grade", limit=limit,
                                   sort=attr("customer_id").gt(after) if after else None)
        return records, last["customer_id"] if last else None

    def everyone(self, dept_id: str, grade: str | None = None) -> list:
        """Every standing in the department, optionally of one grade."""
        return self.all(f"{dept_id}#{grade}", index="by_grade") if grade else self.all(dept_id)

    def admit(self, standing) -> None:
        """Stage a new standing (fails with "standing" if the customer stands there already)."""
        standing.dept_grade = f"{standing.dept_id}#{standing.grade}"
        self.put(standing, attr("customer_id").not_exists(), tag="standing")

    def set_grade(self, standing, new: Grade) -> None:
        """Stage the grade change, only if the grade read is still the grade held (tag "standing")."""
        self.update((standing.dept_id, standing.customer_id),
                    [attr("grade").set(new.value), attr("dept_grade").set(f"{standing.dept_id}#{new.value}")],
                    attr("grade").eq(standing.grade), tag="standing")

    def end(self, standing) -> None:
        """Stage the end of the standing."""
        self.delete((standing.dept_id, standing.customer_id), tag="standing")

    def flag_licence(self, standing, type_id: str, flagged: bool) -> None:
        """Stage setting or clearing an expired-licence flag (ADM-2 a/e)."""
        action = attr("licence_flags").add({type_id}) if flagged else attr("licence_flags").discard({type_id})
        self.update((standing.dept_id, standing.customer_id), [action], attr("customer_id").exists())

    def end_as_read(self, standing) -> None:
        """Stage the end of the standing, only while it holds the grade read (tag "standing"): the counters then
        move by the grade it really held (a blacklisting or cancellation racing a grade change, QTA-5)."""
        self.delete((standing.dept_id, standing.customer_id), attr("grade").eq(standing.grade), tag="standing")


class Counters(Repo):
    """Customers per grade in a department and in each of its products, moved with the change they count."""

    model = tables.Counter

    @staticmethod
    def _counts(record) -> Counts:
        return Counts(int(record.total or 0), int(record.vip or 0), int(record.preferred or 0)) if record else Counts()

    def department(self, dept_id: str) -> Counts:
        """The department's counts (zero when none yet)."""
        return self._counts(self.get(dept_id, ALL))

    def products(self, dept_id: str, product_ids: set[str]) -> dict[str, Counts]:
        """The counts of several products of a department in one call (zero when none yet)."""
        found = {r.key.removeprefix("product#"): self._counts(r)
                 for r in self.many([(dept_id, _product_key(p)) for p in sorted(product_ids)])}
        return {p: found.get(p, Counts()) for p in product_ids}

    def quota(self, dept_id: str) -> tuple[Counts, dict[str, Counts]]:
        """The department's counts and each product's, from one Query."""
        counts, products = Counts(), {}
        for record in self.all(dept_id):
            if record.key == ALL:
                counts = self._counts(record)
            elif record.key.startswith("product#"):
                products[record.key.removeprefix("product#")] = self._counts(record)
        return counts, products

    def _keys(self, dept_id: str, product_ids) -> list[str]:
        return [ALL, *[_product_key(p) for p in sorted(product_ids)]]

    def admit(self, dept_id: str, product_ids: set[str]) -> None:
        """Stage one more customer (合格) in the department and in each of its products."""
        for key in self._keys(dept_id, product_ids):
            self.update((dept_id, key), [attr("total").add(1), attr("vip").add(0), attr("preferred").add(0)])

    def admit_as(self, dept_id: str, product_ids: set[str], grade: Grade, expected: Counts) -> None:
        """Stage one more customer holding `grade` (ONB-1 import); for VIP or 优选 the department's counter only if
        it still holds `expected` (tag "quota", QTA-4), as a promotion would."""
        for key in self._keys(dept_id, product_ids):
            cond = (attr("total").eq(expected.total) & attr("vip").eq(expected.vip)
                    & attr("preferred").eq(expected.preferred)) if key == ALL and grade != Grade.QUALIFIED else None
            self.update((dept_id, key), [attr("total").add(1), *_grade_actions(Grade.QUALIFIED, grade)], cond,
                        tag="quota")

    def move(self, dept_id: str, product_ids: set[str], old: Grade, new: Grade, expected: Counts) -> None:
        """Stage a grade change; the department's counter only if it still holds `expected` (tag "quota", QTA-4)."""
        for key in self._keys(dept_id, product_ids):
            cond = (attr("total").eq(expected.total) & attr("vip").eq(expected.vip)
                    & attr("preferred").eq(expected.preferred)) if key == ALL else None
            self.update((dept_id, key), _grade_actions(old, new), cond, tag="quota")

    def leave(self, dept_id: str, product_ids: set[str], old: Grade) -> None:
        """Stage one customer fewer (never conditional: leaving is never blocked by a quota, QTA-5)."""
        for key in self._keys(dept_id, product_ids):
            self.update((dept_id, key), [*_grade_actions(old, Grade.QUALIFIED, leaving=True)])

    def take_ticket_file_place(self, ticket_id: str, cap: int) -> None:
        """Stage one more file on a ticket, only while fewer than `cap` are kept (tag "cap", CMP-1)."""
        self.update((f"ticket#{ticket_id}", "files"), [attr("total").add(1)],
                    attr("total").not_exists() | attr("total").lt(cap), tag="cap")

    def take_ticket_file_places(self, ticket_id: str, n: int, cap: int) -> None:
        """Stage `n` more files on a ticket at once (its files attached at creation, issue 17), only while at most
        `cap` are then kept (tag "cap", CMP-1)."""
        self.update((f"ticket#{ticket_id}", "files"), [attr("total").add(n)],
                    attr("total").not_exists() | attr("total").le(cap - n), tag="cap")

    def free_ticket_file_place(self, ticket_id: str) -> None:
        """Stage one file fewer on a ticket (a refused file)."""
        self.update((f"ticket#{ticket_id}", "files"), [attr("total").add(-1)])

    def move_review(self, task, was: str | None, now: str) -> None:
        """Stage a review task's move from status `was` (None: new) to `now` in its cycle's progress counters."""
        if was != now:
            deltas = {now: 1, **({was: -1} if was else {})}
            self.uow.tally(self.model, self._key(f"review#{task.cycle_id}", f"{task.dept_id}#{task.due_on}"), deltas)

    def set_review(self, cycle_id: str, dept_id: str, due_on: str, by_status: dict[str, int]) -> None:
        """Stage a cycle's counter of a department and due day as counted task by task (backfill)."""
        self.update((f"review#{cycle_id}", f"{dept_id}#{due_on}"), [attr(s).set(n) for s, n in by_status.items()])

    def review_progress(self, cycle_id: str) -> list[tuple[str, str, dict[str, int]]]:
        """A cycle's review tasks by status: (department, due day, {status: tasks}) per department and due day."""
        statuses = ("open", "submitted", "decided")
        return [(*record.key.rsplit("#", 1), {s: int(getattr(record, s) or 0) for s in statuses})
                for record in self.all(f"review#{cycle_id}")]

    def ticket_files(self, ticket_id: str) -> int:
        """Files kept on a ticket."""
        record = self.get(f"ticket#{ticket_id}", "files")
        return int(record.total or 0) if record else 0


def _grade_actions(old: Grade, new: Grade, leaving: bool = False) -> list:
    delta = {Grade.VIP: 0, Grade.PREFERRED: 0}
    if old in delta:
        delta[old] -= 1
    if new in delta and not leaving:
        delta[new] += 1
    actions = [attr("vip").add(delta[Grade.VIP]), attr("preferred").add(delta[Grade.PREFERRED])]
    if leaving:
        actions.append(attr("total").add(-1))
    return actions


class GradeChanges(Repo):
    """Every grade change, proposal and departure of a customer, newest first (GRD-6)."""

    model = tables.GradeChange

    def of_customer(self, customer_id: str) -> list:
        """The customer's whole history, newest first (tests; pages read `history`, a page at a time)."""
        return self.all(customer_id, forward=False)

    def history(self, customer_id: str, *, dept_id: str | None = None, proposals: bool = True,
                after: str | None = None, limit: int = 50) -> tuple[list, str | None]:
        """A page of the customer's history, newest first (optionally one department's, without proposals), and
        the id the next page continues after: one Query reading at most `limit` entries."""
        keep = attr("dept_id").eq(dept_id) if dept_id else None
        if not proposals:
            keep = ~attr("kind").eq("proposal") if keep is None else keep & ~attr("kind").eq("proposal")
        return self.page(customer_id, after=after, limit=limit, filter=keep)

    def open_proposals(self, dept_id: str, customer_id: str) -> list:
        """The undecided proposals for the customer in the department, oldest first (the sparse
        `open_proposals` index: only those)."""
        return self.all(_standing_key(dept_id, customer_id), index="open_proposals")

    def record(self, change) -> None:
        """Stage a new history entry; an open proposal also enters the `open_proposals` index."""
        if change.kind == "proposal" and change.status == "open":
            change.open_of = _standing_key(change.dept_id, change.customer_id)
        self.add(change, tag="exists")

    def backfill_open(self, change) -> bool:
        """Stage the `open_proposals` marker on an open proposal written before the index (issue 12 item 4);
        False when it has it or is no open proposal."""
        if change.kind != "proposal" or change.status != "open" or change.open_of:
            return False
        self.update((change.customer_id, change.change_id),
                    [attr("open_of").set(_standing_key(change.dept_id, change.customer_id))], attr("status").eq("open"))
        return True

    def decide_proposal(self, customer_id: str, change_id: str, status: str) -> None:
        """Stage a proposal's outcome (it leaves the `open_proposals` index), only while it is open (tag
        "proposal")."""
        self.update((customer_id, change_id), [attr("status").set(status), attr("open_of").remove()],
                    attr("status").eq("open"), tag="proposal")


class Evaluations(Repo):
    """Scorecard evaluations of a customer in a department, kept with the scorecard used (GRD-5)."""

    model = tables.Evaluation

    def of_standing(self, dept_id: str, customer_id: str, limit: int = 20) -> list:
        """The latest evaluations, newest first."""
        records, _last = self.query(_standing_key(dept_id, customer_id), index="by_standing", forward=False,
                                    limit=limit)
        return records

    def record(self, evaluation) -> None:
        """Stage a new evaluation."""
        evaluation.standing_key = _standing_key(evaluation.dept_id, evaluation.customer_id)
        self.add(evaluation)


class Scorecards(Repo):
    """Scorecards: the company default and each department's, per product (GRD-5)."""

    model = tables.ScorecardRecord

    def of_scope(self, scope: str) -> list:
        """Every scorecard of a scope ("company" or a department)."""
        return self.all(scope)
