"""Issue 16 item 5 in headless chromium: a department leader's home shows its to-dos with counts that link to the
lists, at 1280 and 390 px; MD's home shows the company's."""

from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/todo")


def _count(pg, label: str) -> str:
    return pg.locator(".todo-item", has_text=label).locator(".todo-count").inner_text()


def test_staff_homes_show_their_to_dos(browser, portal_url):
    from tests.factories import PASSWORD, applied

    for n in range(2):
        applied(email=f"todo{n}@kangning.cn", name=f"杭州康宁医疗器械有限公司{n}", password=PASSWORD)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        pg = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN").new_page()
        sign_in(pg, portal_url, "ortho.leader@demo.local")
        pg.wait_for_url(f"{portal_url}/staff/")
        assert pg.locator("#todo-title").inner_text() == "本部门待办"
        assert _count(pg, "待处理的申请") == "2" and _count(pg, "未处理的变更报告") == "0"
        pg.screenshot(path=str(SHOTS / f"staff-home-{width}.png"), full_page=True)
        box = pg.locator(".todo").bounding_box()
        assert box and box["x"] + box["width"] <= width  # nothing runs off a phone's screen
        if width == 1280:
            pg.locator(".todo-item", has_text="待处理的申请").click()
            pg.wait_for_url(f"{portal_url}/staff/departments/ortho/applications")
            assert "杭州康宁医疗器械有限公司1" in pg.content()
        pg.context.close()
    md = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(md, portal_url, "md.admin@demo.local")
    md.wait_for_url(f"{portal_url}/staff/")
    assert md.locator("#todo-title").inner_text() == "全公司待办" and _count(md, "待处理的申请") == "2"
    md.screenshot(path=str(SHOTS / "md-home-1280.png"), full_page=True)
    md.context.close()
