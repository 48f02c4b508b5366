"""The scanner web app for phones at `/scan/` (immigration officers, TIMPORA partners, hotels).

The page, its service worker and manifest are served here; everything it does happens in the
browser (static/scanner/: verification, IndexedDB outbox, camera) against the JSON API of the
accounts, stickers and scans packages. The page holds no personal data and needs no session: the
phone signs in with a device token that the scripts keep in IndexedDB."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from pantau.i18n import translate
from pantau.scans.services import ScanRules
from pantau.web import page_language, render

router = APIRouter(include_in_schema=False)

# The same sticker in view again within this time is not recorded twice.
REPEAT_SECONDS = 60
# The page compiles the QR decoder (ZXing-C++ in WebAssembly): 'wasm-unsafe-eval' allows
# WebAssembly compilation only, not eval() of JavaScript. Nothing else is loosened.
SCANNER_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
    "script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; worker-src 'self'; "
    "manifest-src 'self'; frame-ancestors 'none'; base-uri 'self'"
)
NO_CACHE = {"Cache-Control": "no-cache"}


def _static_dir() -> Path:
    return Path(str(resources.files("pantau").joinpath("static", "scanner")))


@lru_cache(maxsize=1)
def shell() -> tuple[str, list[str]]:
    """(version, URLs) of the app shell that the service worker keeps for offline use. The version
    is a hash of the files, so every process of one release computes the same one and a new
    release replaces the phones' caches."""
    base = _static_dir()
    files = sorted(
        p
        for p in base.rglob("*")
        if p.is_file()
        and p.name != "sw.js"
        and p.suffix not in (".md", "")
        and "LICENSE" not in p.name
    )
    template = Path(str(resources.files("pantau").joinpath("templates", "scanner", "scan.html")))
    digest = hashlib.sha256(template.read_bytes())
    for p in files:
        digest.update(p.relative_to(base).as_posix().encode())
        digest.update(p.read_bytes())
    urls = ["/scan/", "/scan/manifest.webmanifest"]
    urls += [f"/static/scanner/{p.relative_to(base).as_posix()}" for p in files]
    return digest.hexdigest()[:16], urls


@router.get("/scan")
def scan_redirect(request: Request) -> Response:
    # The service worker's scope is /scan/; the page must live inside it.
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/scan/{query}", status_code=307)


@router.get("/scan/")
def scan_page(request: Request) -> Response:
    settings = request.app.state.settings
    response = render(
        request,
        "scanner/scan.html",
        trust_max_age_days=settings.scanner_trust_max_age_days,
        expiring_days=ScanRules().expiring_days,
        repeat_seconds=REPEAT_SECONDS,
    )
    response.headers["Content-Security-Policy"] = SCANNER_CSP
    response.headers["Permissions-Policy"] = "camera=(self), geolocation=(self)"
    response.headers.update(NO_CACHE)
    return response


@router.get("/scan/sw.js")
def service_worker() -> Response:
    version, urls = shell()
    text = (_static_dir() / "sw.js").read_text("utf-8")
    text = text.replace("__VERSION__", version).replace("__SHELL__", json.dumps(urls))
    return Response(
        text,
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/scan/", **NO_CACHE},
    )


@router.get("/scan/manifest.webmanifest")
def manifest(request: Request) -> Response:
    lang = page_language(request)
    body = {
        "name": translate(lang, "Pantau sticker scanner"),
        "short_name": "Pantau",
        "description": translate(lang, "Scan immigration stickers, also offline."),
        "lang": lang,
        "start_url": "/scan/",
        "scope": "/scan/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f5f7fa",
        "theme_color": "#0b3d91",
        "icons": [
            {"src": "/static/scanner/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/scanner/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {
                "src": "/static/scanner/icon-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": "/static/scanner/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        media_type="application/manifest+json",
        headers=NO_CACHE,
    )
