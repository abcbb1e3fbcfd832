"""The structured scorecard editor in chromium (issue 17 item 4): the weights' total is checked while typing, the
rows follow the way an indicator is scored, and a leader saves a changed department scorecard on a phone."""

import json

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_leader_edits_the_department_scorecard(browser, portal_url, shot, width):
    from portal.adapters.tables import ScorecardRecord

    page = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN").new_page()
    sign_in(page, portal_url, "rehab.leader@demo.local")
    page.goto(f"{portal_url}/staff/scorecards/rehab/default")
    total = page.locator("#weight-total")
    assert total.locator("[data-weight-sum]").inner_text() == "100" and "weight-ok" in total.get_attribute("class")
    page.fill("#indicators-0-weight", "25")
    assert total.locator("[data-weight-sum]").inner_text() == "105" and "weight-bad" in total.get_attribute("class")
    page.fill("#indicators-0-weight", "15")
    new = page.locator("[data-indicator]").last
    page.fill("#indicators-6-name_zh", "学术合作")
    page.fill("#indicators-6-weight", "5")
    assert total.locator("[data-weight-sum]").inner_text() == "100"
    assert new.locator("[data-kind-section=choice]").is_visible()
    assert not new.locator("[data-kind-section=number]").is_visible()
    page.select_option("#indicators-6-kind", "number")
    assert new.locator("[data-kind-section=number]").is_visible()
    assert not new.locator("[data-kind-section=choice]").is_visible()
    page.fill("#indicators-6-bands-0-low", "0")
    page.fill("#indicators-6-bands-0-points", "60")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="保存").click()
    assert "评价表已保存" in page.locator(".flash").inner_text()
    shot(page, f"25-scorecard-editor-{width}")  # after: a full-page shot resizes the window, which moved the button
    card = json.loads(ScorecardRecord.get("rehab", "default").definition)
    added = next(i for i in card["indicators"] if i["name_zh"] == "学术合作")
    assert added["weight"] == 5 and added["bands"] == [{"low": 0.0, "high": None, "points": 60}]
    assert next(i for i in card["indicators"] if i["key"] == "scale")["weight"] == 15
    ScorecardRecord.get("rehab", "default").delete()  # the next width starts from the company default again
