"""Fault injection on the in-memory world (issue 13): every call to the store, the bucket and the mail service
is counted, and the k-th can fail — as a store that is briefly unavailable (what the adapters raise for a
ClientError or a lost connection), or as a Lambda that died at that call (nothing after it runs). Then the
tables and the bucket are checked, and the operation retried."""

from __future__ import annotations

import copy
import json
from collections import Counter, defaultdict

from ulid import ULID

from portal.adapters import files, mail
from portal.adapters.records import from_item
from portal.adapters.store.expr import StoreUnavailable
from portal.adapters.tables import (
    Application,
    AuditEvent,
    BlacklistEntry,
    Customer,
    Document,
    Export,
    GradeChange,
    ReviewTask,
    Session,
    Standing,
    Throttle,
    Ticket,
    TicketEvent,
    Unique,
    User,
)
from portal.adapters.tables import (
    Counter as CounterTable,
)
from portal.domain.ticket_tally import contribution, counts
from portal.domain.tickets import Status
from portal.services.uploads import INCOMING, kept_key

KINDS = ("unavailable", "died")


class Died(BaseException):
    """The function died at this call (a Lambda timeout or crash): no handler of the code under test runs."""


class Injector:
    """Counts calls to the store, the bucket and mail; fails call number `fail_at` the way `kind` says."""

    def __init__(self, world):
        self.world = world
        self.calls: list[str] = []
        self.fail_at: int | None = None
        self.kind = "unavailable"

    def reset(self, fail_at: int | None = None, kind: str = "unavailable") -> None:
        """Count from zero; fail the `fail_at`-th call (None: none)."""
        self.calls, self.fail_at, self.kind = [], fail_at, kind

    def _wrap(self, name: str, function):
        def wrapped(*args, **kwargs):
            self.calls.append(name)
            if self.fail_at is not None and len(self.calls) == self.fail_at:
                if self.kind == "died":
                    raise Died(name)
                raise StoreUnavailable(f"injected: {name} failed (InternalServerError / connection lost)")
            return function(*args, **kwargs)
        return wrapped

    def install(self, monkeypatch) -> Injector:
        """Wrap the world's store and the bucket and mail adapters."""
        store = self.world.store
        for method in ("get", "batch_get", "query", "write"):
            monkeypatch.setattr(store, method, self._wrap(f"store.{method}", getattr(store, method)))
        for function in ("inspect", "copy", "delete", "put"):
            monkeypatch.setattr(files, function, self._wrap(f"s3.{function}", getattr(files, function)))
        monkeypatch.setattr(mail, "send", self._wrap("ses.send", mail.send))
        return self


# --- the world's state ----------------------------------------------------------------------------------

def snapshot(world) -> tuple:
    """Everything the world holds (tables, bucket, delivered mail)."""
    return (copy.deepcopy(dict(world.store._tables)), dict(world.bucket.objects), list(world.delivered))


def restore(world, snap: tuple) -> None:
    """Put the world back as `snapshot` saw it."""
    tables, objects, delivered = snap
    world.store._tables.clear()
    world.store._tables.update(copy.deepcopy(tables))
    world.bucket.objects.clear()
    world.bucket.objects.update(objects)
    world.delivered[:] = delivered


def rows(world, model) -> list[dict]:
    """Every item of a table (tests may scan)."""
    return list(world.store._tables.get(model, {}).values())


IGNORED = (AuditEvent, Throttle, Session)  # attempts are audited and throttled: a retry adds to them


def fingerprint(world) -> tuple:
    """What an operation leaves, without ids and times: items per table and state, the bucket's kept objects
    (incoming/ is the lifecycle rule's), and the mails delivered (the outbox is delivered first)."""
    world.deliver()
    items = Counter()
    for model, table in world.store._tables.items():
        if model in IGNORED:
            continue
        for item in table.values():
            items[(model.__name__, item.get("status"), item.get("file_state"), item.get("active"),
                   item.get("grade"), item.get("kind"), item.get("md_report"))] += 1
    objects = Counter(key.split("/")[0] for key in world.bucket.objects if not key.startswith(INCOMING))
    mails = Counter((to, subject) for to, subject, _body in world.delivered)
    return items, objects, mails


