"""API for the inbox (issue 16): one's own notifications, marking them read, and mail preferences."""

from __future__ import annotations

from flask import jsonify, request

from portal.api import bp
from portal.api.spec import operation
from portal.api.validation import parse
from portal.services import notifications
from portal.web import ctx
from portal.web.forms.inbox import PreferencesForm, modes_of


def item_json(item) -> dict:
    """The API's view of a notification (its texts in the caller's language)."""
    return {"id": item.nid, "kind": item.kind, "title": item.title, "detail": item.detail, "link": item.target,
            "read": item.read, "created_at": item.created_at.isoformat() if item.created_at else None}


def _locale() -> str:
    return "en" if (request.accept_languages.best_match(["zh", "en"]) or "zh") == "en" else "zh"


@operation(bp, "/notifications", "GET", "One's notifications, newest first (texts in the Accept-Language), "
           "with the unread count", response="NotificationPage", query=("cursor",))
def notification_list():
    """A page of the caller's inbox."""
    page = notifications.inbox_page(ctx(), _locale(), request.args.get("cursor"))
    return jsonify({"items": [item_json(i) for i in page.items], "cursor": page.cursor, "unread": page.unread})


@operation(bp, "/notifications/<nid>/read", "POST", "Mark one of one's notifications read (someone else's: 404)",
           response="Status")
def notification_read(nid: str):
    """Mark one notification read."""
    notifications.mark_read(ctx(), nid)
    return jsonify({"status": "read"})


@operation(bp, "/notifications/read-all", "POST", "Mark every one of one's notifications read",
           response="Status")
def notification_read_all():
    """Mark every notification read."""
    notifications.mark_all_read(ctx())
    return jsonify({"status": "read"})


def preferences_json(prefs) -> dict:
    """The API's view of mail preferences."""
    return {"locale": prefs.locale, "modes": prefs.modes}


@operation(bp, "/notifications/preferences", "GET", "How each group of one's notifications is mailed",
           response="NotificationPreferences")
def notification_preferences():
    """One's mail preferences."""
    return jsonify(preferences_json(notifications.preferences(ctx())))


@operation(bp, "/notifications/preferences", "POST", "Set how groups of one's notifications are mailed (at once, "
           "a daily digest, or not: inbox only) and the mail's language; groups left out keep their setting",
           form=PreferencesForm, response="NotificationPreferences")
def notification_preferences_set():
    """Save mail preferences."""
    current = notifications.preferences(ctx())
    form = parse(PreferencesForm)
    return jsonify(preferences_json(notifications.set_preferences(
        ctx(), modes_of(form, list(current.modes)), form.locale.data or current.locale)))
