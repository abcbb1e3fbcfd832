"""Customers, their credit codes, document types, documents and applications (ADM-*, ONB-1, SEC-2).

Key formats live here and nowhere else: a credit code's claim "uscc#<code>", an open application's claim
"open-app#<customer>#<dept>", the document types' one partition "org", the sparse `expiring` index's partition
"exp" and key "<expiry day>#<doc id>", the sparse `pending` index's partition "up" and key
"<requested at>#<doc id>", the sparse `current` index's partition: the customer's id, the sparse
`awaiting_review` index's partition "rev".
"""

from __future__ import annotations

from portal.adapters import records, tables
from portal.adapters.repos.base import Repo
from portal.adapters.repos.catalogue import Catalogue
from portal.adapters.repos.identity import Uniques
from portal.adapters.store.expr import attr

ORG = "org"  # document types are few: one partition
EXPIRING = "exp"  # verified documents with an expiry day, until it has passed (the licence-expiry job)
PENDING = "up"  # uploads requested and not checked yet (the clean-up job); ticket files share the partition name
REVIEW = "rev"  # file-checked documents waiting for a person's review (the sparse `awaiting_review` index)
LAST = "~"  # sorts after every id: "<day>#~" ends the day's keys


def _id_ok(value: str | None) -> bool:
    return bool(value) and len(value) <= 64


class Customers(Repo):
    """Customer companies (ONB-1): one legal entity each, whatever departments it deals with."""

    model = tables.Customer

    def find(self, customer_id: str | None):
        """One customer, or None."""
        return self.get(customer_id) if _id_ok(customer_id) else None

    def register(self, customer) -> None:
        """Stage a new customer (tag "customer" if its id exists)."""
        customer.version = 1
        self.add(customer, tag="customer")

    def apply_reported(self, customer_id: str, changes: dict[str, str]) -> None:
        """Stage reported changes (OBL-1: name, legal representative, address, business scope); open edits go
        stale (tag "customer" if it does not exist)."""
        self._change(customer_id, [attr(name).set(value) for name, value in changes.items()])

    def cancel(self, customer_id: str) -> None:
        """Stage the registration's cancellation (注销; tag "customer" if it does not exist)."""
        self._change(customer_id, [attr("cancelled").set(True)])

    def edit_contact(self, customer_id: str, values: dict[str, str | None], version: int) -> None:
        """Stage the administrator's edit of contact fields, only on the version read (tag "customer")."""
        actions = [attr(k).set(v) if v else attr(k).remove() for k, v in values.items()]
        self.update((customer_id,), [*actions, attr("version").add(1)], attr("version").eq(version), tag="customer")

    def guard(self, customer_id: str, version: int) -> None:
        """Stage a check that nobody changed the company's people meanwhile: its version moves on (tag
        "customer"), so two administrators cannot each disable the other and leave none."""
        self.update((customer_id,), [attr("version").add(1)], attr("version").eq(version), tag="customer")

    def _change(self, customer_id: str, actions: list) -> None:
        self.update((customer_id,), [*actions, attr("version").add(1)], attr("customer_id").exists(),
                    tag="customer")


class CreditCodes(Repo):
    """统一社会信用代码 claimed by one customer each (unique, written with the customer)."""

    model = tables.Unique

    @staticmethod
    def _claim(code: str) -> str:
        return f"uscc#{code}"

    def taken(self, code: str) -> bool:
        """Has a customer registered with this (normalised) credit code?"""
        return self.get(self._claim(code)) is not None

    def owner(self, code: str) -> str | None:
        """The id of the customer registered with this (normalised) credit code, or None."""
        claim = self.get(self._claim(code)) if code else None
        return claim.owner_id if claim else None

    def owners(self, codes: list[str]) -> dict[str, str]:
        """Credit code -> the id of the customer registered with it, for those registered (one BatchGetItem)."""
        found = self.many(sorted({(self._claim(c),) for c in codes if c}))
        return {claim.key.removeprefix("uscc#"): claim.owner_id for claim in found}

    def claim(self, code: str, customer_id: str) -> None:
        """Stage the claim of a credit code (tag "credit_code" if it is taken)."""
        self.add(records.Unique(key=self._claim(code), owner_id=customer_id), tag="credit_code")