# --- invariants (DESIGN rules 6 and 9) ------------------------------------------------------------------

def violations(world) -> set[str]:
    """Everything half-written in the world, each as a sentence naming its values."""
    found: set[str] = set()
    found |= _bucket(world)
    found |= _counters(world)
    found |= _tallies(world)
    found |= _to_dos(world)
    found |= _histories(world)
    found |= _listings(world)
    found |= _tickets(world)
    found |= _uniques(world)
    found |= _ageing(world)
    found |= _customer_sales(world)
    return found


def _ageing(world) -> set[str]:
    """Issue 18 item 2: each department's ageing tallies against its unpaid invoices (分 and count by due day)."""
    from portal.adapters.tables import Receivable

    expected: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows(world, Receivable):
        if not r.get("paid_on"):
            counts = expected[(f"ageing#{r['dept_id']}", f"due#{r['due_on']}")]
            counts[0] += int(r["amount_fen"]) - int(r.get("paid_fen") or 0)
            counts[1] += 1
    actual = {(c["dept_id"], c["key"]): [int(c.get("total") or 0), int(c.get("open") or 0)]
              for c in rows(world, CounterTable) if c["dept_id"].startswith("ageing#")}
    return {f"ageing {key} is {actual.get(key, [0, 0])}, invoices say {expected.get(key, [0, 0])}"
            for key in set(expected) | set(actual) if actual.get(key, [0, 0]) != expected.get(key, [0, 0])}


def _customer_sales(world) -> set[str]:
    """Issue 18 items 2-3: each customer's sales tallies by day against its orders and invoices."""
    from types import SimpleNamespace

    from portal.adapters.tables import Order, Receivable
    from portal.domain.sales_facts import FIELDS, contributions

    expected: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    for kind, table in (("orders", Order), ("receivables", Receivable)):
        for r in rows(world, table):
            record = SimpleNamespace(**{"paid_fen": 0, "pickup_due_on": None, "picked_up_on": None, "paid_on": None,
                                        **r})
            for day, deltas in contributions(kind, record):
                for field, n in deltas.items():
                    expected[(f"sales#{r['dept_id']}#{r['customer_id']}", f"day#{day}")][field] += n
    actual = {(c["dept_id"], c["key"]): {f: int(c.get(f) or 0) for f in FIELDS}
              for c in rows(world, CounterTable) if c["dept_id"].startswith("sales#")}
    zero = dict.fromkeys(FIELDS, 0)
    return {f"sales tallies {key} are {actual.get(key, zero)}, records say {expected.get(key, zero)}"
            for key in set(expected) | set(actual) if actual.get(key, zero) != expected.get(key, zero)}


def _bucket(world) -> set[str]:
    out = set()
    objects = set(world.bucket.objects)
    referenced, pending = set(), set()
    for doc in rows(world, Document):
        if doc["status"] in ("verified", "superseded", "refused"):  # a refused file is kept: what was reviewed
            referenced.add(doc["s3_key"])
            if doc["s3_key"] not in objects:
                out.add(f"document {doc['doc_id']} ({doc['status']}) points at missing {doc['s3_key']}")
        elif doc["status"] == "awaiting_upload":
            pending.add(kept_key(doc["s3_key"]))
    for event in rows(world, TicketEvent):
        if event.get("kind") != "attachment":
            continue
        if event.get("file_state") == "verified":
            referenced.add(event["s3_key"])
            if event["s3_key"] not in objects:
                out.add(f"ticket file {event['event_id']} points at missing {event['s3_key']}")
        elif event.get("file_state") == "awaiting_upload":
            pending.add(kept_key(event["s3_key"]))
    for export in rows(world, Export):  # issue 12 item 4: a ready export's file exists; others may or may not
        if export["status"] == "ready":
            referenced.add(export["s3_key"])
            if export["s3_key"] not in objects:
                out.add(f"export {export['export_id']} (ready) points at missing {export['s3_key']}")
        else:
            pending.add(export["s3_key"])
    for key in objects - referenced - pending:
        if not key.startswith(INCOMING):  # incoming/ is emptied by the bucket's lifecycle rule
            out.add(f"orphan object {key}")
    return out


