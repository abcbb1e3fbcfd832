"""Delivery channels (issue 16 item 6): each a small adapter that sends one outbox message to one address.

Mail (SES) is the channel today; an SMS or WeCom channel is one more adapter: a `send(to, subject, body, html)`
registered under its name, plus where a user's address for it is found (`address`). The outbox delivers each
message through the channel it was staged for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from portal.adapters import mail


@dataclass(frozen=True)
class Channel:
    """How messages reach people one way: `send` returns the provider's id or raises StoreUnavailable (retry
    later); `address` gives a user record's address on this channel (None: the user cannot be reached so)."""

    name: str
    send: Callable[[str, str, str, str | None], str]
    address: Callable[[object], str | None]


_channels: dict[str, Channel] = {}
_enabled: list[str] = ["mail"]  # the channels notifications are staged on
_links = {"public_url": "http://127.0.0.1:5000"}


def register(channel: Channel, enabled: bool = True) -> None:
    """Add (or replace) a channel; `enabled`: notifications are staged on it too."""
    _channels[channel.name] = channel
    if enabled and channel.name not in _enabled:
        _enabled.append(channel.name)


def unregister(name: str) -> None:
    """Remove a channel (tests); mail always stays."""
    if name != "mail":
        _channels.pop(name, None)
        if name in _enabled:
            _enabled.remove(name)


def get(name: str | None) -> Channel:
    """The channel a message was staged for (mail when it names none)."""
    return _channels.get(name or "mail") or _channels["mail"]


def enabled() -> list[Channel]:
    """The channels notifications are staged on, mail first."""
    return [_channels[name] for name in _enabled if name in _channels]


def configure(public_url: str) -> None:
    """The portal's origin: every notification mail links into the portal under it."""
    _links["public_url"] = public_url.rstrip("/")


def link(path: str) -> str:
    """The absolute URL of a portal path."""
    return _links["public_url"] + path


register(Channel("mail", lambda to, subject, body, html: mail.send(to, subject, body, html=html),
                 lambda user: getattr(user, "email", None)))
