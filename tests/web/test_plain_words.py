"""Issue 17 item 2, plain words: every page, in Chinese and in English, for every kind of user, says things by their
names. The walk fails on visible text holding an id from the data, an enum value of the domain, a rule code, a staff
member's e-mail address where their name exists, a time said in UTC or "Beijing time" said more than once, and, on
English pages, Chinese that nobody typed.

What counts as an id or a code is read from the seeded data (every `*_id` attribute of every table) and from the
domain (every StrEnum value and every code-like string constant of `portal.domain`), not from a list kept here. A
value is allowed where it is a word of the page's own language: a token of the English msgids on English pages, of
the Chinese translations on Chinese pages ("VIP" is a grade's name in both; "open" is English but no Chinese word).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
# Company leadership reads MD's pages and a clerk a rep's (the access walk holds that): walked in zh and en, the
# others' words would be the same ones.
IDENTITIES = ["anonymous", "customer", "md.admin", "ortho.leader", "ortho.rep"]
SKIP = {"auth.set_language", "auth.logout", "auth.index"}  # redirects only
RULE_CODE = re.compile(r"\b(?:ADM|GRD|QTA|REV|INC|BLK|RGT|OBL|CMP|REL|SEC|ONB|SCP|ACT)-\d+\b")
TOKEN = re.compile(r"[A-Za-z0-9_]+(?:[-.][A-Za-z0-9_]+)*")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ULID_OR_UUID = re.compile(r"\b(?:[0-9A-HJKMNP-TV-Z]{26}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})\b")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
BEIJING = {"zh": "北京时间", "en": "Beijing time"}
TIME_OF_DAY = re.compile(r"\b\d{2}:\d{2}\b")

CODE_FIELDS = {"status", "kind", "grade", "mode", "channel", "outcome", "role", "scale", "recommended"}
# Pages where a person's e-mail address is shown on purpose, each with its reason.
EMAIL_PAGES = {
    "staff.staff_member": "the staff member's record: the address they sign in with is one of its fields",
    "staff.department": "the department's staff list: how to reach each person, beside their name",
    "staff.audit_log": "the audit trail names the account that acted, as it was recorded (DESIGN rule 10)",
}
# Pages still showing who acted by the e-mail address the record keeps: none (the blacklist keeps the listing
# person's name with the entry; visit pages look names up in two batched reads). This list may only shrink.
PENDING_NAMES: set[str] = set()
# Elements marked `data-raw` show a stored record as it is, on demand: only the audit page's details do.
RAW_PAGES = {"staff.audit_log"}


class _Text(HTMLParser):
    """The text a reader sees: no tags, no attributes, nothing inside <script>, <style> or <template>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: list[str] = []  # the tags of the hidden elements we are in
        self.raw = False

    def handle_starttag(self, tag, attrs):
        if self.hidden and tag == self.hidden[-1]:
            self.hidden.append(tag)
        elif tag in ("script", "style", "template") or "data-raw" in dict(attrs):
            self.raw = self.raw or "data-raw" in dict(attrs)
            self.hidden.append(tag)

    def handle_endtag(self, tag):
        if self.hidden and tag == self.hidden[-1]:
            self.hidden.pop()

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> tuple[str, bool]:
    """The visible text of a page, its pieces joined by line breaks, and whether it showed a raw record."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts), parser.raw


def _plain(value) -> list:
    """A DynamoDB attribute value as plain Python (strings, numbers as text, lists, dicts)."""
    (kind, inner), = value.items()
    if kind in ("S", "N"):
        return inner
    if kind in ("SS", "NS"):
        return list(inner)
    if kind == "L":
        return [_plain(v) for v in inner]
    if kind == "M":
        return {k: _plain(v) for k, v in inner.items()}
    return None


def _items() -> list[dict]:
    """Every item of every table, as plain dicts (a test may Scan)."""
    from portal.adapters import aws, tables

    client, out = aws.client("dynamodb"), []
    for model in tables.MODELS:
        request = {"TableName": model.Meta.table_name}
        while True:
            page = client.scan(**request)
            out += [{k: _plain(v) for k, v in item.items()} for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return out


def _strings(value, choices: set[str]) -> list[str]:
    """Strings a person typed somewhere inside `value`: JSON is opened; a field with an English twin (`name_zh` /
    `name_en`, `options` / `options_en`) is not typed text but a translated name, and neither is a domain choice."""
    if isinstance(value, str):
        if value[:1] in "[{":
            try:
                return _strings(json.loads(value), choices)
            except ValueError:
                pass
        return [] if value in choices else [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, choices)]
    if isinstance(value, dict):
        out = []
        for key, inner in value.items():
            twin = key[:-3] + "_en" if key.endswith("_zh") else key + "_en"
            if twin in value:
                continue
            out += _strings(inner, choices)
        return out
    return []


def _english(value) -> list[str]:
    """The English texts inside a record or JSON: whatever lies in a field ending in `_en`."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (_strings(v, set()) if k.endswith("_en") else
                                                      _english(v) if isinstance(v, dict | list | str) else [])]
    if isinstance(value, list):
        return [s for v in value for s in _english(v)]
    return []  # a plain text that is not in a field ending in `_en`