def _counters(world) -> set[str]:
    expected: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for s in rows(world, Standing):
        grade = s.get("grade", "QUALIFIED")
        for key in ["all"] + [f"product#{p}" for p in s.get("products") or ()]:
            counts = expected[(s["dept_id"], key)]
            counts[0] += 1
            counts[1] += grade == "VIP"
            counts[2] += grade == "PREFERRED"
    actual = {(c["dept_id"], c["key"]): [int(c.get("total", 0)), int(c.get("vip", 0)), int(c.get("preferred", 0))]
              for c in rows(world, CounterTable) if c["key"] == "all" or c["key"].startswith("product#")}
    return {f"counter {key} is {actual.get(key, [0, 0, 0])}, standings say {expected.get(key, [0, 0, 0])}"
            for key in set(expected) | set(actual) if actual.get(key, [0, 0, 0]) != expected.get(key, [0, 0, 0])}


def _tallies(world) -> set[str]:
    """The ticket report's and review progress's counters against the tickets and tasks they count."""
    expected: dict[tuple, int] = defaultdict(int)
    out = set()
    for t in rows(world, Ticket):
        if not t.get("tallied"):  # written before the counters: not counted until the backfill
            continue
        share = json.loads(t["tallied"])
        if share != contribution(from_item(Ticket, t)):
            out.add(f"ticket {t['ticket_id']} counted as {share}, is {contribution(from_item(Ticket, t))}")
        day = ULID.from_str(t["ticket_id"]).datetime.date().isoformat()
        for scope in (share["scope"], "*"):
            for counter, measures in counts(share).items():
                for measure, n in measures.items():
                    expected[(f"tickets#{scope}", f"{day}#{counter}", measure)] += n
    for task in rows(world, ReviewTask):
        expected[(f"review#{task['cycle_id']}", f"{task['dept_id']}#{task['due_on']}", task["status"])] += 1
    actual: dict[tuple, int] = defaultdict(int)
    for c in rows(world, CounterTable):
        if c["dept_id"].startswith(("tickets#", "review#")):
            for measure in ("total", "resolved", "in_time", "rating_sum", "ratings", "open", "submitted", "decided"):
                actual[(c["dept_id"], c["key"], measure)] += int(c.get(measure) or 0)
    return out | {f"tally {key} is {actual[key]}, records say {expected[key]}"
                  for key in set(expected) | set(actual) if actual[key] != expected[key]}


def _to_dos(world) -> set[str]:
    """The staff to-do counters (issue 16 item 5) against the records they count: each record's kept share is
    what it is, and the counters hold the sum of the shares (a record written before them is not counted)."""
    from portal.adapters.repos.todo_tallies import COUNTED
    from portal.domain import todo

    expected: dict[tuple, int] = defaultdict(int)
    out = set()
    for model in COUNTED:
        for item in rows(world, model):
            record = from_item(model, item)
            kept, now = todo.decode(record.todo_counted), todo.share(model.__name__, record)
            if record.todo_counted and sorted(kept) != sorted(now):
                out.add(f"{model.__name__} {item} counted as {kept}, is {now}")
            for scope, bucket, measure in kept:
                expected[(f"todo#{scope}", bucket, measure)] += 1
    actual: dict[tuple, int] = defaultdict(int)
    for c in rows(world, CounterTable):
        if c["dept_id"].startswith("todo#"):
            for measure in todo.MEASURES:
                actual[(c["dept_id"], c["key"], measure)] += int(c.get(measure) or 0)
    return out | {f"to-do {key} is {actual[key]}, records say {expected[key]}"
                  for key in set(expected) | set(actual) if actual[key] != expected[key]}