class DocumentTypes(Repo):
    """The kinds of qualification document and the customer types that must provide each (MD's list)."""

    model = tables.DocumentType

    def every(self) -> list:
        """Every document type, by id (one Query)."""
        return self.all(ORG)

    def find(self, type_id: str | None):
        """One document type, or None."""
        return self.get(ORG, type_id) if _id_ok(type_id) else None

    def create(self, record) -> None:
        """Stage a new document type (tag "exists" if its id is taken)."""
        record.org, record.version = ORG, 1
        self.put(record, attr("type_id").not_exists(), tag="exists")
        self.uow.repo(Catalogue).stage_change(record)

    def change(self, record) -> None:
        """Stage a changed document type, only if nobody changed it since it was read (tag "stale")."""
        self.save(record, tag="stale")
        self.uow.repo(Catalogue).stage_change(record)


class Documents(Repo):
    """Uploaded versions of qualification documents; the sparse indexes hold the ones a job must look at."""

    model = tables.Document

    def find(self, doc_id: str | None):
        """One document, or None."""
        return self.get(doc_id) if _id_ok(doc_id) else None

    def of_customer(self, customer_id: str) -> list:
        """Every version of the customer's documents, oldest first (tests; pages read `history`, a page at a time)."""
        return self.all(customer_id, index="by_customer")

    def history(self, customer_id: str, *, after: str | None = None, limit: int = 50) -> tuple[list, str | None]:
        """A page of every version of the customer's documents, newest first, and the id the next page continues
        after (one Query on `by_customer`)."""
        return self.page(customer_id, index="by_customer", after=after, limit=limit)

    def verified_of(self, customer_id: str) -> list:
        """The customer's current verified version of each type, oldest first (one Query on the sparse `current`
        index: as many as there are types, whatever the history)."""
        return self.all(customer_id, index="current")

    def request(self, document, requested_at: str) -> None:
        """Stage a document awaiting its file; it waits in the `pending` index until checked."""
        document.pending_bucket, document.pending_key = PENDING, f"{requested_at}#{document.doc_id}"
        document.version = 1
        self.add(document, tag="exists")

    def pending_before(self, cutoff: str) -> list:
        """Uploads requested before `cutoff` (ISO time) and never checked, oldest first."""
        return self.all(PENDING, index="pending", sort=attr("pending_key").lt(cutoff))

    def finish(self, document, *, status: str, reason: str | None, size: int | None, key: str | None,
               when) -> None:
        """Stage the outcome of the check, only while it awaits its file (tag "checked"); a verified document with
        an expiry day enters the `expiring` index."""
        actions = [attr("status").set(status), attr("reject_reason").set(reason), attr("size").set(size),
                   attr("confirmed_at").set(when), attr("pending_bucket").remove(), attr("pending_key").remove(),
                   attr("version").add(1)]
        if key:
            actions.append(attr("s3_key").set(key))
        if status == "verified":  # file checked: current, and waiting for a person's review (issue 17)
            actions += [attr("current_of").set(document.customer_id), attr("review_bucket").set(REVIEW)]
        if status == "verified" and document.expiry_date:
            actions += [attr("expiry_bucket").set(EXPIRING),
                        attr("expiry_key").set(f"{document.expiry_date}#{document.doc_id}")]
        self.update((document.doc_id,), actions, attr("status").eq("awaiting_upload"), tag="checked")

    def backfill_current(self, document) -> bool:
        """Stage the `current` marker on a verified version written before the index (issue 12 item 4); False
        when it has it or is not verified."""
        if document.status != "verified" or document.current_of:
            return False
        self.update((document.doc_id,), [attr("current_of").set(document.customer_id)], attr("status").eq("verified"))
        return True

    def supersede(self, document) -> None:
        """Stage: an older verified version becomes history (and leaves the `expiring` index)."""
        self.update((document.doc_id,), [attr("status").set("superseded"), attr("current_of").remove(),
                                         attr("expiry_bucket").remove(), attr("expiry_key").remove(),
                                         attr("review_bucket").remove(), attr("version").add(1)],
                    attr("version").eq(document.version), tag="stale")

    def expiring_by(self, day: str) -> list:
        """Verified documents whose expiry day is `day` (ISO) or earlier and not yet past, earliest first."""
        return self.all(EXPIRING, index="expiring", sort=attr("expiry_key").le(f"{day}#{LAST}"))

    def warned(self, document, stage: str) -> None:
        """Stage one expiry warning as sent (each stage once); "expired" also ends the watch. Only while the
        document is verified (tag "stale")."""
        actions = [attr("warnings_sent").add({stage}), attr("version").add(1)]
        if stage == "expired":
            actions += [attr("expiry_bucket").remove(), attr("expiry_key").remove()]
        self.update((document.doc_id,), actions, attr("status").eq("verified"), tag="stale")


