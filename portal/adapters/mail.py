"""Outgoing e-mail through SES; locally moto keeps it and the log shows it."""

from __future__ import annotations

import logging

from botocore.exceptions import BotoCoreError, ClientError

from portal.adapters import aws
from portal.adapters.store.expr import StoreUnavailable

log = logging.getLogger("portal.mail")
_sender: dict = {"from": "no-reply@portal.local", "show_bodies": False}


def configure(sender: str, show_bodies: bool = False) -> None:
    """Set the SES-verified sender address; `show_bodies` (local runs only) lets the log show what was sent."""
    _sender.update({"from": sender, "show_bodies": show_bodies})


def show_bodies() -> None:
    """Log every mail's recipient, subject and body (`make run` prints them); never on AWS."""
    _sender["show_bodies"] = True


_memory: dict = {"outbox": None}  # a list in fast tests: mails are kept there instead of sent


def use_memory(outbox: list | None) -> list | None:
    """Keep mails in `outbox` (a list of (to, subject, body)) instead of sending them, or send again with None."""
    previous = _memory["outbox"]
    _memory["outbox"] = outbox
    return previous


def send(to: str, subject: str, body: str, html: str | None = None) -> str:
    """Send a plain-text mail (with an HTML alternative when given); return SES's message id."""
    if _memory["outbox"] is not None:
        _memory["outbox"].append((to, subject, body))
        return f"memory-{len(_memory['outbox'])}"
    content = {"Text": {"Data": body, "Charset": "UTF-8"}}
    if html:
        content["Html"] = {"Data": html, "Charset": "UTF-8"}
    try:
        response = aws.client("ses").send_email(
            Source=_sender["from"], Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": content},
        )
    except (ClientError, BotoCoreError) as exc:  # the outbox keeps the mail due and tries again later
        raise StoreUnavailable(f"ses: {exc}") from exc
    if _sender["show_bodies"]:  # the local run shows who got what (invitation links); never on AWS (issue 14)
        log.info("mail to %s: %s", to, subject)
        log.debug("%s", body)
    return response["MessageId"]