def _histories(world) -> set[str]:
    out = set()
    standings = {(s["dept_id"], s["customer_id"]): s for s in rows(world, Standing)}
    last: dict[tuple, dict] = {}
    for change in sorted(rows(world, GradeChange), key=lambda c: c["change_id"]):
        if change.get("kind") in ("change", "left") and change.get("status", "done") == "done":
            last[(change["dept_id"], change["customer_id"])] = change
    for key, standing in standings.items():
        change = last.get(key)
        grade = standing.get("grade", "QUALIFIED")
        if change is None or change["kind"] == "left":
            if grade != "QUALIFIED":
                out.add(f"standing {key} is {grade} without the change in its history")
        elif change["to_grade"] != grade:
            out.add(f"standing {key} is {grade}, its history says {change['to_grade']}")
    for key, change in last.items():
        if change["kind"] == "change" and key not in standings:
            out.add(f"history of {key} says {change['to_grade']} but it has no standing")
    return out


def _listings(world) -> set[str]:
    out = set()
    locks = {u["key"]: u["owner_id"] for u in rows(world, Unique) if u["key"].startswith("blk#")}
    active = {e["entry_id"]: e for e in rows(world, BlacklistEntry) if e.get("active")}
    for entry in active.values():
        lock = f"blk#{entry['customer_id']}#{entry['scope']}"
        if locks.get(lock) != entry["entry_id"]:
            out.add(f"active listing {entry['entry_id']} without its lock")
        for s in rows(world, Standing):
            if s["customer_id"] == entry["customer_id"] and entry["scope"] in ("company", s["dept_id"]):
                out.add(f"listing {entry['entry_id']} half-applied: {s['customer_id']} still stands in {s['dept_id']}")
    for lock, owner in locks.items():
        if owner not in active:
            out.add(f"lock {lock} held by {owner}, which is no active listing")
    return out


def _tickets(world) -> set[str]:
    out = set()
    events = defaultdict(list)
    for event in rows(world, TicketEvent):
        events[event["ticket_id"]].append(event)
    statuses = {s.value for s in Status} | {"reopened"}
    meaning = {"reopened": Status.IN_PROGRESS.value}  # a reopening step puts the ticket back in progress
    for ticket in rows(world, Ticket):
        timeline = sorted(events.get(ticket["ticket_id"], []), key=lambda e: e["event_id"])
        if not timeline:
            out.add(f"ticket {ticket['ticket_id']} without its timeline")
            continue
        steps = [meaning.get(e["status"], e["status"]) for e in timeline
                 if e.get("kind") == "status" and e.get("status") in statuses]
        if steps and steps[-1] != ticket["status"]:
            out.add(f"ticket {ticket['ticket_id']} is {ticket['status']}, its timeline says {steps[-1]}")
    return out


def _uniques(world) -> set[str]:
    out = set()
    users = {u["user_id"]: u for u in rows(world, User)}
    customers = {c["customer_id"]: c for c in rows(world, Customer)}
    applications = {a["app_id"]: a for a in rows(world, Application)}
    tickets = {t["ticket_id"] for t in rows(world, Ticket)}
    claims = {u["key"]: u["owner_id"] for u in rows(world, Unique)}
    for key, owner in claims.items():
        kind, _, value = key.partition("#")
        if kind == "email" and users.get(owner, {}).get("email") != value:
            out.add(f"claim {key} points at {owner}, not its user")
        elif kind == "uscc" and customers.get(owner, {}).get("credit_code") != value:
            out.add(f"claim {key} points at {owner}, not its customer")
        elif kind == "open-app" and applications.get(owner, {}).get("status") != "submitted":
            out.add(f"claim {key} points at {owner}, no open application")
        elif kind == "ticket-upload" and owner not in tickets:  # issue 17: a file filed with its ticket
            out.add(f"claim {key} points at {owner}, no ticket")
    for user in users.values():
        if user.get("invite_hash"):
            continue  # an invitation not accepted yet claims nothing (issue 15): it is no account
        if claims.get(f"email#{user['email']}") != user["user_id"]:
            out.add(f"user {user['user_id']} without its e-mail claim")
    for customer in customers.values():
        if customer.get("credit_code") and claims.get(f"uscc#{customer['credit_code']}") != customer["customer_id"]:
            out.add(f"customer {customer['customer_id']} without its credit-code claim")
    for app in applications.values():
        if app.get("status") == "submitted" and \
                claims.get(f"open-app#{app['customer_id']}#{app['dept_id']}") != app["app_id"]:
            out.add(f"open application {app['app_id']} without its claim")
    return out
