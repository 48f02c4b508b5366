"""The public verifier page `/verifikasi`: anyone (a hotel, a bank, a landlord, an airline) checks
a sticker without an account. The page fetches the published root, trust list and status list and
verifies in the browser with the scanner app's own modules (static/scanner/verify.js, camera.js);
nothing read or pasted is sent back to the server. It shows only whether the sticker is genuine,
until when it is valid and whether it was revoked - no name, no movements."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from pantau.scanner.pages import NO_CACHE, SCANNER_CSP
from pantau.web import render

router = APIRouter(include_in_schema=False)


@router.get("/verifikasi")
def verifier_page(request: Request) -> Response:
    response = render(request, "scanner/verifikasi.html")
    # The same policy as the scanner app: the QR decoder is WebAssembly, nothing else is loosened.
    response.headers["Content-Security-Policy"] = SCANNER_CSP
    response.headers["Permissions-Policy"] = "camera=(self), geolocation=()"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.update(NO_CACHE)
    return response


@router.get("/verify")
def verifier_page_english() -> Response:
    return RedirectResponse("/verifikasi", status_code=307)
