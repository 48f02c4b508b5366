"""/api/v1/docs renders Swagger UI from Pantau's own files: FastAPI's page took it from a CDN,
which the app's Content-Security-Policy blocks (a blank page), and would reach outside anyway."""

from __future__ import annotations

import threading
import time

import pytest
import uvicorn

from pantau.app import create_app
from pantau.db import make_engine
from tests.browser.conftest import _free_port
from tests.conftest import Server


@pytest.fixture(scope="module")
def bare_server(embedded_url, settings, cipher):
    """Pantau on a migrated database with nothing loaded: the docs need no data."""
    engine = make_engine(Server("embedded", embedded_url).new_database(), pool_size=2)
    app = create_app(settings, engine=engine, cipher=cipher)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def test_api_docs_render_with_no_outside_request(page, bare_server):
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{bare_server}/api/v1/docs")
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert "Pantau" in title.inner_text()
    # The operations are drawn from the OpenAPI document (not only the frame of the page).
    page.locator(".opblock-summary-path", has_text="/api/v1/auth/token").first.wait_for()
    assert page.locator(".opblock").count() > 20
    outside = [u for u in requests if not u.startswith((bare_server, "data:", "blob:"))]
    assert outside == [], outside
    assert problems == [], problems  # e.g. "Refused to load the script ... violates CSP"