class Applications(Repo):
    """Admission applications (ADM-4); undecided ones sit in the sparse `open_by_dept` queue."""

    model = tables.Application

    def find(self, app_id: str | None):
        """One application, or None."""
        return self.get(app_id) if _id_ok(app_id) else None

    def of_customer(self, customer_id: str) -> list:
        """The customer's applications, oldest first."""
        return self.all(customer_id, index="by_customer")

    def queue(self, dept_id: str, *, after: str | None = None, limit: int = 50) -> tuple[list, str | None]:
        """A page of the department's undecided applications, oldest first, and the id the next page starts
        after (one Query on the sparse `open_by_dept` index)."""
        records_, last = self.query(dept_id, index="open_by_dept", limit=limit,
                                    sort=attr("app_id").gt(after) if after else None)
        return records_, last["app_id"] if last else None

    def submit(self, app) -> None:
        """Stage a new application in its department's queue, with the claim that keeps it the customer's only open
        one there (tag "open" if another is open)."""
        app.queue_dept, app.status, app.version = app.dept_id, "submitted", 1
        self.uow.repo(_OpenClaims).claim(app.customer_id, app.dept_id, app.app_id)
        self.add(app, tag="exists")

    def save_review(self, app) -> None:
        """Stage a step of the review, only if nobody changed the application since it was read (tag "stale")."""
        self.save(app, tag="stale")

    def decide(self, app) -> None:
        """Stage the decision (the application leaves the queue and frees its claim), only if nobody changed it
        since it was read: of two decisions at once, one wins (tag "stale")."""
        app.queue_dept = None
        self.save(app, tag="stale")
        self.uow.repo(_OpenClaims).release(app.customer_id, app.dept_id)

    def open_in(self, customer_id: str, dept_ids: list[str]) -> set[str]:
        """The departments among `dept_ids` where the customer has an open application (one BatchGetItem)."""
        return self.uow.repo(_OpenClaims).open_in(customer_id, dept_ids)

    def open_of(self, dept_id: str, customer_ids: list[str]) -> set[str]:
        """The customers among `customer_ids` with an open application in the department (one BatchGetItem)."""
        return self.uow.repo(_OpenClaims).open_of(dept_id, customer_ids)


class _OpenClaims(Repo):
    """One open application per customer and department: a claim written and freed with the application."""

    model = tables.Unique

    @staticmethod
    def _claim(customer_id: str, dept_id: str) -> str:
        return f"open-app#{customer_id}#{dept_id}"

    def claim(self, customer_id: str, dept_id: str, app_id: str) -> None:
        self.uow.repo(Uniques).claim(self._claim(customer_id, dept_id), app_id, tag="open")

    def release(self, customer_id: str, dept_id: str) -> None:
        self.uow.repo(Uniques).release(self._claim(customer_id, dept_id))

    def open_in(self, customer_id: str, dept_ids: list[str]) -> set[str]:
        """The departments among `dept_ids` where the customer has an open application (one BatchGetItem)."""
        held = {u.key for u in self.many([(self._claim(customer_id, d),) for d in dept_ids])} if dept_ids else set()
        return {d for d in dept_ids if self._claim(customer_id, d) in held}

    def open_of(self, dept_id: str, customer_ids: list[str]) -> set[str]:
        held = {u.key for u in self.many([(self._claim(c, dept_id),) for c in set(customer_ids)])}
        return {c for c in customer_ids if self._claim(c, dept_id) in held}

