"""The inbox's repository (issue 16): notifications per user, the user's inbox record, the digest index.

Key formats live here: items are (user id, ULID); the inbox record is (user id, "inbox"), which sorts after
every ULID, so lists of items ask for keys below "a". The sparse `digest` index holds items waiting for their
recipient's daily digest under "digest", by "<user id>#<ULID>".
"""

from __future__ import annotations

from portal.adapters import records, tables
from portal.adapters.repos.base import Repo
from portal.adapters.store.expr import Update, attr

INBOX = "inbox"
ITEMS_BELOW = "a"  # ULIDs are digits and capitals: every item sorts below it, the inbox record above
DIGEST = "digest"


class Notifications(Repo):
    """Users' inbox items and inbox records."""

    model = tables.Notification

    def inboxes(self, user_ids: list[str]) -> dict[str, object]:
        """The inbox records of these users that exist, by user id (one BatchGetItem)."""
        return {r.user_id: r for r in self.many([(u, INBOX) for u in sorted(set(user_ids))])}

    def inbox(self, user_id: str):
        """One user's inbox record, or None (never written to yet)."""
        return self.get(user_id, INBOX)

    def item(self, user_id: str, nid: str):
        """One of the user's items, or None (also for the inbox record or an id that cannot be one)."""
        if not nid or nid >= ITEMS_BELOW or len(nid) > 40:
            return None
        return self.get(user_id, nid)

    def add(self, item, digest: bool = False) -> None:
        """Stage a new unread item and one more unread on the user's inbox record (one write per inbox in the unit
        of work, however many items it gets)."""
        item.read = False
        if digest:
            item.digest_bucket, item.digest_key = DIGEST, f"{item.user_id}#{item.nid}"
        self.add_record(item)
        self._bump(item.user_id, 1)

    def add_record(self, item) -> None:
        """Stage a new item as it is."""
        super().add(item, tag="notification")

    def page(self, user_id: str, after: str | None, limit: int) -> tuple[list, str | None]:
        """A page of the user's items, newest first, below `after`; and the id the next page starts below."""
        items, last = self.query(user_id, sort=attr("nid").lt(after or ITEMS_BELOW), forward=False, limit=limit)
        return items, (last["nid"] if last else None)

    def mark_read(self, user_id: str, nid: str) -> None:
        """Stage one item read and one fewer unread (only if it was unread: tag "read")."""
        self.update((user_id, nid), [attr("read").set(True)], attr("read").eq(False), tag="read")
        self._bump(user_id, -1)

    def mark_all_read(self, user_id: str, below: str) -> None:
        """Stage every item with an id below `below` read (one write: the inbox remembers it) and none unread."""
        self.update((user_id, INBOX), [attr("unread").set(0), attr("read_before").set(below)])

    def set_preferences(self, user_id: str, prefs: str, locale: str) -> None:
        """Stage the user's mail preferences (JSON) and mail language."""
        self.update((user_id, INBOX), [attr("prefs").set(prefs), attr("locale").set(locale)])

    def waiting_for_digest(self, limit: int = 500) -> list:
        """Items waiting for a digest, by user (one Query on the sparse `digest` index per 1 MB page)."""
        records, _last = self.query(DIGEST, index="digest", limit=limit)
        return records

    def digested(self, item) -> None:
        """Stage an item out of the digest index (its digest mail is staged in the same unit of work)."""
        self.update((item.user_id, item.nid), [attr("digest_bucket").remove(), attr("digest_key").remove()],
                    attr("digest_bucket").eq(DIGEST), tag="digested")

    def _bump(self, user_id: str, by: int) -> None:
        key = self._key(user_id, INBOX)

        def make(previous):
            total = by + (dict((a.name, a.value) for a in previous.actions)["unread"] if previous else 0)
            return Update(self.model, key, (attr("unread").add(total),))

        self.uow.stage_keyed(("inbox", user_id), make)


def new_item(user_id: str, nid: str, kind: str, target: str, params: str, created_at):
    """A notification record."""
    return records.Notification(user_id=user_id, nid=nid, kind=kind, target=target, params=params,
                                created_at=created_at)
