"""The structured scorecard editor (issue 17 item 4; GRD-5, GRD-2 b): staff change indicators, weights, ranges,
answers and thresholds in form fields; every problem is shown next to its part and nothing is saved."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from portal.adapters.tables import ScorecardRecord as Scorecard
from portal.domain.grading import scorecard_from_dict
from tests.conftest import sign_in

PAGE = "/staff/scorecards/ortho/default"


class FormFields(HTMLParser):
    """What a browser would submit from the page's editor form: every named input, select and checkbox."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and (a.get("type") != "checkbox" or "checked" in a):
            self.fields[a["name"]] = a.get("value") or ("y" if a.get("type") == "checkbox" else "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and ("selected" in a or not self.fields[self._select]):
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def editor(client) -> dict:
    parser = FormFields()
    parser.feed(client.get(PAGE).get_data(as_text=True))
    return parser.fields


def leader(app):
    client = app.test_client()
    sign_in(client, "ortho.leader@demo.local")
    return client


def indicator_index(fields: dict, name_zh: str) -> int:
    return next(int(k.split("-")[1]) for k, v in fields.items() if k.endswith("-name_zh") and v == name_zh)


def test_saving_the_editor_unchanged_keeps_the_scorecard(app):
    client = leader(app)
    fields = editor(client)
    assert fields["indicators-0-name_zh"] == "规模 / 医院等级" and fields["vip"] == "85"
    assert client.post(PAGE, data=fields).status_code == 302
    saved = Scorecard.get("ortho", "default")
    from portal.domain.grading import DEFAULT_SCORECARD
    assert scorecard_from_dict(json.loads(saved.definition)) == scorecard_from_dict(DEFAULT_SCORECARD)
    assert saved.version == 1


def test_a_leader_changes_weights_adds_an_indicator_and_a_range(app):
    client = leader(app)
    fields = editor(client)
    reputation = indicator_index(fields, "信誉与合规")
    fields[f"indicators-{reputation}-weight"] = "5"  # 10 → 5, the new indicator takes the other 5
    new = max(int(k.split("-")[1]) for k in fields if k.startswith("indicators-"))
    fields.update({f"indicators-{new}-name_zh": "学术合作", f"indicators-{new}-name_en": "Academic cooperation",
                   f"indicators-{new}-weight": "5", f"indicators-{new}-kind": "choice",
                   f"indicators-{new}-options-0-label": "有", f"indicators-{new}-options-0-label_en": "Yes",
                   f"indicators-{new}-options-0-points": "100",
                   f"indicators-{new}-options-1-label": "无", f"indicators-{new}-options-1-points": "0"})
    volume = indicator_index(fields, "年度业务量")  # a fifth range: 1000 万元 and more
    fields.update({f"indicators-{volume}-bands-3-high": "1000", f"indicators-{volume}-bands-4-low": "1000",
                   f"indicators-{volume}-bands-4-points": "100"})
    assert client.post(PAGE, data=fields).status_code == 302
    card = scorecard_from_dict(json.loads(Scorecard.get("ortho", "default").definition))
    by_name = {i.name_zh: i for i in card.indicators}
    assert by_name["信誉与合规"].weight == 5
    added = by_name["学术合作"]
    assert (added.key, added.weight, added.options, added.options_en) == (
        "academic_cooperation", 5, {"有": 100, "无": 0}, {"有": "Yes"})
    assert [(b.low, b.high) for b in by_name["年度业务量"].bands][-2:] == [(500, 1000), (1000, None)]
    page = client.get(PAGE).get_data(as_text=True)
    assert "学术合作" in page and "版本 1" in page


def test_weights_not_adding_up_to_100_are_shown_at_the_weight_and_nothing_is_saved(app):
    client = leader(app)
    fields = editor(client)
    fields["indicators-0-weight"] = "25"
    page = client.post(PAGE, data=fields)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "权重合计为 105，而不是 100" in text
    assert text.index("权重合计为 105") > text.index('id="weight-total"') > text.index('name="indicators-5-weight"')
    assert Scorecard.count() == 0


def test_a_gap_between_ranges_is_shown_at_that_indicators_ranges(app):
    client = leader(app)
    fields = editor(client)
    volume = indicator_index(fields, "年度业务量")
    fields[f"indicators-{volume}-bands-1-low"] = "60"  # 0–50, then 60–200: 50–60 scores nothing
    text = client.post(PAGE, data=fields).get_data(as_text=True)
    error = text.index("区间在 50.0 与 60.0 之间有空档")
    assert text.rfind("data-indicator", 0, error) < text.index(f'name="indicators-{volume}-weight"') < error
    assert text.find("data-indicator", text.index(f'name="indicators-{volume}-weight"')) > error
    assert Scorecard.count() == 0


def test_policy_caps_cannot_be_raised_from_the_editor(app):
    """GRD-2 b: a late payment caps at 合格 whatever the form sends."""
    client = leader(app)
    fields = editor(client)
    caps = {v: k for k, v in fields.items() if k.startswith("caps-") and k.endswith("-key")}
    fields[caps["late_payment"].replace("-key", "-grade")] = "PREFERRED"  # a forged field
    assert client.post(PAGE, data=fields).status_code == 302
    saved = json.loads(Scorecard.get("ortho", "default").definition)
    assert saved["caps"] == {"late_payment": "QUALIFIED", "overdue_pickup": "QUALIFIED"}


def test_removing_an_indicator_and_a_stale_save(app):
    client = leader(app)
    fields = editor(client)
    stale = dict(fields)
    loyalty = indicator_index(fields, "合作年限与忠诚度")
    reputation = indicator_index(fields, "信誉与合规")
    fields[f"indicators-{loyalty}-remove"] = "y"
    fields[f"indicators-{reputation}-weight"] = "20"
    assert client.post(PAGE, data=fields).status_code == 302
    card = scorecard_from_dict(json.loads(Scorecard.get("ortho", "default").definition))
    assert "loyalty_years" not in {i.key for i in card.indicators}
    answer = client.post(PAGE, data=stale)  # loaded before that save
    assert answer.status_code == 409 or "已被他人修改" in answer.get_data(as_text=True)
    assert Scorecard.get("ortho", "default").version == 1


def test_bad_numbers_are_refused_next_to_their_row(app):
    client = leader(app)
    fields = editor(client)
    fields["indicators-0-options-0-points"] = "150"
    text = client.post(PAGE, data=fields).get_data(as_text=True)
    assert "答案 1 · 分值" in text and Scorecard.count() == 0


def test_the_editor_reads_in_english_with_english_answers(app):
    client = leader(app)
    client.get("/lang/en")
    text = client.get(PAGE).get_data(as_text=True)
    assert "Weights add up to" in text and 'value="Grade III A hospital"' in text and "Ranges" in text


def test_a_rep_sees_the_table_but_no_editor_and_may_not_post(app):
    rep = app.test_client()
    sign_in(rep, "ortho.rep@demo.local")
    text = rep.get(PAGE).get_data(as_text=True)
    assert "年度业务量" in text and "indicators-0-weight" not in text
    fields = editor(leader(app))
    assert rep.post(PAGE, data={**fields, "csrf_token": FormFields and fields["csrf_token"]}).status_code in (400, 403)
    assert Scorecard.count() == 0


def test_every_page_names_an_icon_that_exists(app):
    """Issue 17 item 3: no page asks for a missing favicon."""
    import re

    client = leader(app)
    for path in ("/login", PAGE, "/staff/"):
        text = client.get(path).get_data(as_text=True)
        icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', text)
        assert icon, path
        with client.get(icon.group(1)) as answer:
            assert answer.status_code == 200 and answer.data.startswith(b"<svg")
