"""Notifications rendered in a reader's language (issue 16): inbox lines, and mail in plain text and HTML.

Works inside a request and in the scheduled functions alike: the catalogue is read with Babel directly, the mail
templates (templates/mail/) with a Jinja environment of their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from portal.services.notification_kinds import KINDS, REASON_CODES

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("zh", "en")


@lru_cache(maxsize=4)
def translations(locale: str) -> NullTranslations:
    """The message catalogue of `locale` (English msgids need none)."""
    if locale not in LOCALES or locale == "en":
        return NullTranslations()
    return Translations.load(str(ROOT / "portal" / "translations"), [locale])


@lru_cache(maxsize=4)
def _environment(locale: str) -> Environment:
    env = Environment(loader=FileSystemLoader(str(ROOT / "templates" / "mail")), extensions=["jinja2.ext.i18n"],
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(locale), newstyle=True)
    return env


class _Params(dict):
    """Parameters of one locale: `x_<locale>` wins over `x`; `x_code` renders as the text of the code (REASON_CODES)
    translated; a missing one renders as empty."""

    def __init__(self, params: dict, locale: str):
        super().__init__({k: v for k, v in params.items()})
        self.locale = locale

    def __missing__(self, key: str) -> str:
        return ""

    def __getitem__(self, key: str):
        if f"{key}_code" in self and key not in self:  # a code rendered in the reader's language
            code = super().__getitem__(f"{key}_code")
            return translations(self.locale).gettext(REASON_CODES[code]) if code in REASON_CODES else ""
        localized = f"{key}_{self.locale}"
        return super().__getitem__(localized) if localized in self else super().__getitem__(key)


@dataclass(frozen=True)
class Text:
    """A notification's title and detail line in one language."""

    title: str
    detail: str


def render(kind: str, params: dict | str | None, locale: str) -> Text:
    """The title and detail of a notification of `kind` in `locale`."""
    if isinstance(params, str):
        params = json.loads(params or "{}")
    spec, values = KINDS.get(kind), _Params(params or {}, locale)
    if spec is None:
        return Text(kind, "")
    gettext = translations(locale).gettext
    return Text(gettext(spec.title) % values, gettext(spec.detail) % values if spec.detail else "")


@dataclass(frozen=True)
class Mail:
    """One mail: subject, plain text and HTML."""

    subject: str
    text: str
    html: str


def mail(items: list[tuple[str, dict, str]], locale: str, name: str, link_base: str, digest: bool = False) -> Mail:
    """The mail telling `name` of `items` ((kind, params, absolute link) each) in `locale`: one notification, or
    the daily digest of several. Every mail links into the portal and to the preferences."""
    lines = [(render(kind, params, locale), link) for kind, params, link in items]
    gettext = translations(locale).gettext
    subject = gettext("Your daily summary: %(count)s notifications") % {"count": len(lines)} if digest \
        else lines[0][0].title
    context = {"lines": lines, "name": name, "inbox": f"{link_base}/notifications",
               "preferences": f"{link_base}/notifications/preferences", "digest": digest, "locale": locale}
    env = _environment(locale)
    return Mail(f"【客户门户】{subject}" if locale == "zh" else f"[Customer portal] {subject}",
                env.get_template("notification.txt").render(context),
                env.get_template("notification.html").render(context))
