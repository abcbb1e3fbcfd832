"""Issue 17 item 1: every page of every role's world works at 390 px (a phone) and at 1280 px — the page never
scrolls sideways, the menu folds behind one button on the phone and every menu link can be reached and clicked,
and axe-core finds no serious or critical WCAG 2.1 A/AA violation (labels, contrast, names, keyboard reach).
Full-page screenshots of every page at both widths land in artifacts/screenshots/pages/ to be looked at."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.factories import PASSWORD

AXE = ARTIFACTS.parents[1] / ".build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # scripts/ensure-browser.sh
AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                                          resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""

WIDTHS = {"phone": (390, 844), "desktop": (1280, 860)}
ROLES = {"customer": None, "md.admin@demo.local": "md", "ortho.leader@demo.local": "leader",
         "ortho.rep@demo.local": "rep"}
SKIP_PREFIXES = ("api.", "static")
SKIP = {"auth.set_language", "auth.logout", "auth.index", "auth.login", "auth.register", "customer.document_open",
        "staff.document_open",
        "customer.ticket_file_open", "staff.ticket_file_open", "staff.export_download", "staff.ticket_report_csv",
        "staff.sales_template"}  # a file download (CSV or .xlsx by its query), not a page


@pytest.fixture(scope="module")
def world(portal_url):
    from tests.walk import build_world

    return build_world()


def page_urls(app_rules, ids) -> list[tuple[str, str]]:
    from tests.web.test_access_walk import url_for_rule

    out = []
    for rule in app_rules:
        if "GET" not in rule.methods or rule.endpoint in SKIP or rule.endpoint.startswith(SKIP_PREFIXES):
            continue
        if rule.endpoint.endswith(("_csv", "_download", "_xlsx")):
            continue
        out.append((rule.endpoint, url_for_rule(rule, ids)))
    return sorted(set(out))


@pytest.fixture(scope="module")
def pages(portal_app, world):
    return page_urls(portal_app.url_map.iter_rules(), world)


def fits(page) -> tuple[int, int]:
    """(widest element's right edge, the viewport's width): the page must not scroll sideways."""
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def check_menu(page, width: int) -> list[str]:
    """Problems with the header menu: on the phone it opens from its button and every link lies on screen."""
    problems = []
    toggle = page.locator(".menu-toggle")
    if width < 960:
        if not toggle.is_visible():
            return ["no menu button on the phone"]
        toggle.click()
        if page.get_attribute(".menu-toggle", "aria-expanded") != "true":
            problems.append("the menu button does not say the menu is open")
    elif toggle.is_visible():
        problems.append("a menu button on the desktop")
    for link in page.locator("#menu a, #menu button").all():
        box = link.bounding_box()
        if not link.is_visible() or box is None or box["x"] < 0 or box["x"] + box["width"] > width + 1:
            problems.append(f"menu item off screen: {link.inner_text()!r}")
            continue
        link.click(trial=True)  # Playwright checks it is visible, stable and not covered by anything else
    if width < 960:
        toggle.click()
    return problems


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("size", list(WIDTHS))
def test_every_page_fits_the_screen_and_its_menu_works(browser, portal_url, world, pages, role, size):
    from tests.walk import CUSTOMER_EMAIL

    width, height = WIDTHS[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  is_mobile=size == "phone", has_touch=size == "phone", bypass_csp=True)
    page = context.new_page()
    failed = []  # a stylesheet, script or icon a page asks for and does not get (a missing favicon, say)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" else None)
    email = CUSTOMER_EMAIL if role == "customer" else role
    sign_in(page, portal_url, email, PASSWORD if role == "customer" else None)
    problems = [f"home: {p}" for p in check_menu(page, width)]  # the header is one layout: checked once a role
    folder = ARTIFACTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    visited = 0
    try:
        for endpoint, path in pages:
            response = page.goto(portal_url + path)
            if response is None or response.status in (403, 404, 405):
                continue  # not this role's page: the access walk holds who may open what
            assert response.status < 500, (endpoint, response.status)
            visited += 1
            widest, viewport = fits(page)
            if widest > viewport:
                problems.append(f"{endpoint}: {widest} px wide in a {viewport} px screen")
            page.add_script_tag(path=str(AXE))
            problems += [f"{endpoint}: {v}" for v in page.evaluate(AXE_RUN)]
            name = f"{ROLES[role] or 'customer'}-{endpoint.replace('.', '-')}-{width}"
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    finally:
        context.close()
    assert visited >= 5, f"only {visited} pages opened for {role}"
    assert problems == []
    assert failed == []


def test_the_accessibility_check_sees_a_planted_violation(browser):
    """The walk's axe run is live: a button with no name and an image with no text are reported."""
    page = browser.new_page()
    page.set_content('<html lang="zh-CN"><head><title>t</title></head><body><main><img src="x.png">'
                     "<button></button></main></body></html>")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_RUN)
    page.close()
    assert any(v.startswith("button-name (critical)") for v in found)
    assert any(v.startswith("image-alt (critical)") for v in found)
