"""The application factory: `create_app(settings)` builds a new app; nothing is made at import time."""

from __future__ import annotations

import importlib
import logging
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from pantau import __version__, openapi
from pantau.accounts.services import SecretCipher
from pantau.config import Settings
from pantau.db import app_database_url, session_factory, web_engine
from pantau.errors import PantauError
from pantau.gate import ConcurrencyGate
from pantau.inputs import data_error, reject_bad_input, validation_error
from pantau.web import LoginRequired, api_language, render

log = logging.getLogger(__name__)

# Route modules, each holding `router` (and optionally `NAV`, a list of NavItem, and `setup(app)`).
# Per domain package: `api.py` = JSON API routes, `pages.py` = console pages, `public.py` = public
# pages. The order is the console menu's order. A new route module adds one line here.
ROUTE_MODULES = [
    "pantau.health",
    "pantau.accounts.pages",
    "pantau.accounts.api",
    "pantau.reference.api",
    "pantau.reference.pages",
    "pantau.audit.pages",
    "pantau.stays.api",
    "pantau.bans.api",
    "pantau.stays.pages",
    "pantau.people.pages",
    "pantau.bans.pages",
    "pantau.stickers.pages",
    "pantau.stickers.api",
    "pantau.scans.api",
    "pantau.alerts.api",
    "pantau.alerts.pages",
    "pantau.notifications.api",
    "pantau.notifications.pages",
    "pantau.maps.api",
    "pantau.maps.pages",
    "pantau.dashboards.pages",
    "pantau.dashboards.api",
    "pantau.reports.public",
    "pantau.cases.api",
    "pantau.cases.pages",
    "pantau.statistics.api",
    "pantau.statistics.pages",
    "pantau.operations.api",
    "pantau.operations.pages",
    "pantau.queue.booking.public",
    "pantau.queue.desk.pages",
    "pantau.queue.offices.pages",
    "pantau.queue.booking.api",
    "pantau.scanner.pages",
    "pantau.scanner.public",
]


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("pantau").joinpath(name)))


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    cipher: SecretCipher | None = None,
    demo: bool = False,
) -> FastAPI:
    """`demo` turns on what only a demo may show (the outbox of citizens' one-time codes); only
    `pantau demo` passes it, and never in production."""
    app = FastAPI(
        title="Pantau",
        version=__version__,
        description="Pengawasan orang asing (WNA) dengan stiker QR bertanda tangan; antrean paspor APPAPO.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN: see _install_api_docs
        redoc_url=None,
        # Every route: no NUL characters, no integers beyond bigint (pantau.inputs).
        dependencies=[Depends(reject_bad_input)],
    )
    if engine is None:
        engine = web_engine(app_database_url(settings), settings)
    if cipher is None:
        from pantau.keys import pii_cipher

        cipher = pii_cipher(settings)
    app.state.settings = settings
    app.state.demo = demo and settings.environment != "production"
    app.state.engine = engine
    app.state.session_factory = session_factory(engine)
    app.state.cipher = cipher
    app.state.templates = Jinja2Templates(directory=str(_package_dir("templates")))
    from pantau.reference.places import local_time, place_name, place_time

    app.state.templates.env.globals.update(
        place_name=place_name, place_time=place_time, local_time=local_time
    )
    app.state.nav = []
    # Called after scans are stored (alert rules plug in here); each runs isolated.
    app.state.scan_hooks = []
    app.mount("/static", StaticFiles(directory=str(_package_dir("static"))), name="static")
    for module_name in ROUTE_MODULES:
        module = importlib.import_module(module_name)
        app.include_router(module.router)
        app.state.nav.extend(getattr(module, "NAV", []))
        if hasattr(module, "setup"):  # e.g. a scan hook
            module.setup(app)
    _install_api_docs(app)
    openapi.install(app)
    _install_error_handlers(app)
    app.add_middleware(
        ConcurrencyGate, limit=settings.web_concurrency, wait_seconds=settings.web_queue_seconds
    )
    _install_security_headers(app, hsts=settings.secure_cookies)
    return app


API_DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pantau API</title>
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</head>
<body><div id="swagger-ui" data-openapi="/api/v1/openapi.json"></div></body>
</html>
"""


def _install_api_docs(app: FastAPI) -> None:
    """Swagger UI at /api/v1/docs from Pantau's own files (static/vendor/swagger-ui): FastAPI's
    page takes it from a CDN and starts it with an inline script, both of which the CSP blocks."""

    @app.get("/api/v1/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return HTMLResponse(API_DOCS_HTML)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PantauError)
    async def pantau_error(request: Request, exc: PantauError) -> Response:
        lang = api_language(request)
        retry = exc.extra.get("retry_after")
        headers = {"Retry-After": str(retry)} if retry and exc.status in (429, 503) else None
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.as_dict(lang)}, status_code=exc.status, headers=headers
            )
        page = render(request, "error.html", status_code=exc.status, message=exc.message(lang))
        page.headers.update(headers or {})
        return page

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return await pantau_error(request, validation_error(exc))

    @app.exception_handler(sa_exc.DataError)
    async def refused_value(request: Request, exc: sa_exc.DataError) -> Response:
        return await pantau_error(request, data_error(exc))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            detail: Any = exc.detail
            if not isinstance(detail, dict):  # one envelope for every error (pantau.openapi)
                detail = {"code": f"http_{exc.status_code}", "message": str(detail)}
            return JSONResponse(
                {"detail": detail},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        detail = exc.detail
        message = detail.get("message") if isinstance(detail, dict) else str(detail)
        return render(request, "error.html", status_code=exc.status_code, message=message)


HSTS = "max-age=31536000; includeSubDomains"


def _install_security_headers(app: FastAPI, *, hsts: bool = False) -> None:
    # Everything is served by Pantau itself (no CDN): the policy can be strict.
    csp = (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'"
    )

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if hsts:  # secure cookies mean Pantau is served over HTTPS: browsers must keep to it
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory` with several workers: each process builds its own app."""
    from pantau.config import load_settings
    from pantau.gate import serving_process

    serving_process()
    return create_app(load_settings())
