"""What the public site shows that lives in data (准入指南: documents per customer type), and who hears of changes.

The static site's pages are rendered from the same templates as `make run` serves; when MD changes the document
types, the pages that list them must be published again. The app registers that publisher (when a static-site
bucket is configured) with `when_document_types_change`; `document_types_changed` runs it after the commit.
A failed publish never undoes MD's change: it is logged, and `make publish-static` repairs it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from portal.adapters.repos.customers import DocumentTypes
from portal.adapters.uow import UnitOfWork
from portal.domain.customers import CustomerType

log = logging.getLogger("portal.site")
_listeners: list[Callable[[], object]] = []


@dataclass(frozen=True)
class GuideEntry:
    """One customer type and the document types MD requires of it."""

    kind: str
    required: list


@dataclass(frozen=True)
class AdmissionGuide:
    """The 准入指南's data: per customer type its required documents, and every type MD keeps."""

    entries: list[GuideEntry]
    all_types: list


def admission_guide(uow=None) -> AdmissionGuide:
    """Per customer type (in the policy's order), the document types it must provide; one read."""
    types = sorted((uow or UnitOfWork()).repo(DocumentTypes).every(), key=lambda t: t.type_id)
    entries = [GuideEntry(kind.value, [t for t in types if kind.value in (t.required_for or set())])
               for kind in CustomerType]
    return AdmissionGuide(entries, types)


def when_document_types_change(listener: Callable[[], object]) -> None:
    """Call `listener` after every committed change of the document types (the site publisher)."""
    if listener not in _listeners:
        _listeners.append(listener)


def forget_listeners() -> None:
    """No listener any more (tests, and an app built without a static site)."""
    _listeners.clear()


def document_types_changed() -> None:
    """Tell every listener; a failing one is logged, never raised (the change is committed already)."""
    for listener in list(_listeners):
        try:
            listener()
        except Exception:  # noqa: BLE001 - the site is repaired by the next publish; MD's change stands
            log.exception("publishing the site after a document-type change failed")
