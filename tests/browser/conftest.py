"""A real portal (moto in server mode + the Flask app on a thread) and headless Debian chromium."""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def portal_url(portal_app):
    """The address of the running portal."""
    return portal_app.config["PORTAL_URL_FOR_TESTS"]


def serve_portal(**backend):
    """Run the whole portal as `make run` starts it, on spare ports, until the generator is closed; yields the Flask
    app (its URL in config). `backend`: more settings for start_backend (e.g. mfa_required_roles)."""
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.local import start_backend

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log lines from either server
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    stack = start_backend(moto_port=free_port(), portal_url=url, env="test", demo_customers=False,
                          prefix=f"portal-b{port}-", **backend)  # own tables per module: moto's state is per process
    app = create_app(stack.settings)
    app.config["PORTAL_URL_FOR_TESTS"] = url
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    stack.stop()


@pytest.fixture(scope="module")
def portal_app():
    """The whole portal as `make run` starts it, on spare ports; the Flask app (its URL in config)."""
    yield from serve_portal()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def shot():
    """Save a full-page screenshot under artifacts/screenshots/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(pg, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5000
        return path

    return take


def sign_in(page, url: str, email: str, password: str | None = None):
    """Sign in through the real form (the header's sign-out button is not `main`'s submit button)."""
    from portal.adapters.seed import DEMO_PASSWORD

    page.goto(f"{url}/login")
    page.fill("#email", email)
    page.fill("#password", password or DEMO_PASSWORD)
    with page.expect_navigation():  # the next page, whole: a check right after must not see it half-styled
        page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    return page
