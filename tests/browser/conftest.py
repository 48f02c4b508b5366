"""Browser fixtures: Pantau served by uvicorn in a thread on a database of its own, and Debian's
chromium driven by Playwright (no browser download: the machines reach package registries only)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from pantau.app import create_app
from pantau.db import make_engine
from pantau.demo.load import load_demo
from tests.conftest import Server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    url: str
    engine: Engine
    factory: sessionmaker[Session]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(embedded_url, settings, cipher) -> Iterator[LiveServer]:
    url = Server("embedded", embedded_url).new_database()
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as s, s.begin():
        load_demo(s, settings, cipher)
    app = create_app(settings, engine=engine, cipher=cipher)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield LiveServer(f"http://127.0.0.1:{port}", engine, factory)
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright per test process: a second `sync_playwright()` while one runs fails with
    "using Playwright Sync API inside the asyncio loop", so every browser is launched from this one."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: scripts/ensure-chromium.sh should install it")
        pytest.skip("Debian's chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="id-ID", viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


@pytest.fixture(scope="module")
def _session_cookies() -> dict[tuple[str, str], list[dict[str, object]]]:
    return {}


@pytest.fixture
def login(page, live_server, _session_cookies):
    """Sign in through the form once per user and server, then reuse the session cookie: a
    one-time code cannot be used twice (replay protection), so tests must not sign in again
    within the same 30 seconds."""
    from tests.browser.test_console import sign_in

    def _login(username: str) -> None:
        page.context.clear_cookies()  # one signed-in user at a time
        key = (live_server.url, username)
        if key in _session_cookies:
            page.context.add_cookies(_session_cookies[key])
            page.goto(f"{live_server.url}/console")
            return
        sign_in(page, live_server.url, username)
        page.wait_for_url(f"{live_server.url}/console")
        _session_cookies[key] = page.context.cookies()

    return _login