def domain_codes() -> tuple[set[str], set[str]]:
    """(every StrEnum value of the domain, every string a domain constant offers as a choice)."""
    import portal.domain as domain

    codes, choices = set(), set()
    for info in pkgutil.iter_modules(domain.__path__):
        module = importlib.import_module(f"portal.domain.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, StrEnum) and value.__module__ == module.__name__:
                codes |= {member.value for member in value}
            elif name.isupper() and isinstance(value, tuple | frozenset | set | dict):
                strings = {v for v in value if isinstance(v, str)}
                choices |= strings
                codes |= {v for v in strings if re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][A-Z0-9_]{2,}", v)}
    from portal.domain.default_scorecard import DEFAULT_SCORECARD

    for indicator in DEFAULT_SCORECARD["indicators"]:  # the scorecard's own choices and keys
        choices |= set(indicator.get("options", {}))
        codes.add(indicator["key"])
    codes |= set(DEFAULT_SCORECARD["caps"]) | set(DEFAULT_SCORECARD["thresholds"])
    return codes, choices


def vocabulary() -> dict[str, set[str]]:
    """The words of each language's own texts: tokens of the English msgids, and of the Chinese translations."""
    from babel.messages.pofile import read_po

    with open(ROOT / "portal/translations/zh/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    words = {"zh": set(), "en": set()}
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        words["en"] |= {t for text in ids for t in TOKEN.findall(text or "")}
        words["en"] |= {t.lower() for text in ids for t in TOKEN.findall(text or "")}
        words["zh"] |= {t for text in strs for t in TOKEN.findall(text or "")}
    return words


def enrich_world(app, ids: dict) -> None:
    """The walk's world, with the demo customers (grades above 合格, their history, visits), an evaluation scored
    with a late payment (a capped proposal) and an open proposal."""
    from portal.adapters.clock import utc_now
    from portal.adapters.seed import seed_demo
    from portal.services import evaluations, grading
    from portal.services.auth import hash_password
    from tests.conftest import staff_ctx

    seed_demo(app.extensions["portal.settings"], utc_now(), hash_password, with_customers=True)
    rep = staff_ctx("ortho.rep@demo.local")
    scored = evaluations.evaluate(rep, "ortho", ids["customer_id"], {
        "scale": "二级甲等", "annual_volume": 300, "payment": "偶有逾期，已结清", "reputation": "一般",
        "loyalty_years": 2, "qualification": "齐全有效"}, {"late_payment": True},
        reasons={"loyalty_years": "合作始于本系统上线之前"})
    grading.propose(rep, "ortho", ids["customer_id"], "PREFERRED", "采购量增长", scored.eval_id)


class Findings:
    """What the walk found, page by page."""

    def __init__(self, items: list[dict]):
        self.codes, choices = domain_codes()
        self.codes |= {v for item in items for key, v in item.items()  # the states and kinds records hold
                       if (key in CODE_FIELDS or key.endswith(("_grade", "_how", "_status"))) and isinstance(v, str)
                       and re.fullmatch(r"[a-z]+(?:_[a-z]+)*|[A-Z][A-Z_]+", v)}
        self.ids = {str(v) for item in items for key, value in item.items()
                    if key.endswith("_id") or key == "id"
                    for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and len(v) > 1}
        self.ids -= {"zh", "en"}  # a language's own code names the language switch's target, never shown
        self.words = vocabulary()
        coded = {c for c in self.codes if "_" in c or c.isupper()} - (self.words["zh"] & self.words["en"])
        self.words = {lang: words - coded for lang, words in self.words.items()}  # "VIP" is a name in both
        # Roman numerals are English words: the device classes' own names ("Class III" = 第三类, which the Chinese
        # pages must say) and hospital grades ("Grade III A hospital"); on a Chinese page "III" stays a code.
        self.words["en"] |= {"I", "II", "III"}
        english = [s for item in items for s in _english(item)]  # names in the data ("Manual wheelchair")
        self.words["en"] |= {t.lower() for text in english for t in TOKEN.findall(text)}
        typed = {s.strip() for item in items
                 for s in _strings({k: v for k, v in item.items() if not k.endswith("_id")}, choices)}
        self.typed = sorted((t for t in typed if CJK.search(t)), key=len, reverse=True)
        self.staff_emails = {item["email"] for item in items if item.get("kind") == "staff" and "email" in item}
        self.found: list[str] = []

    def check(self, who: str, endpoint: str, lang: str, text: str, staff: bool, own_email: str | None) -> None:
        """Record every problem of one page's visible text."""
        where = f"{who} {lang} {endpoint}"
        for email in set(EMAIL.findall(text)):
            if email == own_email and endpoint == "account.profile_page":
                continue  # one's own sign-in address, to change it
            if staff and email in self.staff_emails and endpoint not in EMAIL_PAGES.keys() | PENDING_NAMES:
                self.found.append(f"{where}: a person shown by e-mail: {email}")
        bare = EMAIL.sub(" ", text)
        tokens = set(TOKEN.findall(bare))
        for token in sorted(tokens & (self.ids | self.codes) - self.words[lang]):
            self.found.append(f"{where}: {'an id' if token in self.ids else 'a code'}: {token!r} in "
                              f"{_around(bare, token)!r}")
        for raw in sorted(set(ULID_OR_UUID.findall(bare))):
            self.found.append(f"{where}: a raw id: {raw}")
        for code in sorted(set(RULE_CODE.findall(bare))):
            self.found.append(f"{where}: a rule code: {code} in {_around(bare, code)!r}")
        if "UTC" in tokens:
            self.found.append(f"{where}: a time in UTC: {_around(bare, 'UTC')!r}")
        said = text.count(BEIJING[lang])
        if said > 1 or (said == 0 and TIME_OF_DAY.search(bare)):
            self.found.append(f"{where}: Beijing time said {said} times")
        if lang == "en":
            rest = bare
            for typed in self.typed:
                rest = rest.replace(typed, " ")
            rest = rest.replace("中文", " ")  # the switch to Chinese, in Chinese
            for run in sorted(set(CJK.findall(rest))):
                self.found.append(f"{where}: Chinese on an English page: {run!r} in {_around(rest, run)!r}")


def _around(text: str, part: str) -> str:
    at = text.find(part)
    return text[max(0, at - 30): at + len(part) + 30].replace("\n", " | ")


def page_urls(app, ids) -> list[tuple[str, str]]:
    """Every page a browser opens: each GET route that is not the API or a file, with the world's ids."""
    from portal.site import LANGS, PAGES
    from tests.web.test_access_walk import url_for_rule

    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP or rule.endpoint.startswith(("api.", "static")):
            continue
        if rule.endpoint.endswith(("_csv", "_download", "_xlsx", "_open")):
            continue
        if rule.endpoint == "site.show":  # the public site's pages, each language's own
            out += [(rule.endpoint, rule.build({"lang": lang, "page": page}, append_unknown=False)[1])
                    for lang in LANGS for page in PAGES]
            continue
        out.append((rule.endpoint, url_for_rule(rule, ids)))
    return sorted(set(out))


def _client(app, who: str):
    client = app.test_client()
    if who != "anonymous":
        email = "buyer@customer.cn" if who == "customer" else f"{who}@demo.local"
        assert sign_in(client, email).status_code == 302
    return client


def test_every_page_says_things_by_their_names_in_both_languages(app):
    from tests.walk import CUSTOMER_EMAIL, build_world

    app.config["WTF_CSRF_ENABLED"] = False
    ids = build_world()
    enrich_world(app, ids)
    findings = Findings(_items())
    assert {"ortho", "bone-plate", ids["customer_id"]} <= findings.ids
    assert {"PREFERRED", "late_payment", "in_progress"} <= findings.codes
    pages = page_urls(app, ids) + [("staff.customer_search", "/staff/search?q=上海")]
    opened = 0
    for who in IDENTITIES:
        client = _client(app, who)
        own = CUSTOMER_EMAIL if who == "customer" else (None if who == "anonymous" else f"{who}@demo.local")
        refused: set[str] = set()
        for lang in ("zh", "en"):
            client.set_cookie("lang", lang)
            for endpoint, url in pages:
                if endpoint == "site.show" and f"/{lang}/" not in url or url in refused:
                    continue
                response = client.get(url)
                if response.status_code != 200 or not response.mimetype == "text/html":
                    refused.add(url)  # not this reader's page (the access walk holds who may open what)
                    continue
                opened += 1
                text, raw = visible_text(response.get_data(as_text=True))
                assert not raw or endpoint in RAW_PAGES, f"{endpoint} shows a raw record"
                findings.check(who, endpoint, lang, text, staff=who not in ("anonymous", "customer"), own_email=own)
    assert opened > 300
    assert findings.found == [], f"{len(findings.found)} problems:\n" + "\n".join(findings.found)


def test_the_check_sees_planted_problems(aws):
    """The checker is live: each kind of problem planted in a page's text is reported, and plain text is not."""
    items = [{"dept_id": "ortho", "change_id": "x1", "status": "open"},
             {"dept_id": "ortho", "product_id": "bone-plate", "name_zh": "骨科产品销售部", "name_en": "Orthopaedics"},
             {"user_id": "u1", "kind": "staff", "email": "rep@demo.local", "name": "刘洋"},
             {"customer_id": "c1", "name": "上海仁济医疗器械有限公司"}]
    findings = Findings(items)
    findings.check("md", "staff.home", "zh", "骨科产品销售部 · 上海仁济医疗器械有限公司 · VIP · 所有时间均为北京时间。",
                   staff=True, own_email=None)
    findings.check("md", "staff.home", "en", "Orthopaedics · 上海仁济医疗器械有限公司 · Preferred · Open · 中文",
                   staff=True, own_email=None)
    assert findings.found == []
    planted = {"zh": ["部门 ortho", "产品 bone-plate", "等级 PREFERRED", "事件 late_payment", "状态 open",
                      "（RGT-1）", "rep@demo.local", "12:00 UTC", "评价 01M8FQJB2ZK6V1T4XQH0ABCDEF",
                      "北京时间 北京时间"],
               "en": ["the ortho department", "Preferred 优选", "VIP first (RGT-2)", "grade PREFERRED",
                      "ticket in_progress", "by rep@demo.local"]}
    for lang, texts in planted.items():
        for text in texts:
            findings.found = []
            findings.check("md", "staff.home", lang, text, staff=True, own_email=None)
            assert findings.found, (lang, text)
    findings.found = []
    findings.check("rep", "account.profile_page", "en", "rep@demo.local", staff=True, own_email="rep@demo.local")
    assert findings.found == []  # one's own address on one's own account page


def test_visible_text_leaves_out_scripts_attributes_and_raw_records():
    text, raw = visible_text('<p title="ortho">Hello <b>there</b></p><script>var x = "ortho";</script>'
                             '<details data-raw><summary>Show</summary><pre>{"dept": "ortho"}</pre></details>'
                             '<style>.ortho{}</style><p>after</p>')
    assert text == "Hello\nthere\nafter" and raw
