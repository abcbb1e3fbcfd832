"""A person's review of a file-checked document (issue 17: 文件已检查 → 已审核): the queue and the outcome.

The queue is the sparse `awaiting_review` index (partition "rev", see .customers): a document enters it when its
file passes the check and leaves it when it is reviewed, refused or replaced, so reading it costs the queue's
length, never the table's.
"""

from __future__ import annotations

from portal.adapters import tables
from portal.adapters.repos.base import Repo
from portal.adapters.repos.customers import REVIEW
from portal.adapters.store.expr import attr


class DocumentReviews(Repo):
    """Documents waiting for a review, and the review's outcome on the document."""

    model = tables.Document

    def waiting(self, *, after: str | None = None, limit: int = 50) -> tuple[list, str | None]:
        """A page of the documents waiting for a review, oldest first, and the id the next page continues after
        (one Query on the sparse `awaiting_review` index)."""
        return self.page(REVIEW, index="awaiting_review", newest_first=False, after=after, limit=limit)

    def enqueue(self, document) -> bool:
        """Stage a file-checked version checked before the review existed into the queue (the backfill); False
        when it is reviewed, queued already or no longer current."""
        if document.status != "verified" or document.reviewed_at or document.review_bucket or \
                not document.current_of:
            return False
        self.update((document.doc_id,), [attr("review_bucket").set(REVIEW)],
                    attr("status").eq("verified") & attr("reviewed_at").not_exists())
        return True

    def _outcome(self, document, actions: list, *, by: str, name: str, when) -> None:
        actions += [attr("reviewed_at").set(when), attr("reviewed_by").set(by), attr("reviewed_by_name").set(name),
                    attr("review_bucket").remove(), attr("version").add(1)]
        cond = attr("version").eq(document.version) & attr("status").eq("verified") & \
            attr("reviewed_at").not_exists()
        self.update((document.doc_id,), actions, cond, tag="reviewed")

    def confirm(self, document, *, by: str, name: str, when) -> None:
        """Stage: a person confirmed the content (已审核), only while it is the file-checked, unreviewed version
        read (tag "reviewed")."""
        self._outcome(document, [], by=by, name=name, when=when)

    def refuse(self, document, *, by: str, name: str, when, note: str) -> None:
        """Stage: a person refused the content with a reason; the document stops being current (and leaves the
        `expiring` watch), only while it is the file-checked, unreviewed version read (tag "reviewed")."""
        self._outcome(document, [attr("status").set("refused"), attr("refusal_note").set(note),
                                 attr("current_of").remove(), attr("expiry_bucket").remove(),
                                 attr("expiry_key").remove()], by=by, name=name, when=when)
